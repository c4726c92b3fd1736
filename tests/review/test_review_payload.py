"""The review transcript renders bot answers from their stored typed payload (no server, no
assistant): a tracker store written the way Rasa stores bot events (the payload in
``data.custom``), answers composed by tendik.compose from the real knowledge base in Kazakh and
Russian; each quoted norm shown with its citation and edition, steps numbered; button presses as
labels, never raw JSON; old events by their text; garbage payloads never crash the page."""

from __future__ import annotations

import json
import re
import time
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import insert

from tendik.common import events as tracker
from tendik.common.buttons import show_more_payload
from tendik.common.db import make_engine
from tendik.common.feedback import record_vote
from tendik.compose import SituationState, short_topic_answer, situation_answer, view_answer
from tendik.db.migrate import ensure_schema
from tendik.knowledge.explanations import load_knowledge
from tendik.knowledge.situations import load_situations
from tendik.review import views
from tendik.review.judgements import REASONS
from tendik.review.web import make_jinja

pytestmark = pytest.mark.unit  # no services: `make test-unit`

KB = load_knowledge()
SK = load_situations()
SENDER = "web-review-payload"
GARBAGE = [
    {"type": "tendik_answer", "sections": 5, "answer_id": ["x"], "knowledge_ids": 7, "scores": [1]},
    {"type": "tendik_answer", "sections": [None, {"kind": "law", "citations": [9, "0", -1]}, {"kind": "steps", "items": [{"a": [1]}]}],
     "citations": [None, 5], "knowledge_ids": ["tk-006", 3], "answer_id": "ab12cd34ef-2"},
    {"type": "tendik_answer", "sections": [{"kind": "law", "citations": [0]}],
     "citations": [{"citation": "<script>alert(1)</script>", "edition": ["e"], "text": "<b>норма</b>"}]},
]


def store(tmp_path: Path, turns: list[tuple[str, list[dict]]]) -> tuple[str, list[int]]:
    """A tracker store with one conversation: each user text followed by its bot events."""
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = make_engine(url)
    ensure_schema(engine)
    tracker.events.metadata.create_all(engine)
    ids = []
    with engine.begin() as conn:
        for text, bots in turns:
            meta = {"language": "ru", "channel": "web"}
            r = conn.execute(insert(tracker.events).values(sender_id=SENDER, type_name="user", timestamp=time.time(),
                                                           data=json.dumps({"event": "user", "text": text, "metadata": meta})))
            ids.append(r.inserted_primary_key[0])
            for data in bots:
                conn.execute(insert(tracker.events).values(sender_id=SENDER, type_name="bot", timestamp=time.time(),
                                                           data=json.dumps({"event": "bot", **data}, ensure_ascii=False)))
    return url, ids


def bot(p) -> dict:  # noqa: ANN001
    return {"text": p.plain_text(), "data": {"buttons": [b.to_dict() for b in p.buttons], "custom": p.to_dict()}}


def page(url: str) -> str:
    data = views.transcript(make_engine(url), SENDER)
    assert data is not None
    return make_jinja().get_template("transcript.html").render(
        c=data, pager={"total": len(data["turns"]), "first": 1, "last": len(data["turns"]), "prev": None, "next": None},
        intents=[], knowledge={}, back="/conversations", user=None, csrf="x", flash="", ui_lang="en", reasons=REASONS)


def flat(text: str) -> str:
    return " ".join(text.split())


def visible(html: str) -> str:
    return flat(unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_answers_are_rendered_from_their_payload(tmp_path: Path, lang: str) -> None:
    exp = KB.explanations["exp-pregnant-dismissal"]
    first = short_topic_answer(KB, exp, lang)
    law = view_answer(KB, SK, exp, "law", lang)
    steps = view_answer(KB, SK, exp, "steps", lang)
    case = situation_answer(KB, SK, SituationState(grounds=("pregnancy",), stage="dismissal"), lang)
    url, ids = store(tmp_path, [("меня уволили", [bot(first)]), (first.buttons[0].payload, [bot(law)]),
                                (show_more_payload("steps", exp.id), [bot(steps)]), ("я беременна, уволили", [bot(case)])])
    record_vote(make_engine(url), SENDER, law.answer_id, "helpful", "web", lang)
    html = page(url)
    text = visible(html)
    for p in (first, law, case):
        for c in p.quoted():
            caption = f"{c.citation[:1].upper()}{c.citation[1:]}, {c.edition}"
            assert f"<figcaption>{flat(_esc(caption))}" in flat(html), caption
            assert f"<blockquote>{_esc(c.text)}</blockquote>" in html  # verbatim, escaped once
    items = [i for s in steps.sections if s.kind == "steps" for i in s.items]
    assert "<ol><li>" + "</li><li>".join(_esc(i) for i in items) + "</li></ol>" in html
    assert f"[button: law · {exp.id}]" in text and f"[button: steps · {exp.id}]" in text
    assert "show_more" not in text and "{&#34;view" not in html and '{"view"' not in text
    assert html.count('class="tag">button</span>') == 2
    assert "vote: helpful" in text
    assert html.count('<section class="sec sec-law">') >= 3


def _esc(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;").replace("'", "&#39;")


def test_old_events_show_their_text_and_garbage_never_crashes(tmp_path: Path) -> None:
    legacy = {"type": "tendik_answer", "answer_id": "0123abcd", "knowledge_ids": ["tk-006"],
              "citations": [{"norm_id": "tk-006", "citation": "статья 6 Трудового кодекса РК", "edition": "ред. 2025", "text": "Норма"}]}
    url, _ = store(tmp_path, [
        ("вопрос", [{"text": "📌 Старый ответ\n\n«Норма»", "data": {"custom": legacy}}]),
        ("/ask_equal_pay", [{"text": "g1", "data": {"custom": GARBAGE[0]}}]),
        ('/show_more{"view":"law"', [{"text": "g2", "data": {"custom": GARBAGE[1], "buttons": "x"}}]),
        ("третий", [{"text": "", "data": {"custom": GARBAGE[2]}}, {"text": "привет", "data": {"buttons": [{"title": 5}]}}]),
    ])
    html = page(url)
    text = visible(html)
    assert '<div class="reply-text">📌 Старый ответ\n\n«Норма»</div>' in html
    assert "статья 6 Трудового кодекса РК" in text  # the old answer's "norms cited" list
    assert "[button: ask_equal_pay]" in text and "[button: show_more]" in text and '{"view"' not in text
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;норма&lt;/b&gt;" in html
