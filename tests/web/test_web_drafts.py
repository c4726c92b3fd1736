"""``POST /api/draft`` on the real widget service (``python -m tendik.web``) and the real database it
shares with Rasa: a draft that came with a bot message of THIS conversation (stored in Rasa's
tracker table ``events``, where the history reads it) is returned as a DOCX or PDF file holding the
user's values; another conversation's draft, an unknown message, a message without a draft, a bad
format and garbage bodies are refused in the user's language; values that cannot fill the
template are a 422 with the drafts' own message (kk and ru); the database down is a 503; no value
is ever logged. The widget side: test_web_drafts_browser.py."""

from __future__ import annotations

import io
import json
import re
import time
import uuid
from typing import Any

import docx
import pytest
from pypdf import PdfReader
from sqlalchemy import insert
from web_helpers import WebService, history, new_cid, request, sender_of

from tendik.common import events as tracker
from tendik.common.db import make_engine
from tendik.drafts.files import files_for
from tendik.drafts.render import BadDates, DraftError, MissingFields
from tendik.payload import BLANK, AnswerPayload, DraftOrder, Section
from tendik.texts import text
from tendik.web.texts import text as web_text

# The user's own values, every one of them distinctive enough to be found in a file or a log.
FIELDS = {
    "kk": {"worker_name": "Әсел Нұрланқызы Жұмабаева", "worker_address": "Алматы, Абай даңғылы 1, 15-пәтер",
           "employer_name": "«Алма-Тест» ЖШС", "decision": "жұмыстан шығару", "worker_contact": BLANK},
    "ru": {"worker_name": "Иванова Асель Нурлановна", "worker_address": "Астана, ул. Кенесары 40, кв. 7",
           "employer_name": "ТОО «Алма-Тест»", "decision": "увольнение", "worker_contact": BLANK},
}
SECRET = ("worker_name", "worker_address", "employer_name")
MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "pdf": "application/pdf"}


def nows(value: str) -> str:
    return re.sub(r"\s+", "", value)


def draft_payload(lang: str, fields: dict[str, str] | None = None, template: str = "request-reasons") -> AnswerPayload:
    title = {"kk": "Құжат жобасы дайын", "ru": "Черновик готов"}[lang]
    return AnswerPayload(lang=lang, sections=[Section("title", text=title)], source="draft",
                         draft=DraftOrder(template, lang, dict(FIELDS[lang] if fields is None else fields)))


def store(db_url: str, key: str, rows: list[tuple[str, dict[str, Any]]]) -> None:
    """Events of the conversation of ``key``, written into the tracker table the history reads."""
    engine = make_engine(db_url)
    try:
        tracker.events.metadata.create_all(engine)  # Rasa made it already; a no-op then
        with engine.begin() as conn:
            for kind, data in rows:
                conn.execute(insert(tracker.events).values(
                    sender_id=sender_of(key), type_name=kind, timestamp=time.time(),
                    data=json.dumps({"event": kind, "timestamp": time.time(), **data}, ensure_ascii=False)))
    finally:
        engine.dispose()


