"""The one typed answer payload: it survives a round trip, garbage never breaks the reader, and a
long answer splits into messages of at most 4,096 characters without losing or altering a word of
the quoted law."""

from __future__ import annotations

import json

import pytest

from tendik.compose import law_view, short_topic_answer
from tendik.knowledge.explanations import load_knowledge
from tendik.payload import AnswerPayload, Section

pytestmark = pytest.mark.unit

KB = load_knowledge()


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_round_trip_through_json_keeps_everything(lang: str) -> None:
    p = short_topic_answer(KB, KB.explanations["exp-equal-pay"], lang)
    back = AnswerPayload.from_dict(json.loads(json.dumps(p.to_dict(), ensure_ascii=False)))
    assert back is not None and back.to_dict() == p.to_dict()
    assert back.plain_text() == p.plain_text()


@pytest.mark.parametrize("junk", [
    None, 5, "x", [], {"type": "other"}, {"type": "tendik_answer", "sections": 5, "citations": "x", "buttons": {"a": 1}},
    {"type": "tendik_answer", "sections": [{"kind": "law", "citations": [0, 7, "1", True, None]}], "citations": [{"norm_id": 3}]},
    {"type": "tendik_answer", "sections": [{"kind": "title", "text": {"deep": [[[]]]}, "items": "abc"}], "scores": {"a": "b", "c": True}},
    {"type": "tendik_answer", "situation": [1, 2], "knowledge_ids": {"x": 1}, "lang": 7},
])
def test_garbage_is_read_without_failing(junk: object) -> None:
    p = AnswerPayload.from_dict(junk)
    if p is not None:
        p.plain_text()
        for s in p.sections:
            assert all(0 <= i < len(p.citations) for i in s.citations)


def test_a_long_view_splits_into_messages_and_every_quote_stays_verbatim() -> None:
    exp = KB.explanations["exp-time-limits"]  # TK art. 160 is only ever shown whole, with its court notes
    pages = [law_view(KB, exp, "ru", n) for n in range(1, 6)]
    for page in pages:
        parts = page.parts(4096)
        assert all(len(part.plain_text()) <= 4096 for part in parts)
        assert parts[-1].buttons == page.buttons and all(not part.buttons for part in parts[:-1])
        assert len({part.answer_id for part in parts}) == len(parts)
        for c in page.quoted():  # the pieces of each quote, in order, are the quote
            pieces = [q.text for part in parts for q in part.quoted() if q.norm_id == c.norm_id and q.paragraph == c.paragraph]
            assert "".join(pieces).replace("\n", "").replace(" ", "") == c.text.replace("\n", "").replace(" ", "")
    assert any(len(p.parts(4096)) > 1 for p in pages), "TK art. 160 whole is longer than one message"


def test_a_short_payload_is_one_part() -> None:
    p = AnswerPayload(lang="ru", sections=[Section(kind="lead", text="коротко")])
    assert p.parts() == [p]


def test_a_huge_single_text_is_cut_between_words() -> None:
    words = " ".join(f"слово{n}" for n in range(3000))
    p = AnswerPayload(lang="ru", sections=[Section(kind="lead", text=words)])
    parts = p.parts(4096)
    assert len(parts) > 1 and all(len(x.plain_text()) <= 4096 for x in parts)
    assert " ".join(x.plain_text() for x in parts).split() == words.split()
