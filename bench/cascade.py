"""The intent classifier's cascade threshold, chosen on the dev set's tune split:
`.venv-rasa/bin/python -m bench.cascade [--write]` (Rasa's environment: it imports the classifier).

Fits ``TendikIntentClassifier`` (its own features, both logistic regressions, the pipeline's
configuration from nlu_data/config.yml) on the NLU training examples, then for every threshold of a
grid reports, per split, the share of messages the n-gram model answers alone (e5 skipped), how
often its intent equals the joint model's, and intent accuracy and macro-F1 of the cascade against
the joint model, and the same for out-of-fold predictions of the training examples (``--folds``,
5-fold cross-validation: both models refitted on four fifths, the fifth predicted). The chosen
threshold is the smallest at which the cascade's accuracy equals the joint model's or better, on the
tune split and on the out-of-fold training predictions alike (the tune split alone, 144 questions,
chose a threshold that lowered held-out Russian accuracy); the held-out split is reported, never
used for the choice. ``--write``
stores the table in bench/cascade.json (bench/CPU.md quotes it).
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from bench.metrics import macro_f1
from bench.restore_classifier import cached_embed, intents
from tendik.paths import NLU
from tendik.rasa import intent_classifier
from tendik.retrieval.evaluate import load_devset

GRID = (0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
OUT = Path(__file__).with_name("cascade.json")


def pipeline_config() -> dict[str, Any]:
    config = yaml.safe_load((NLU / "config.yml").read_text(encoding="utf-8"))
    for item in config["pipeline"]:
        if item["name"].endswith("TendikIntentClassifier"):
            return {k: v for k, v in item.items() if k != "name"}
    raise SystemExit("TendikIntentClassifier is not in nlu_data/config.yml")


def both_models(config: dict[str, Any], texts: list[str], labels: list[str], predict: list[str]) -> tuple[list[str], np.ndarray, np.ndarray, list[str]]:
    """Fits on ``texts``; the classes and, for ``predict``, the joint and the n-gram probabilities and languages."""
    clf = intent_classifier.TendikIntentClassifier({**config, "cascade_threshold": 0.0}, None, None)  # type: ignore[arg-type]
    clf.fit(texts, labels)
    joint = clf.predict_proba(predict)
    langs = clf._languages(predict)
    ngram = clf.ngram_proba(clf._ngram_features(predict, langs))  # as the classifier computes it in Rasa
    return clf.classes, joint, ngram, langs


def out_of_fold(config: dict[str, Any], texts: list[str], labels: list[str], folds: int) -> dict[float, dict[str, float]]:
    """Per threshold: the cascade's and the joint model's accuracy and their agreement on out-of-fold predictions."""
    order = np.random.default_rng(0).permutation(len(texts))
    hits = {t: [0, 0, 0] for t in GRID}  # cascade right, joint right, agree
    for k in range(folds):
        held = set(order[k::folds].tolist())
        train = [i for i in range(len(texts)) if i not in held]
        test = sorted(held)
        classes, joint, ngram, _ = both_models(config, [texts[i] for i in train], [labels[i] for i in train], [texts[i] for i in test])
        names = np.array(classes)
        gold = np.array([labels[i] for i in test])
        for threshold in GRID:
            cascade = np.where(ngram.max(axis=1) >= threshold, ngram.argmax(axis=1), joint.argmax(axis=1))
            hits[threshold][0] += int((names[cascade] == gold).sum())
            hits[threshold][1] += int((names[joint.argmax(axis=1)] == gold).sum())
            hits[threshold][2] += int((cascade == joint.argmax(axis=1)).sum())
        print(f"fold {k + 1}/{folds} done", flush=True)
    n = len(texts)
    return {t: {"acc": round(a / n, 4), "acc_joint": round(j / n, 4), "agree": round(g / n, 4)} for t, (a, j, g) in hits.items()}


def run(folds: int = 5) -> dict[str, Any]:
    intent_classifier.embed = cached_embed
    config = pipeline_config()
    texts, labels = intents()
    dev = [q for q in load_devset() if q.intent]
    names, joint, ngram, _ = both_models(config, texts, labels, [q.text for q in dev])
    classes = np.array(names)
    gold = np.array([q.intent for q in dev])
    split = np.array([q.split for q in dev])
    lang = np.array([q.lang for q in dev])
    oof = out_of_fold(config, texts, labels, folds) if folds > 1 else {}
    rows = []
    for threshold in GRID:
        sure = ngram.max(axis=1) >= threshold
        cascade = np.where(sure, ngram.argmax(axis=1), joint.argmax(axis=1))
        row: dict[str, Any] = {"threshold": threshold}
        for name in ("tune", "heldout"):
            for language in ("kk", "ru"):
                m = (split == name) & (lang == language)
                pairs_c = list(zip(gold[m], classes[cascade[m]]))
                pairs_j = list(zip(gold[m], classes[joint.argmax(axis=1)[m]]))
                row[f"{name}/{language}"] = {
                    "n": int(m.sum()),
                    "e5_skipped": round(float(sure[m].mean()), 3),
                    "agree": round(float((cascade[m] == joint.argmax(axis=1)[m]).mean()), 4),
                    "acc": round(float((gold[m] == classes[cascade[m]]).mean()), 3),
                    "acc_joint": round(float((gold[m] == classes[joint.argmax(axis=1)[m]]).mean()), 3),
                    "F1": macro_f1(pairs_c),
                    "F1_joint": macro_f1(pairs_j),
                }
        if oof:
            row["train/out-of-fold"] = oof[threshold]
        rows.append(row)
    keeping = [
        r["threshold"] for r in rows
        if all(r[f"tune/{x}"]["acc"] >= r[f"tune/{x}"]["acc_joint"] for x in ("kk", "ru"))
        and (not oof or r["train/out-of-fold"]["acc"] >= r["train/out-of-fold"]["acc_joint"])
    ]
    return {"config": config, "folds": folds, "grid": rows, "chosen": min(keeping) if keeping else None}


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="store the table in bench/cascade.json")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds on the training examples (1: none)")
    args = parser.parse_args()
    result = run(args.folds)
    for r in result["grid"]:
        cells = "  ".join(
            f"{k}: " + (f"skip {v['e5_skipped']:.2f} " if "e5_skipped" in v else "")
            + f"agree {v['agree']:.3f} acc {v['acc']:.3f}/{v['acc_joint']:.3f}" + (f" F1 {v['F1']:.3f}/{v['F1_joint']:.3f}" if "F1" in v else "")
            for k, v in r.items() if k != "threshold"
        )
        print(f"{r['threshold']:.2f}  {cells}")
    print("chosen (smallest threshold keeping the joint model's accuracy on the tune split and out of fold):", result["chosen"])
    if args.write:
        OUT.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