def bot_event(p: AnswerPayload, custom: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
    return "bot", {"text": p.plain_text(), "data": {"custom": custom if custom is not None else p.to_dict()}}


def store_draft(db_url: str, key: str, lang: str, fields: dict[str, str] | None = None) -> AnswerPayload:
    """A conversation in which the user asked for a draft and the bot answered with it."""
    p = draft_payload(lang, fields)
    ask = {"kk": "құжат жобасын жасаңыз", "ru": "сделайте черновик"}[lang]
    store(db_url, key, [("user", {"text": ask, "metadata": {"language": lang, "channel": "web"}}), bot_event(p)])
    return p


def ask_draft(base: str, key: str, answer_id: Any, fmt: Any, lang: str | None = None) -> Any:
    body: dict[str, Any] = {"conversation_key": key, "answer_id": answer_id, "format": fmt}
    if lang:
        body["language"] = lang
    return request(f"{base}/api/draft", body)


def pdf_text(data: bytes) -> str:
    return nows("".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    return nows("\n".join(p.text for p in document.paragraphs))


def assert_error(resp: Any, status: int, code: str, lang: str) -> None:
    assert resp.status == status, resp
    data = resp.json()
    assert data["error"] == code, data
    message = web_text(code, lang)
    assert data["message"] == message and data["messages"] == [{"role": "bot", "kind": "error", "text": message}]


# ---------------------------------------------------------------- found
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_drafts_a_stored_draft_comes_back_as_files_with_the_users_values(web, assistant, lang: str) -> None:  # noqa: ANN001
    key = new_cid()
    p = store_draft(assistant.db_url, key, lang)
    for fmt, read in (("pdf", pdf_text), ("docx", docx_text)):
        resp = ask_draft(web.url, key, p.answer_id, fmt, lang)
        assert resp.status == 200, resp
        assert resp.headers["content-type"] == MIME[fmt]
        assert resp.headers["content-disposition"] == f'attachment; filename="request-reasons-{lang}.{fmt}"'
        assert resp.headers["cache-control"] == "no-store"
        assert resp.body.startswith(b"%PDF-" if fmt == "pdf" else b"PK\x03\x04")
        body = read(resp.body)
        for name in SECRET:
            assert nows(FIELDS[lang][name]) in body, (fmt, name)
    # the history gives the widget the message's draft (its id and button texts), never the values
    shown = history(web.url, key, lang).json()["messages"]
    drafts = [m["draft"] for m in shown if m.get("draft")]
    assert len(drafts) == 1
    assert drafts[0]["answer_id"] == p.answer_id and drafts[0]["template"] == "request-reasons"
    assert [f["format"] for f in drafts[0]["formats"]] == ["docx", "pdf"]
    assert drafts[0]["caption"] == text("web.draft.caption", lang)
    assert not any(FIELDS[lang][name] in json.dumps(shown, ensure_ascii=False) for name in SECRET)
    # nothing the user gave reaches the log (only the template, language, format and size)
    log = web.log()
    assert f"request-reasons ({lang}) pdf" in log
    assert not any(FIELDS[lang][name] in log for name in SECRET)


def test_drafts_the_last_part_of_an_answer_in_parts_carries_the_draft(web, assistant) -> None:  # noqa: ANN001
    key = new_cid()
    p = draft_payload("ru")
    first = p.to_dict()
    first.pop("draft")
    last = p.to_dict() | {"answer_id": f"{p.answer_id}-2"}
    store(assistant.db_url, key, [bot_event(p, first), bot_event(p, last)])
    assert_error(ask_draft(web.url, key, p.answer_id, "pdf", "ru"), 404, "draft_not_found", "ru")  # the first part: no draft
    resp = ask_draft(web.url, key, f"{p.answer_id}-2", "pdf", "ru")
    assert resp.status == 200 and nows(FIELDS["ru"]["worker_name"]) in pdf_text(resp.body)


# ---------------------------------------------------------------- not this conversation's, not a draft
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_drafts_another_conversations_or_unknown_messages_are_not_found(web, assistant, lang: str) -> None:  # noqa: ANN001
    owner, other = new_cid(), new_cid()
    p = store_draft(assistant.db_url, owner, lang)
    store(assistant.db_url, other, [("user", {"text": "сәлем", "metadata": {"language": lang}})])
    plain = AnswerPayload(lang=lang, sections=[Section("title", text="Жауап")], knowledge_ids=["tk-006"])
    store(assistant.db_url, owner, [bot_event(plain)])
    broken = draft_payload(lang).to_dict() | {"draft": {"template": "request-reasons", "lang": "en", "fields": {}}}
    store(assistant.db_url, owner, [bot_event(draft_payload(lang), broken)])
    assert_error(ask_draft(web.url, other, p.answer_id, "pdf", lang), 404, "draft_not_found", lang)  # someone else's key
    assert_error(ask_draft(web.url, new_cid(), p.answer_id, "docx", lang), 404, "draft_not_found", lang)  # a key never used
    assert_error(ask_draft(web.url, owner, uuid.uuid4().hex, "pdf", lang), 404, "draft_not_found", lang)  # no such message
    assert_error(ask_draft(web.url, owner, plain.answer_id, "pdf", lang), 404, "draft_not_found", lang)  # an answer, no draft
    assert_error(ask_draft(web.url, owner, broken["answer_id"], "pdf", lang), 404, "draft_not_found", lang)  # unreadable order
    assert_error(ask_draft(web.url, owner, p.answer_id[:12], "pdf", lang), 404, "draft_not_found", lang)  # a prefix is not an id
    assert ask_draft(web.url, owner, p.answer_id, "pdf", lang).status == 200  # the owner still gets it


# ---------------------------------------------------------------- bad requests
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_drafts_bad_formats_and_bodies_are_refused_in_the_users_language(web, assistant, lang: str) -> None:  # noqa: ANN001
    key = new_cid()
    p = store_draft(assistant.db_url, key, lang)
    for fmt in ("txt", "PDF", "", None, 1, ["pdf"], {"f": "pdf"}):
        assert_error(ask_draft(web.url, key, p.answer_id, fmt, lang), 400, "bad_format", lang)
    for answer_id in (None, "", 5, ["x"], "../etc/passwd", "ZZZZZZZZZZ", p.answer_id + "-x", "a" * 65):
        assert_error(ask_draft(web.url, key, answer_id, "pdf", lang), 400, "malformed", lang)
    for bad_key in (None, "", "x" * 64, key.upper(), key[:-1]):
        assert_error(ask_draft(web.url, bad_key, p.answer_id, "pdf", lang), 400, "bad_conversation", lang)
    url, hdr = f"{web.url}/api/draft", {"Accept-Language": lang}
    assert_error(request(url, b"{not json", headers=hdr), 400, "malformed", lang)
    assert_error(request(url, b"\xff\xfe", headers=hdr), 400, "malformed", lang)
    assert_error(request(url, json.dumps([key, p.answer_id, "pdf"]).encode(), headers=hdr), 400, "malformed", lang)
    nested: Any = {"conversation_key": key, "answer_id": p.answer_id, "format": "pdf", "language": lang}
    deep: Any = nested
    for _ in range(100):
        deep["x"] = {}
        deep = deep["x"]
    assert_error(request(url, json.dumps(nested).encode(), headers=hdr), 400, "malformed", lang)
    assert_error(request(url, b'{"conversation_key": 1}', headers={**hdr, "Content-Type": "text/plain"}), 415, "not_json", lang)
    resp = request(url, method="GET", headers=hdr)
    assert resp.status == 405 and resp.json()["error"] == "method_not_allowed"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_drafts_are_rate_limited_in_their_own_bucket(strict_web, lang: str) -> None:  # noqa: ANN001
    client = {"X-Forwarded-For": f"203.0.113.{ {'kk': 41, 'ru': 42}[lang] }"}  # strict_web: 3 per window, proxy trusted
    body = {"conversation_key": new_cid(), "answer_id": uuid.uuid4().hex, "format": "pdf", "language": lang}
    assert [request(f"{strict_web.url}/api/draft", body, headers=client).status for _ in range(3)] == [404] * 3
    resp = request(f"{strict_web.url}/api/draft", body, headers=client)
    assert resp.status == 429 and int(resp.headers["retry-after"]) > 0
    assert resp.json()["error"] == "rate_limited"
    assert resp.json()["message"] == web_text("rate_limited", lang, seconds=int(resp.headers["retry-after"]))
    assert request(f"{strict_web.url}/api/history", {"conversation_key": body["conversation_key"]}, headers=client).status == 200


# ---------------------------------------------------------------- values that cannot fill the template
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_drafts_missing_or_bad_values_are_a_422_with_the_drafts_message(web, assistant, lang: str) -> None:  # noqa: ANN001
    key = new_cid()
    missing = store_draft(assistant.db_url, key, lang, {"worker_name": FIELDS[lang]["worker_name"]})
    bad_date = store_draft(assistant.db_url, key, lang, {**FIELDS[lang], "event_date": "32.13.2026"})
    for p, kind in ((missing, MissingFields), (bad_date, BadDates)):
        assert p.draft is not None
        with pytest.raises(DraftError) as expected:
            files_for(p.draft, formats=("pdf",))
        assert type(expected.value) is kind
        message = expected.value.message(lang)
        assert message.startswith(text(kind.key, lang, fields="")[:12])
        for fmt in ("pdf", "docx"):
            resp = ask_draft(web.url, key, p.answer_id, fmt, lang)
            assert resp.status == 422, resp
            data = resp.json()
            assert data["error"] == "draft_fields"
            assert data["message"] == message and data["messages"] == [{"role": "bot", "kind": "error", "text": message}]
    assert FIELDS[lang]["worker_name"] not in web.log()


def test_drafts_an_unknown_template_is_a_polite_422(web, assistant) -> None:  # noqa: ANN001
    key = new_cid()
    p = draft_payload("kk", template="no-such-template")
    store(assistant.db_url, key, [bot_event(p)])
    resp = ask_draft(web.url, key, p.answer_id, "pdf", "kk")
    assert resp.status == 422 and resp.json()["message"] == text("web.draft_unavailable", "kk")


# ---------------------------------------------------------------- the database down
def test_drafts_on_postgresql_and_the_database_down(pg_server, tmp_path) -> None:  # noqa: ANN001
    name = "t_" + uuid.uuid4().hex[:12]
    db_url = pg_server.create_db(name)
    svc = WebService("drafts-pg", tmp_path, {"TENDIK_DB_URL": db_url, "TENDIK_RASA_URL": "http://127.0.0.1:9"}).start()
    try:
        key = new_cid()
        p = store_draft(db_url, key, "ru")
        resp = ask_draft(svc.url, key, p.answer_id, "docx", "ru")
        assert resp.status == 200 and nows(FIELDS["ru"]["employer_name"]) in docx_text(resp.body)
        pg_server.drop_db(name)
        for lang in ("kk", "ru"):
            resp = ask_draft(svc.url, key, p.answer_id, "pdf", lang)
            assert resp.status == 503, resp
            assert resp.json()["message"] == text("web.storage_unavailable", lang)
    finally:
        svc.stop()
        pg_server.drop_db(name)


# ---------------------------------------------------------------- the widget's data (no service)
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_drafts_widget_data_and_the_selfcheck_entrys_title(lang: str) -> None:
    from tendik.common.rasa_client import BotMessage
    from tendik.web.present import button_title, draft_json, message_json

    p = draft_payload(lang)
    shown = message_json(BotMessage(text=p.plain_text(), answer=p.to_dict()))
    assert shown["draft"] == draft_json(p.to_dict(), lang)
    assert shown["draft"]["answer_id"] == p.answer_id and shown["draft"]["busy"] == text("web.draft.busy", lang)
    assert shown["draft"]["done"] == text("web.draft.done", lang, name="{name}")
    assert not any(FIELDS[lang][name] in json.dumps(shown, ensure_ascii=False) for name in SECRET)
    assert "draft" not in message_json(BotMessage(text="x", answer=draft_payload(lang).to_dict() | {"draft": None}))
    for garbage in ({"template": "", "lang": lang}, {"template": "t", "lang": "en"}, {"template": "t", "lang": lang, "fields": {"a": 1}},
                    {"template": "t", "lang": lang, "fields": {str(n): "v" for n in range(41)}}, [1], "x"):
        assert draft_json(p.to_dict() | {"draft": garbage}, lang) is None, garbage
    assert draft_json(p.to_dict() | {"answer_id": "../x"}, lang) is None
    assert draft_json(p.to_dict() | {"answer_id": f"{p.answer_id}-3"}, lang)["answer_id"] == f"{p.answer_id}-3"
    # the widget's own self-check button: its title in the history, never the payload
    assert button_title("/start_selfcheck", {}, lang) == text("selfcheck.form.button", lang)
