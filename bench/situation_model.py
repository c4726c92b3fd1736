"""Replay the situation extractor's history to choose and check the learned ground model's thresholds.

Each tune batch of bench/devset/situations.yml (ids sit-*-NNxx, batch NN) was measured on arrival with
the rules as they were before that batch was written. This replays that moment for every batch that has
a recorded round (``ROUNDS``: the commit that first changed the rules for the batch; its parent holds
the rules the batch met), with a model fitted on the EARLIER batches only, and reports the exact-set
ground accuracy per language for the rules alone and for the rules checked by the model, over a grid
of its thresholds (tendik/situation_model.py). A batch without a recorded round (``--fresh NN``)
meets the current rules and a model fitted on every earlier batch: a measurement on unseen text.

    .venv/bin/python -m bench.situation_model [--fresh 16 17] [--json bench/situation_model.json]

Needs the git history (the old rules are read with ``git show``). Tune split only; the held-out split is
never read here.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import itertools
import json
import math
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from tendik.paths import ROOT
from tendik.situation import extract
from tendik.situation_model import (
    ADD_FROM,
    DEVSET,
    DROP_BELOW,
    DROP_MIN_WORDS,
    REFILL_FROM,
    SECOND_FROM,
    checked,
    fit,
    tells_a_situation,
)

# batch -> the commit of its extractor round (the rules it met are that commit's parent's).
ROUNDS = {10: "dcb2cee", 11: "a7a137a", 12: "7ac1846", 13: "07c6a6e", 14: "3000312", 15: "939922d", 16: "1533d14",
          17: "1533d14", 18: "ec8f484", 19: "216b835", 20: "24ddddb", 21: "43def0f", 22: "ae1129c", 23: "a7b871b",
          24: "43bfb18", 25: "64760a8", 26: "e8286b2", 27: "85622ba", 28: "1829fc4", 29: "62ace2b", 30: "51538e5", 31: "c8aca67", 32: "c601850",
          33: "e08822b", 34: "1acc4c7", 35: "4cbb602", 36: "e1709c5", 37: "26845bb", 38: "dbe6109", 39: "4d09af1", 40: "c2ccdc2"}
TODAY = datetime.date(2026, 12, 2)
DROPS = (None, 0.05, 0.1, 0.15, 0.2, 0.3)
ADDS = (None, 0.5, 0.6, 0.7, 0.8, 0.9)
REFILLS = (None, 0.5, 0.7)
SECONDS = (None, 0.8, 0.9)


def batch_of(q: dict[str, Any]) -> int:
    n = int(str(q["id"]).rsplit("-", 1)[-1])
    return n // 100 if n >= 100 else 0


def _old_rules(commit: str, workdir: Path) -> Any:
    source = subprocess.run(["git", "show", f"{commit}^:tendik/situation.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    path = workdir / f"situation_{commit}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"situation_{commit}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _corrected(probs: dict[str, float], rules: tuple[str, ...], negated: tuple[str, ...], told: bool, words: int,
               drop: float | None, add: float | None, min_words: int, refill: float | None = None,
               second: float | None = None, stated: tuple[str, ...] = (), not_added: tuple[str, ...] = ()) -> set[str]:
    """tendik.situation_model.checked with a threshold switched off by None (keep all, add none)."""
    return set(checked(probs, rules, negated, told, words >= min_words, 0.0 if drop is None else drop,
                       math.inf if add is None else add, math.inf if refill is None else refill,
                       math.inf if second is None else second, stated, not_added))


def replay(questions: list[dict[str, Any]], fresh: list[int]) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for batch in [*sorted(ROUNDS), *fresh]:
            test = [q for q in questions if batch_of(q) == batch]
            train = [q for q in questions if batch_of(q) < batch]
            if not test:
                print(f"batch {batch}: no messages", file=sys.stderr)
                continue
            rules_module = _old_rules(ROUNDS[batch], Path(tmp)) if batch in ROUNDS else None
            model = fit([q["text"] for q in train], [q.get("grounds") or [] for q in train])
            for q in test:
                s = (rules_module.extract if rules_module else extract)(q["text"], TODAY, q["lang"])
                rows.append({"batch": batch, "lang": q["lang"], "want": sorted(q.get("grounds") or []),
                             "rules": tuple(s.grounds), "negated": tuple(s.negated),
                             # what the reader tells the check beside the grounds (rules older than e08822b tell nothing)
                             "stated": tuple(getattr(s, "stated", ())), "not_added": tuple(getattr(s, "not_added", ())),
                             "told": tells_a_situation(q["text"], s), "words": len(q["text"].split()),
                             "probs": model.probabilities(q["text"])})
    grid = []
    for drop, add, min_words, refill, second in itertools.product(DROPS, ADDS, (0, DROP_MIN_WORDS), REFILLS, SECONDS):
        if drop is None and (min_words or refill is not None):  # nothing dropped: no length limit, nothing to refill
            continue
        right: Counter[str] = Counter()
        n: Counter[str] = Counter()
        for r in rows:
            k = f"{'replay' if r['batch'] in ROUNDS else 'fresh'} {r['lang']}"
            got = _corrected(r["probs"], r["rules"], r["negated"], r["told"], r["words"], drop, add, min_words, refill,
                             second, r["stated"], r["not_added"])
            n[k] += 1
            right[k] += got == set(r["want"])
        grid.append({"drop_below": drop, "add_from": add, "drop_min_words": min_words, "refill_from": refill,
                     "second_from": second,
                     **{k: round(right[k] / n[k], 3) for k in sorted(n)}, "n": dict(sorted(n.items()))})
    return {"batches": sorted({r["batch"] for r in rows}), "grid": grid}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devset", type=Path, default=DEVSET)
    parser.add_argument("--fresh", type=int, nargs="*", default=[], help="batches with no round yet (current rules)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    questions = [q for q in yaml.safe_load(args.devset.read_text(encoding="utf-8"))["questions"] if q.get("split") == "tune"]
    result = replay(questions, args.fresh)
    result["chosen"] = {"drop_below": DROP_BELOW, "add_from": ADD_FROM, "drop_min_words": DROP_MIN_WORDS,
                        "refill_from": REFILL_FROM, "second_from": SECOND_FROM}
    result["command"] = ".venv/bin/python -m bench.situation_model" + (
        f" --fresh {' '.join(map(str, args.fresh))}" if args.fresh else "") + (f" --json {args.json.as_posix()}" if args.json else "")
    keys = [k for k in result["grid"][0] if " " in k]
    print("drop_below add_from min_words refill second " + " ".join(f"{k:>11}" for k in keys))
    chosen = tuple(result["chosen"][k] for k in ("drop_below", "add_from", "drop_min_words", "refill_from", "second_from"))
    for row in result["grid"]:
        this = tuple(row[k] for k in ("drop_below", "add_from", "drop_min_words", "refill_from", "second_from"))
        mark = " <- chosen" if this == chosen else ""
        mark += " (rules alone)" if this[:2] == (None, None) and this[3:] == (None, None) else ""
        print(f"{row['drop_below']!s:>10} {row['add_from']!s:>8} {row['drop_min_words']:>9} {row['refill_from']!s:>6} "
              f"{row['second_from']!s:>6} " + " ".join(f"{row[k]:>11}" for k in keys) + mark)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
