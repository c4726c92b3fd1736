"""The one citation type (tendik.citation.Citation): made by the answers, read back by the Rasa
client, the widget and the review app; tolerant of whatever a stored payload holds, and never lets
an unsafe link through."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tendik import answers
from tendik.citation import Citation, citations_from, safe_url
from tendik.common import rasa_client
from tendik.common.rasa_client import BotMessage
from tendik.knowledge.explanations import load_knowledge
from tendik.web.present import message_json

pytestmark = pytest.mark.unit

FIELDS = ["norm_id", "citation", "paragraph", "edition", "edition_date", "text", "text_lang", "source_url", "stale"]


def test_one_type_everywhere() -> None:
    assert answers.Citation is Citation and rasa_client.Citation is Citation


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_answer_citation_survives_the_payload_round_trip(lang: str) -> None:
    kb = load_knowledge()
    seen = 0
    for exp in kb.explanations.values():
        answer = answers.explanation_answer(kb, exp, lang)
        payload = answer.payload()
        for c, d in zip(answer.citations, payload["citations"], strict=True):
            assert list(d) == FIELDS and d == c.to_dict() == c.as_dict()
            assert Citation.from_dict(d) == c, "what is stored is what is read back"
            seen += 1
        message = BotMessage(text=answer.text, answer=payload)
        assert message.citations == answer.citations
        assert message_json(message)["answer"]["citations"] == [c.to_dict() for c in answer.citations]
    assert seen > 20


def test_missing_and_garbage_fields_become_empty_values() -> None:
    c = Citation.from_dict({"norm_id": 25, "citation": None, "paragraph": 3, "stale": 1, "text": ["x"], "unknown": "ignored"})
    assert c == Citation(norm_id="25", citation="", paragraph="3", edition="", edition_date="", text="['x']", text_lang="",
                         source_url="", stale=True)
    assert Citation.from_dict({}).to_dict() == dict.fromkeys(FIELDS, "") | {"paragraph": None, "stale": False}
    assert Citation.from_dict({"paragraph": ""}).paragraph is None
    assert citations_from([{"norm_id": "tk-006"}, "garbage", None, 5]) == [Citation.from_dict({"norm_id": "tk-006"})]
    assert citations_from(None) == [] and citations_from({"norm_id": "x"}) == []
    assert BotMessage(text="x", answer={"citations": "not a list"}).citations == []


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://adilet.zan.kz/rus/docs/K1500000414", True),
        ("http://example.kz/a?b=c#d", True),
        ("javascript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("//evil.example/x", False),
        ("https://example.kz/\nSet-Cookie:x", False),
        ("https://" + "a" * 3000 + ".kz", False),
        (42, False),
    ],
)
def test_source_urls_read_back_are_safe(url: object, kept: bool) -> None:
    c = Citation.from_dict({"norm_id": "tk-006", "source_url": url})
    assert c.source_url == (url if kept else "") == safe_url(url)
    shown = message_json(BotMessage(text="t", answer={"type": "tendik_answer", "answer_id": "a", "knowledge_ids": ["k"],
                                                      "citations": [{"source_url": url}]}))
    assert shown["answer"]["citations"][0]["source_url"] == c.source_url


def test_importable_without_heavy_dependencies() -> None:
    """The core type needs only the standard library (Rasa's add-ons and every process import it)."""
    code = ("import sys, tendik.citation; heavy = {'aiohttp', 'sqlalchemy', 'pydantic', 'torch', 'aiogram', 'yaml'} & set(sys.modules);"
            "print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True).stdout
    assert out.strip() == "[]"
