"""Retrieval commands: build, query, evaluate, tune (separate steps).

    python -m tendik.retrieval build            # encode the corpus, write build/index (+ manifest)
    python -m tendik.retrieval query --lang kk "жүкті әйелді жұмыстан шығаруға бола ма"
    python -m tendik.retrieval evaluate [--split heldout]
    python -m tendik.retrieval tune             # tune split only; writes knowledge/retrieval.yml
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time

import yaml

from tendik.knowledge.explanations import load_knowledge
from tendik.retrieval.corpus import build_corpus
from tendik.retrieval.encoder import Encoder
from tendik.retrieval.index import DEFAULT_INDEX_DIR, build_index
from tendik.retrieval.search import SETTINGS_FILE, HybridSearcher

logger = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(prog="python -m tendik.retrieval", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("build", help="encode the knowledge base and write the FAISS index with its manifest")
    q = sub.add_parser("query", help="search the index")
    q.add_argument("--lang", choices=["kk", "ru"], default="ru")
    q.add_argument("-k", type=int, default=5)
    q.add_argument("text")
    e = sub.add_parser("evaluate", help="R@1/R@3/MRR on the dev set")
    e.add_argument("--split", choices=["tune", "heldout", "all"], default="heldout")
    e.add_argument("--json", action="store_true")
    sub.add_parser("tune", help="tune fusion weights and threshold on the tune split")
    args = parser.parse_args(argv)

    kb = load_knowledge()
    encoder = Encoder()
    if args.cmd == "build":
        manifest = build_index(build_corpus(kb), encoder, DEFAULT_INDEX_DIR)
        print(json.dumps(manifest, indent=2))
        return 0
    searcher = HybridSearcher(kb, encoder)
    if args.cmd == "query":
        started = time.perf_counter()
        hits = searcher.search(args.text, args.lang, args.k)
        for h in hits:
            print(f"{h.score:.3f}  dense={h.dense:.3f} lex={h.lexical:.3f}  {h.knowledge_id:32s} {h.doc.doc_id}")
        print(f"({(time.perf_counter() - started) * 1000:.1f} ms; answer threshold {searcher.settings.threshold})")
        return 0
    from tendik.retrieval.evaluate import evaluate, load_devset, tune

    questions = load_devset()
    if args.cmd == "evaluate":
        chosen = [q for q in questions if args.split == "all" or q.split == args.split]
        result = evaluate(searcher, chosen)
        if args.json:
            print(json.dumps(result, indent=2))
        else:
            print(f"split={args.split} w_dense={searcher.settings.w_dense} w_lexical={searcher.settings.w_lexical}")
            for key, m in result.items():
                print(f"  {key:22s} n={m['n']:3d}  R@1={m['R@1']:.3f}  R@3={m['R@3']:.3f}  MRR={m['MRR']:.3f}")
        return 0
    if args.cmd == "tune":
        result = tune(searcher, questions)
        header = "# Tuned on the dev set's tune split by `python -m tendik.retrieval tune`; do not edit by hand.\n"
        SETTINGS_FILE.write_text(header + yaml.safe_dump(result, sort_keys=False), encoding="utf-8")
        print(json.dumps(result, indent=2))
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
