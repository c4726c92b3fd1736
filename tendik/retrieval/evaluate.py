"""Retrieval quality on the dev set (R@1, R@3, MRR per language), and weight/threshold tuning.

Tuning uses only the ``tune`` split; the ``heldout`` split is only ever evaluated.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from tendik.knowledge.norms import ROOT

logger = logging.getLogger(__name__)
DEVSET = ROOT / "bench" / "devset" / "questions.yml"


@dataclass
class Question:
    id: str
    lang: str
    style: str
    split: str
    intent: str
    knowledge: list[str]
    text: str


def load_devset(path: Path = DEVSET) -> list[Question]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Question(**{k: q[k] for k in Question.__dataclass_fields__}) for q in data["questions"]]


def _metrics(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {
        "n": len(ranks),
        "R@1": round(sum(1 for r in ranks if r is not None and r <= 1) / n, 3),
        "R@3": round(sum(1 for r in ranks if r is not None and r <= 3) / n, 3),
        "MRR": round(sum(1 / r for r in ranks if r is not None) / n, 3),
    }


def _precompute(searcher, questions: list[Question]):
    return [(q, *searcher.component_scores(q.text, q.lang)) for q in questions]


def _rank_of(hits, expected: set[str]) -> int | None:
    for i, h in enumerate(hits, 1):
        if h.knowledge_id in expected:
            return i
    return None


def evaluate(searcher, questions: list[Question], w_dense: float | None = None, w_lexical: float | None = None, pre=None) -> dict:
    w_dense = searcher.settings.w_dense if w_dense is None else w_dense
    w_lexical = searcher.settings.w_lexical if w_lexical is None else w_lexical
    pre = pre or _precompute(searcher, questions)
    by: dict[str, list[int | None]] = {}
    for q, dense, lexical, mask in pre:
        if not q.knowledge:
            continue
        hits = searcher.rank(dense, lexical, mask, w_dense, w_lexical, k=10)
        r = _rank_of(hits, set(q.knowledge))
        for key in (q.lang, f"{q.lang}/{q.style}", "all"):
            by.setdefault(key, []).append(r)
    return {k: _metrics(v) for k, v in sorted(by.items())}


def tune(searcher, questions: list[Question]) -> dict:
    tune_qs = [q for q in questions if q.split == "tune"]
    pre = _precompute(searcher, tune_qs)
    best = None
    for w_lex in np.round(np.arange(0.0, 1.0001, 0.05), 2):
        w_dense = round(1.0 - float(w_lex), 2)
        m = evaluate(searcher, tune_qs, w_dense, float(w_lex), pre)["all"]
        key = (m["MRR"], m["R@1"])
        if best is None or key > best[0]:
            best = (key, w_dense, float(w_lex))
    assert best is not None, "the weight grid is never empty"
    _, w_dense, w_lex = best
    # Threshold: answer when the top score is at least t. In scope with a correct top hit should be
    # answered; out of scope (no knowledge ids) should not. Pick t maximising that on tune.
    tops = []
    for q, dense, lexical, mask in pre:
        hits = searcher.rank(dense, lexical, mask, w_dense, w_lex, k=1)
        good = bool(q.knowledge) and hits[0].knowledge_id in set(q.knowledge)
        tops.append((hits[0].score, good, bool(q.knowledge)))
    best_t, best_acc = 0.0, -1.0
    for t in np.round(np.arange(0.2, 1.0, 0.01), 2):
        acc = sum((s >= t and good) or (s < t and not in_scope) for s, good, in_scope in tops) / len(tops)
        if acc > best_acc:
            best_t, best_acc = float(t), acc
    return {"w_dense": float(w_dense), "w_lexical": float(w_lex), "threshold": float(best_t), "tune_answer_accuracy": round(float(best_acc), 3)}
