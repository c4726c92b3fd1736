"""The dev set is written apart from the training examples: no training example is a near-copy
(character n-gram cosine >= 0.65, spellings folded) of any dev question. Otherwise the held-out
numbers in bench/RESULTS.md would measure memory, not understanding."""

from __future__ import annotations

import pytest

from bench.devset_overlap import MAX_SIMILARITY, similarity, too_close

pytestmark = pytest.mark.unit  # no services: `make test-unit`


def test_no_training_example_is_a_near_copy_of_a_dev_question() -> None:
    found = too_close()
    assert not found, "\n".join(f"{s:.2f} {qid}: {e.text} ({e.path.name})" for s, qid, e in found[:20])


def test_the_check_notices_a_copy() -> None:
    sims = similarity(["жүкті болғаным үшін жұмыстан шығарды"], ["жукти болганым ушин жумыстан шыгарды", "ауа райы қандай"])
    assert sims[0, 0] >= MAX_SIMILARITY > sims[0, 1]
