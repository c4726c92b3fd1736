"""How far a second, blind reader agrees with the dev set's labels (tune split only).

A helper session that saw only the labelling rules (bench/devset/agreement/labelling_rules.md) or the intents'
scopes (intent_scopes.md) and the texts labelled 160 tune messages of situations.yml and the 144 tune questions
of questions.yml; this compares its labels with the dev set's, in the metrics the assistant is measured by
(bench/eval.py): the exact set of grounds, the stage, the intent (accuracy and macro-F1). It says how much of
a target is the labels' own ambiguity rather than the assistant's errors.

    .venv/bin/python -m bench.agreement [--show]

The held-out split is never read: a blind label of a held-out id is an error.
"""

from __future__ import annotations

import argparse
from collections import Counter
from typing import Any

import yaml

from bench.metrics import macro_f1
from tendik.paths import ROOT

DEVSET = ROOT / "bench" / "devset"
AGREEMENT = DEVSET / "agreement"


def _tune(name: str) -> dict[str, dict[str, Any]]:
    questions = yaml.safe_load((DEVSET / name).read_text(encoding="utf-8"))["questions"]
    return {q["id"]: q for q in questions if q.get("split") == "tune"}


def _blind(name: str, tune: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    items = yaml.safe_load((AGREEMENT / name).read_text(encoding="utf-8"))
    unknown = [i["id"] for i in items if i["id"] not in tune]
    if unknown:
        raise SystemExit(f"{name}: not tune ids of the dev set: {unknown[:5]}")
    return list(items)


def situations(show: bool = False) -> dict[str, dict[str, float]]:
    tune = _tune("situations.yml")
    right: Counter[tuple[str, str]] = Counter()
    n: Counter[str] = Counter()
    for item in _blind("situations_blind.yml", tune):
        q = tune[item["id"]]
        same_grounds = set(item.get("grounds") or []) == set(q.get("grounds") or [])
        same_stage = (item.get("stage") or None) == (q.get("stage") or None)
        n[q["lang"]] += 1
        right[(q["lang"], "grounds")] += same_grounds
        right[(q["lang"], "stage")] += same_stage
        if show and not (same_grounds and same_stage):
            print(f"  {item['id']}: dev set {q.get('grounds')} {q.get('stage')}, blind {item.get('grounds')} {item.get('stage')}")
    return {lang: {"messages": n[lang], "grounds": round(right[(lang, "grounds")] / n[lang], 3),
                   "stage": round(right[(lang, "stage")] / n[lang], 3)} for lang in sorted(n)}


def intents(show: bool = False) -> dict[str, dict[str, float]]:
    tune = _tune("questions.yml")
    pairs: dict[str, list[tuple[str, str]]] = {}
    for item in _blind("intents_blind.yml", tune):
        q = tune[item["id"]]
        pairs.setdefault(q["lang"], []).append((q["intent"], item["intent"]))
        if show and q["intent"] != item["intent"]:
            print(f"  {item['id']}: dev set {q['intent']}, blind {item['intent']}")
    return {lang: {"questions": len(p), "accuracy": round(sum(w == g for w, g in p) / len(p), 3),
                   "macro_f1": macro_f1(p)} for lang, p in sorted(pairs.items())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", action="store_true", help="list the ids where the two disagree (labels only)")
    args = parser.parse_args(argv)
    print("situations.yml (tune): blind labels == dev set labels")
    for lang, row in situations(args.show).items():
        print(f"  {lang}: {row}")
    print("questions.yml (tune): blind intent == dev set intent")
    for lang, row in intents(args.show).items():
        print(f"  {lang}: {row}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
