"""Kazakh letter restoration (tendik.restore) measured on retrieval: `python -m bench.restore_eval` (.venv).

Held-out Kazakh retrieval R@3 (and R@1, MRR) with and without restoring the query, by spelling
style, on bench/devset/questions.yml (knowledge ids) and bench/devset/situations.yml (the stored
paragraphs a situation names: a hit on their article counts), with the CURRENT build outputs
(build/index and the e5 model are only read: restoring the query needs no index rebuild).

Variants (the fusion weights are those of knowledge/retrieval.yml):
  * ``none``: the query as typed (before this change);
  * ``dense``: e5 reads the restored query when it is Kazakh, the lexical side the typed one;
  * ``both``: both sides read the restored query when it is Kazakh
    (``tendik.retrieval.search.query_texts``: what the assistant does now);
  * ``dense_all``: e5 reads the restored query for every query, Russian ones too (Russian words
    are protected; Kazakh words inside a Russian message are restored).
The choice between them is made on the tune split; the held-out split is only reported.
Writes bench/RESTORE.md (the part above the notes marker) and prints the tables.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import yaml

from tendik.knowledge.explanations import load_knowledge
from tendik.restore import restore_kazakh
from tendik.retrieval.encoder import Encoder
from tendik.retrieval.evaluate import Question, evaluate, load_devset
from tendik.retrieval.search import HybridSearcher, query_texts

ROOT = Path(__file__).resolve().parents[1]
SITUATIONS = ROOT / "bench" / "devset" / "situations.yml"
REPORT = ROOT / "bench" / "RESTORE.md"
NOTES_MARKER = "<!-- notes: everything below is kept when bench/restore_eval.py rewrites this file -->"
logger = logging.getLogger(__name__)

# variant -> (text, lang) -> (dense text, lexical text)
VARIANTS: dict[str, Callable[[str, str], tuple[str, str]]] = {
    "none": lambda text, lang: (text, text),
    "dense": lambda text, lang: (query_texts(text, lang)[0], text),
    "both": query_texts,
    "dense_all": lambda text, lang: (restore_kazakh(text, lang), text),
}


def load_situations(path: Path = SITUATIONS) -> list[Question]:
    """Situation messages as retrieval questions: the expected knowledge ids are the articles of
    the paragraphs the message names."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for q in data["questions"]:
        ids = sorted({p.split(":")[0] for p in q.get("paragraphs") or []})
        if ids:
            out.append(Question(q["id"], q["lang"], q["style"], q["split"], "", ids, q["text"]))
    return out


_vectors: dict[str, np.ndarray] = {}  # e5 query vectors by text, shared by the variants


def precompute(searcher: HybridSearcher, questions: list[Question], variant: str) -> list:
    """(question, dense, lexical, mask) per question, as ``tendik.retrieval.evaluate`` expects;
    the e5 vectors are computed in one batch."""
    texts = [VARIANTS[variant](q.text, q.lang) for q in questions]
    missing = sorted({d for d, _ in texts} - set(_vectors))
    if missing:
        _vectors.update(zip(missing, searcher.encoder.queries(missing)))
    vectors = np.stack([_vectors[d] for d, _ in texts])
    sims, idx = searcher.index.search(vectors, len(searcher.docs))
    pre = []
    for i, (q, (_, lexical_text)) in enumerate(zip(questions, texts)):
        dense = np.zeros(len(searcher.docs), dtype=np.float32)
        dense[idx[i]] = sims[i]
        pre.append((q, dense, searcher.lexical.scores(lexical_text), searcher.masks["kk" if q.lang == "kk" else "ru"]))
    return pre


def run(searcher: HybridSearcher, sets: dict[str, list[Question]]) -> dict[str, dict[str, dict[str, dict]]]:
    """{set/split: {variant: evaluate() result}}."""
    results: dict[str, dict[str, dict[str, dict]]] = {}
    for name, questions in sets.items():
        for split in ("tune", "heldout"):
            chosen = [q for q in questions if q.split == split]
            key = f"{name}/{split}"
            results[key] = {}
            for variant in VARIANTS:
                results[key][variant] = evaluate(searcher, chosen, pre=precompute(searcher, chosen, variant))
    return results


def table(result: dict[str, dict], metric: str = "R@3") -> list[str]:
    variants = list(result)
    keys = [k for k in result["none"] if k != "all"]
    lines = ["| group | n | " + " | ".join(variants) + " |", "|---|---|" + "---|" * len(variants)]
    for key in keys:
        values = [result[v].get(key, {}).get(metric) for v in variants]
        lines.append(f"| {key} | {result['none'][key]['n']} | " + " | ".join(f"{x:.3f}" for x in values) + " |")
    return lines


def report(results: dict[str, dict[str, dict]]) -> str:
    out = [
        "# Kazakh letter restoration: retrieval",
        "",
        "Command: `python -m bench.restore_eval` (in .venv), on the current build (index and e5 model read only).",
        "Variants: `none` = the query as typed; `dense` = e5 reads the restored query when it is Kazakh;",
        "`both` = the lexical side reads it too (what the assistant does); `dense_all` = e5 reads every query",
        "restored, Russian ones included. Choices are made on the tune split; held-out is reported only.",
        "",
    ]
    for key, result in results.items():
        for metric in ("R@3", "R@1", "MRR"):
            out += [f"## {key}: {metric}", "", *table(result, metric), ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(prog="python -m bench.restore_eval", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/RESTORE.md as it is")
    args = parser.parse_args(argv)
    searcher = HybridSearcher(load_knowledge(), Encoder())
    results = run(searcher, {"questions": load_devset(), "situations": load_situations()})
    text = report(results)
    print(text)
    if not args.no_write:
        notes = ""
        if REPORT.is_file() and NOTES_MARKER in (old := REPORT.read_text(encoding="utf-8")):
            notes = old[old.index(NOTES_MARKER) :]
        REPORT.write_text(text + "\n\n" + (notes or NOTES_MARKER + "\n"), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
