"""The JSON nesting guard every service applies before parsing a body (tendik/jsondepth.py)."""

from __future__ import annotations

import json
import random

import pytest

from tendik.jsondepth import MAX_DEPTH, depth, too_deep

pytestmark = pytest.mark.unit


def reference_depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max((reference_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((reference_depth(v) for v in value), default=0)
    return 0


def random_json(rng: random.Random, level: int = 0) -> object:
    kind = rng.random()
    if level > 12 or kind < 0.3:
        return rng.choice(["a[b", 'q"uo\\"te{', "ж]}", "\\", 1, None, True, "x" * rng.randint(0, 5)])
    if kind < 0.65:
        return [random_json(rng, level + 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(["k", "[", "}", '"', "\\\\"]) + str(i): random_json(rng, level + 1) for i in range(rng.randint(0, 3))}


def test_depth_matches_the_parsed_structure_on_random_documents() -> None:
    rng = random.Random(3)
    for _ in range(500):
        doc = random_json(rng)
        text = json.dumps(doc, ensure_ascii=rng.random() < 0.5)
        assert depth(text) == reference_depth(doc), text
        assert depth(text.encode()) == reference_depth(doc)


@pytest.mark.parametrize(("text", "expected"), [
    ("", 0), ("42", 0), ('"[[[["', 0), ("[]", 1), ('{"a": [[{}]]}', 4),
    ('["\\"[[[", [1]]', 2), ('["\\\\", [[1]]]', 3),  # an escaped backslash ends before the quote
])
def test_depth_of_small_documents(text: str, expected: int) -> None:
    assert depth(text) == expected


def test_deeply_nested_and_malformed_bodies_are_too_deep() -> None:
    assert too_deep("[" * (MAX_DEPTH + 1))  # unterminated
    assert too_deep("[" * 5000 + "]" * 5000)
    assert too_deep("{" * 40 + "[" * 40)  # mismatched kinds still nest
    assert too_deep('[1, "' + "]" * 10 + '", ' + "[" * 70)  # brackets after a string count
    assert not too_deep("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    assert not too_deep('"' + "[" * 1000 + '"')  # inside a string
    assert not too_deep("]" * 1000)
