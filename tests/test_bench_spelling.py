"""The spelling benchmark's rewriting (bench/spelling.py): each spelling as workers type it."""

from __future__ import annotations

import pytest

from bench.spelling import SPELLINGS, measure

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("spelling", "want"), [
    ("no_kk_letters", "Жумыстан шыгарды, тилим ушин"),
    ("latin_informal", "Zhumystan shygardy, tilim ushin"),
    ("latin_2021", "Jūmystan şyğardy, tılım üşın"),
    ("latin_qgh", "Jumystan shyghardy, tilim ushin"),
])
def test_each_spelling_rewrites_the_kazakh_letters(spelling: str, want: str) -> None:
    assert SPELLINGS[spelling]("Жұмыстан шығарды, тілім үшін") == want


def test_measure_compares_each_spelling_with_the_cyrillic() -> None:
    questions = [
        {"id": "a", "split": "tune", "lang": "kk", "style": "cyrillic", "grounds": ["language"],
         "text": "Бастық «қазақша білмейсің» деп айлығымды кесті"},
        {"id": "b", "split": "heldout", "lang": "kk", "style": "cyrillic", "grounds": [], "text": "never read"},
        {"id": "c", "split": "tune", "lang": "kk", "style": "latin", "grounds": [], "text": "not Cyrillic"},
    ]
    result = measure(questions)
    assert result["messages"] == 1 and result["cyrillic"] == 1.0
    assert set(result) == {"messages", "cyrillic", *SPELLINGS}
    assert result["no_kk_letters"] == {"ground_accuracy": 1.0, "lost": 0, "gained": 0}
