"""How close is each dev-set question to the training examples? The dev set must be written apart
from the training data: no training example may be a near-copy of a dev question.

Similarity: cosine of character 3-5-gram TF-IDF vectors of the folded texts (``tendik.lang.fold``,
so spelling variants of one sentence count as the same sentence).

    python bench/devset_overlap.py            # list dev questions with a training example >= 0.65
    python bench/devset_overlap.py --remove   # delete those training examples from nlu_data
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from tendik.lang import fold
from tendik.retrieval.evaluate import load_devset

ROOT = Path(__file__).resolve().parents[1]

NLU_DIR = ROOT / "nlu_data" / "data" / "nlu"
MAX_SIMILARITY = 0.65


@dataclass
class Example:
    path: Path
    intent: str
    text: str


def training_examples(nlu_dir: Path = NLU_DIR) -> list[Example]:
    out = []
    for path in sorted(nlu_dir.rglob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            for line in (item.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    out.append(Example(path, item["intent"], line[2:].strip()))
    return out


def similarity(questions: list[str], examples: list[str]) -> np.ndarray:
    """(questions x examples) cosine similarities."""
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5))
    vec.fit([fold(t) for t in questions + examples])
    return cosine_similarity(vec.transform([fold(t) for t in questions]), vec.transform([fold(t) for t in examples]))


SITUATIONS = ROOT / "bench" / "devset" / "situations.yml"


def dev_texts() -> list[tuple[str, str]]:
    """(id, text) of every dev-set message: the questions, the situation messages and their follow-ups."""
    out = [(q.id, q.text) for q in load_devset()]
    if SITUATIONS.exists():
        for item in yaml.safe_load(SITUATIONS.read_text(encoding="utf-8")).get("questions") or []:
            out.append((item["id"], item["text"]))
            out += [(f"{item['id']}/followup{n}", f["text"]) for n, f in enumerate(item.get("followups") or [], 1)]
    return out


def too_close(threshold: float = MAX_SIMILARITY) -> list[tuple[float, str, Example]]:
    questions = dev_texts()
    examples = training_examples()
    sims = similarity([t for _, t in questions], [e.text for e in examples])
    found = []
    for i, (qid, _) in enumerate(questions):
        for j in np.where(sims[i] >= threshold)[0]:
            found.append((float(sims[i, j]), qid, examples[j]))
    return sorted(found, key=lambda f: -f[0])


def remove(examples: list[Example]) -> int:
    removed = 0
    by_path: dict[Path, set[str]] = {}
    for e in examples:
        by_path.setdefault(e.path, set()).add(e.text)
    for path, texts in by_path.items():
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [ln for ln in lines if not (ln.strip().startswith("- ") and ln.strip()[2:].strip() in texts and not ln.strip().startswith("- intent:"))]
        removed += len(lines) - len(kept)
        path.write_text("".join(kept), encoding="utf-8")
    return removed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threshold", type=float, default=MAX_SIMILARITY)
    parser.add_argument("--remove", action="store_true", help="delete the too-close training examples")
    args = parser.parse_args()
    total = 0
    for _ in range(5):  # removing changes the IDF a little: repeat until clean
        found = too_close(args.threshold)
        for sim, qid, e in found:
            print(f"{sim:.2f}  {qid}  {e.path.relative_to(ROOT)}  {e.text}")
        if not found or not args.remove:
            break
        total += remove([e for _, _, e in found])
    if args.remove:
        print(f"removed {total} training examples")
    return 0


if __name__ == "__main__":
    sys.exit(main())
