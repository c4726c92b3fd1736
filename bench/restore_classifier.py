"""Kazakh letter restoration measured on the intent classifier, without a Rasa training:
`.venv-rasa/bin/python -m bench.restore_classifier` (Rasa's environment: it imports the classifier).

Fits ``TendikIntentClassifier``'s own features (``_features``) and logistic regression on the NLU
training examples three times: no restoration, restored text for e5 only, restored text for e5 and
the n-grams; reports intent accuracy and macro-F1 on the dev set's tune split (the choice) and the
held-out split (reported only), by language and spelling style. e5 vectors are cached per text.
"""

from __future__ import annotations

import logging
import sys
from collections import defaultdict
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from bench.metrics import macro_f1
from tendik.lang import load_nlu_samples
from tendik.paths import NLU
from tendik.rasa import intent_classifier
from tendik.retrieval.evaluate import load_devset

VARIANTS = {"none": (False, False), "e5": (True, False), "e5+ngrams": (True, True)}
_cache: dict[str, np.ndarray] = {}
_embed = intent_classifier.embed




def cached_embed(texts: list[str], threads: int = 1) -> np.ndarray:
    missing = sorted(set(texts) - set(_cache))
    if missing:
        _cache.update(zip(missing, _embed(missing, threads)))
    return np.stack([_cache[t] for t in texts]) if texts else _embed([], threads)


def intents() -> tuple[list[str], list[str]]:
    """Training texts and their intents from nlu_data (the same examples Rasa trains on)."""
    texts, labels = [], []
    for lang in ("kk", "ru"):
        for path in sorted((NLU / "data" / "nlu" / lang).glob("*.yml")):
            intent = None
            for line in path.read_text(encoding="utf-8").splitlines():
                stripped = line.strip()
                if stripped.startswith("- intent:"):
                    intent = stripped.split(":", 1)[1].strip()
                elif stripped.startswith("- ") and intent:
                    texts.append(stripped[2:].strip().strip('"'))
                    labels.append(intent)
    return texts, labels


def run() -> dict[str, dict[str, Any]]:
    intent_classifier.embed = cached_embed
    texts, labels = intents()
    assert len(texts) >= len(load_nlu_samples(NLU / "data" / "nlu")) * 0.9
    dev = [q for q in load_devset() if q.intent]
    out: dict[str, dict[str, Any]] = {}
    for name, (restore_e5, restore_ngrams) in VARIANTS.items():
        clf = intent_classifier.TendikIntentClassifier(
            {"restore_e5": restore_e5, "restore_ngrams": restore_ngrams}, None, None  # type: ignore[arg-type]
        )
        features = clf._features(texts, fit=True)
        model = LogisticRegression(C=float(clf.config["C"]), max_iter=int(clf.config["max_iter"]))
        model.fit(features, labels)
        predicted = model.predict(clf._features([q.text for q in dev]))
        groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for q, p in zip(dev, predicted):
            for key in (f"{q.split}/{q.lang}", f"{q.split}/{q.lang}/{q.style}"):
                groups[key].append((q.intent, str(p)))
        out[name] = {
            key: {"n": len(pairs), "acc": round(sum(g == p for g, p in pairs) / len(pairs), 3), "F1": macro_f1(pairs)}
            for key, pairs in sorted(groups.items())
        }
    return out


def main() -> int:
    logging.basicConfig(level=logging.WARNING)
    results = run()
    keys = list(results["none"])
    print("| group | n | " + " | ".join(f"{v} acc | {v} F1" for v in results) + " |")
    print("|---|---|" + "---|---|" * len(results))
    for key in keys:
        cells = " | ".join(f"{results[v][key]['acc']:.3f} | {results[v][key]['F1']:.3f}" for v in results)
        print(f"| {key} | {results['none'][key]['n']} | {cells} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
