"""Every stored norm matches its source file in ../shared/legal-sources character for character
(whitespace aside), and every article of every source file is stored."""

from __future__ import annotations

import re

import pytest

from tendik.knowledge.import_norms import DEFAULT_SOURCES
from tendik.knowledge.norms import load_norms
from tendik.knowledge.sources import articles_in_file, split_file, squash

pytestmark = pytest.mark.unit  # no services: `make test-unit`

NORMS = load_norms()


def source_dir():
    if not DEFAULT_SOURCES.is_dir():
        pytest.fail(f"legal sources not found at {DEFAULT_SOURCES}: the verbatim check needs them")
    return DEFAULT_SOURCES


@pytest.mark.parametrize("norm_id", sorted(NORMS))
def test_stored_norm_is_verbatim(norm_id: str) -> None:
    norm = NORMS[norm_id]
    for lang, version in norm.versions.items():
        path = source_dir() / version.source_file
        assert path.is_file(), f"{norm_id}: source file {version.source_file} is missing"
        _, body = split_file(path)
        stored = squash(version.text)
        assert stored in squash(body), f"{norm_id} ({lang}) is not a verbatim part of {path.name}"
        article = next(a for a in articles_in_file(path) if a.norm_id == norm_id)
        assert stored == squash(article.text), f"{norm_id} ({lang}) differs from its article in {path.name}"
        assert version.edition_note, f"{norm_id} ({lang}) has no edition"


def test_every_source_article_is_stored() -> None:
    for path in sorted(source_dir().glob("*.txt")):
        for article in articles_in_file(path):
            assert article.norm_id in NORMS, f"{path.name}: {article.norm_id} not imported"
            assert article.lang in NORMS[article.norm_id].versions


def test_tampered_text_is_detected() -> None:
    """The check itself can fail: one changed word is no longer verbatim."""
    version = NORMS["tk-006"].versions["ru"]
    _, body = split_file(source_dir() / version.source_file)
    tampered = version.text.replace("дискриминации", "различению", 1)
    assert squash(tampered) not in squash(body)


def test_only_the_2026_constitution_is_stored() -> None:
    const = [n for n in NORMS.values() if n.code.startswith("const")]
    assert const and all(n.code == "const2026" for n in const)
    for n in const:
        for v in n.versions.values():
            assert v.edition == "2026-03-15"


OLD_CONSTITUTION = re.compile(
    r"(стать\w*\s+(14|24|39)\s+Конституци)|(Конституци\w*\s+(14|24|39)-ба)|(Конституци\w*\s+РК\s+(14|24|39)\b)", re.I
)


def test_explanations_never_cite_old_constitution_articles() -> None:
    from tendik.knowledge.explanations import load_explanations

    for exp in load_explanations().values():
        for field in (exp.summary, exp.next_steps, exp.caveats):
            for text in field.values():
                assert not OLD_CONSTITUTION.search(text), f"{exp.id} cites an old (1995) Constitution article"


@pytest.mark.parametrize("norm_id", sorted(NORMS))
def test_every_displayed_paragraph_is_non_empty_and_verbatim(norm_id: str) -> None:
    """What an answer quotes (a paragraph, an item with its lead, or the whole article) is never
    empty and every line of it is in the source file."""
    from tendik.knowledge.norms import paragraph_for_display

    for lang, version in NORMS[norm_id].versions.items():
        _, body = split_file(source_dir() / version.source_file)
        source = squash(body)
        for key in [None, *version.paragraphs()]:
            shown = paragraph_for_display(version, key)
            assert shown.strip(), f"{norm_id} ({lang}) paragraph {key!r} displays empty"
            for line in shown.splitlines():
                assert squash(line) in source, f"{norm_id} ({lang}) paragraph {key!r}: {line[:60]!r} not in source"
