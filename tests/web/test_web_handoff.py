"""Handing a widget conversation to a person (issue 14) through the real widget service
(``python -m tendik.web``), the real Rasa + action server and the database they share: the request
and the consent open a case with the consented summary; while it is open the user's messages go
into its thread (redacted) and never reach the bot; an operator's claim and reply (written by
``tendik.handoff.store``, as the review app does) reach the widget's poll exactly once, also with
two replicas polling at once; the operator closing the case shows "closed" and the bot answers
again; a refused consent opens nothing; the cancel button ends the case and resumes the bot;
out of the operators' hours the user is told when they are back; the poll endpoint refuses what the
other endpoints refuse (key, cursor, JSON, rate limit). The widget's side: test_web_handoff_browser.py.

The Rasa model must include the handoff (nlu_data/domain/handoff.yml): tests that need it are
skipped with a clear reason when build/rasa-models/tendik.tar.gz is older than that file."""

from __future__ import annotations

import datetime
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_helpers import WebService, chat, history, new_cid, request, sender_of

from tendik.common import events as tracker
from tendik.common.db import make_engine
from tendik.handoff import store
from tendik.handoff.hours import DAYS, TIMEZONE, Hours
from tendik.texts import text
from tests.conftest import REQUEST_DEADLINE

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "build" / "rasa-models" / "tendik.tar.gz"
DOMAIN = ROOT / "nlu_data" / "domain" / "handoff.yml"
needs_model = pytest.mark.skipif(
    not MODEL.exists() or MODEL.stat().st_mtime < DOMAIN.stat().st_mtime,
    reason="the Rasa model predates nlu_data/domain/handoff.yml: `make build` first",
)


def closed_now() -> str:
    """Working hours that are closed now (a one-hour span on another weekday)."""
    today = datetime.datetime.now(TIMEZONE).weekday()
    return f"{DAYS[(today + 3) % 7]} 09:00-10:00"


def desk(assistant, tmp_path_factory, name: str, hours: str, **extra: str) -> WebService:  # noqa: ANN001
    return WebService(name, tmp_path_factory.mktemp(f"web-{name}-logs"), {
        "TENDIK_RASA_URL": assistant.rasa_url,
        "TENDIK_DB_URL": assistant.db_url,
        "TENDIK_RASA_TOKEN": assistant.rasa_token,
        "TENDIK_HANDOFF_HOURS": hours,
        "TENDIK_WEB_RATE_LIMIT": "1000",
        "TENDIK_RASA_TIMEOUT": "120",
        "TENDIK_HTTP_REQUEST_TIMEOUT": str(REQUEST_DEADLINE),
        **extra,
    }).start()


@pytest.fixture(scope="session")
def hweb(assistant, tmp_path_factory) -> Iterator[WebService]:  # noqa: ANN001
    """The widget service with operators always at work (and Rasa's token, to resume the bot)."""
    svc = desk(assistant, tmp_path_factory, "handoff", "always")
    yield svc
    svc.stop()


@pytest.fixture(scope="session")
def night_web(assistant, tmp_path_factory) -> Iterator[WebService]:  # noqa: ANN001
    """A second replica on the same database whose operators are not at work now."""
    svc = desk(assistant, tmp_path_factory, "handoff-night", closed_now())
    yield svc
    svc.stop()


@pytest.fixture(scope="session")
def strict_hweb(assistant, tmp_path_factory) -> Iterator[WebService]:  # noqa: ANN001
    """A replica with a low rate limit behind a "proxy" (X-Forwarded-For trusted)."""
    svc = desk(assistant, tmp_path_factory, "handoff-strict", "always", TENDIK_WEB_RATE_LIMIT="2",
               TENDIK_WEB_RATE_WINDOW="600", TENDIK_WEB_TRUST_PROXY="true")
    yield svc
    svc.stop()


@pytest.fixture(scope="session")
def engine(assistant) -> Iterator[Any]:  # noqa: ANN001
    eng = make_engine(assistant.db_url)
    yield eng
    eng.dispose()


# ---------------------------------------------------------------- helpers
def ok(resp) -> dict[str, Any]:  # noqa: ANN001
    assert resp.status == 200, resp
    return resp.json()


def say(base: str, key: str, message: str, lang: str) -> dict[str, Any]:
    return ok(chat(base, key, message, lang))


def updates(base: str, key: str, after: int = 0, lang: str = "ru", **headers: str):  # noqa: ANN201
    return request(f"{base}/api/handoff/updates", {"conversation_key": key, "after": after, "language": lang}, headers=headers)


def poll(base: str, key: str, after: int = 0, lang: str = "ru") -> dict[str, Any]:
    return ok(updates(base, key, after, lang))


def buttons(data: dict[str, Any]) -> list[dict[str, str]]:
    return [b for m in data["messages"] for b in m.get("buttons") or []]


def consent_payload(data: dict[str, Any], choice: str) -> str:
    found = [b["payload"] for b in buttons(data) if b["payload"].startswith("/handoff_consent") and f'"{choice}"' in b["payload"]]
    assert found, data
    return found[0]


def texts(data: dict[str, Any]) -> list[str]:
    return [m["text"] for m in data["messages"]]


def hand_over(base: str, key: str, lang: str, choice: str = "yes", contact: str | None = None) -> dict[str, Any]:
    """The user describes a case, asks for a person and agrees (``choice``: yes | contact | no)."""
    story = {"ru": "меня уволили из-за беременности", "kk": "жүкті болғаным үшін жұмыстан шығарды"}[lang]
    say(base, key, story, lang)
    offer = say(base, key, "/request_human", lang)
    assert texts(offer)[0].startswith(text("handoff.offer_intro", lang)), offer
    agreed = say(base, key, consent_payload(offer, choice), lang)
    if choice == "contact":
        assert texts(agreed)[-1] == text("handoff.ask_contact", lang), agreed
        assert contact is not None
        agreed = say(base, key, contact, lang)
    return agreed


def said_in_tracker(engine: Any, sender: str, kind: str) -> list[str]:
    """What the bot (``kind="bot"``) or the user (``"user"``) said in Rasa's tracker store."""
    with engine.connect() as conn:
        return [e.text for e in tracker.conversation_events(conn, sender, types=(kind,))]


# ---------------------------------------------------------------- the whole way
@needs_model
def test_request_consent_operator_reply_close_and_the_bot_answers_again(hweb, night_web, engine) -> None:  # noqa: ANN001
    base, key, lang = hweb.url, new_cid(), "ru"
    sender = sender_of(key)
    agreed = hand_over(base, key, lang)
    # the bot's last message (the order) and the front end's: place in the queue, with the cancel button
    assert agreed["handoff"]["open"] is True and agreed["handoff"]["poll"] is True
    queued = agreed["messages"][-1]
    assert queued["kind"] == "handoff"
    case = store.open_case_for(engine, sender)
    assert case is not None
    position, seconds = store.waiting_estimate(engine, case)
    assert queued["text"] == (text("handoff.queued_unknown", lang, position=position) if seconds is None else
                              text("handoff.queued", lang, position=position, minutes=max(1, round(seconds / 60))))
    assert queued["buttons"] == [{"title": text("handoff.cancel_button", lang), "payload": "/handoff_cancel"}]
    assert [b["payload"] for b in buttons(agreed)].count("/handoff_cancel") == 1  # not twice
    assert text("handoff.submitted", lang) in " ".join(texts(agreed))

    assert case.channel == "web" and case.chat_id is None and case.language == lang
    assert case.status == store.WAITING and case.contact is None
    assert "беремен" in case.summary["situation"].lower()
    assert any("уволили" in m for m in case.summary["messages"])

    # while it is open: the user's message goes into the thread (redacted), not to the bot
    bot_before = len(said_in_tracker(engine, sender, "bot"))
    said = "Приказ об увольнении мне дали вчера, мой телефон 87011234567"
    ack = say(base, key, said, lang)
    assert texts(ack) == [text("handoff.forwarded", lang)] and ack["handoff"]["open"] is True
    thread = store.thread(engine, case.id)
    assert [(x.author, x.kind) for x in thread] == [("user", "text")]
    assert "87011234567" not in thread[0].text and "Приказ об увольнении" in thread[0].text
    assert len(said_in_tracker(engine, sender, "bot")) == bot_before
    assert not any("Приказ об увольнении" in t for t in said_in_tracker(engine, sender, "user"))
    # a button pressed meanwhile is not forwarded
    paused = say(base, key, '/show_more{"view": "law"}', lang)
    assert texts(paused) == [text("web.handoff_paused", lang)] and len(store.thread(engine, case.id)) == 1

    nothing = poll(base, key)
    assert nothing["messages"] == [] and nothing["handoff"]["open"] is True and nothing["handoff"]["poll"] is True

    # the operator (as the review app does): claim and reply
    assert store.claim(engine, case.id, "aigerim")
    reply = "Здравствуйте! Пришлите, пожалуйста, фото приказа <b>и</b> трудового договора."
    store.reply(engine, case.id, "aigerim", reply)
    # two replicas poll at once: each line reaches exactly one of them
    results: list[dict[str, Any]] = []

    def one(url: str) -> None:
        results.append(poll(url, key))

    threads = [threading.Thread(target=one, args=(url,)) for url in (base, night_web.url, base, night_web.url)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    got = [m for r in results for m in r["messages"]]
    assert sorted(m["text"] for m in got) == sorted([text("handoff.claimed", lang), text("handoff.operator_says", lang, text=reply)])
    operator = next(m for m in got if m["kind"] == "operator")
    assert operator["role"] == "bot" and reply in operator["text"]  # as written: the widget never reads it as HTML
    claimed = next(m for m in got if m["text"] == text("handoff.claimed", lang))
    assert claimed["buttons"] == [{"title": text("handoff.cancel_button", lang), "payload": "/handoff_cancel"}]
    after = max(r["handoff"]["after"] for r in results)
    assert poll(base, key, after)["messages"] == [] and poll(base, key, 0)["messages"] == []  # delivered once
    assert all(line.delivered_at is not None for line in store.thread(engine, case.id))

    # the operator closes: "closed" once, the widget stops polling, the bot answers again
    assert store.close(engine, case.id, "aigerim")
    closed = poll(base, key, after)
    assert texts(closed) == [text("handoff.closed", lang)]
    assert closed["handoff"] == {"open": False, "poll": False, "after": closed["handoff"]["after"]}
    assert poll(base, key)["messages"] == []
    answer = say(base, key, "что такое дискриминация на работе?", lang)
    assert answer["handoff"]["open"] is False
    assert any(m.get("answer", {}).get("answer_id") for m in answer["messages"]), answer
    assert store.thread(engine, case.id)[-1].kind == "closed"

    # the history: the thread among the bot's messages, in order, each line once
    past = ok(history(base, key, lang))
    shown = [m["text"] for m in past["messages"]]
    order = [shown.index(x) for x in (thread[0].text, text("handoff.claimed", lang), text("handoff.operator_says", lang, text=reply),
                                     text("handoff.closed", lang))]
    assert order == sorted(order) and shown.count(text("handoff.closed", lang)) == 1
    assert shown.index(text("handoff.closed", lang)) < len(shown) - 1  # the bot's answer after it
    assert past["handoff"]["open"] is False and past["handoff"]["poll"] is False
    assert "87011234567" not in json.dumps(past, ensure_ascii=False)


@needs_model
def test_history_of_an_open_case_and_a_reply_not_delivered_yet(hweb, engine) -> None:  # noqa: ANN001
    """After a reload: the history says a case is open; a reply nobody received yet is not in the
    history but comes with the first poll (once)."""
    base, key, lang = hweb.url, new_cid(), "ru"
    hand_over(base, key, lang)
    case = store.open_case_for(engine, sender_of(key))
    assert case is not None
    say(base, key, "жду ответа", lang)
    assert store.claim(engine, case.id, "dana")
    store.reply(engine, case.id, "dana", "Добрый день, смотрю ваш вопрос.")
    past = ok(history(base, key, lang))
    shown = [m["text"] for m in past["messages"]]
    assert "жду ответа" in shown and text("handoff.claimed", lang) not in shown
    assert past["handoff"]["open"] is True and past["handoff"]["poll"] is True
    first = poll(base, key, past["handoff"]["after"])
    assert texts(first) == [text("handoff.claimed", lang), text("handoff.operator_says", lang, text="Добрый день, смотрю ваш вопрос.")]
    again = ok(history(base, key, lang))
    assert [m["text"] for m in again["messages"]].count(text("handoff.claimed", lang)) == 1
    store.close(engine, case.id, "dana")
    # the widget was away when the case closed: the next chat message brings "closed" first, then the bot's reply
    back = say(base, key, "здравствуйте", lang)
    assert texts(back)[0] == text("handoff.closed", lang) and len(back["messages"]) >= 2
    assert back["handoff"]["open"] is False


# ---------------------------------------------------------------- refusal, cancel, out of hours
@needs_model
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_refused_consent_opens_no_case(hweb, engine, lang: str) -> None:  # noqa: ANN001
    base, key = hweb.url, new_cid()
    refused = hand_over(base, key, lang, "no")
    assert texts(refused) == [text("handoff.declined", lang)]
    assert refused["handoff"] == {"open": False, "poll": False, "after": 0}
    assert store.open_case_for(engine, sender_of(key)) is None and store.user_lines(engine, sender_of(key)) == []
    # the bot was never paused: it answers
    answer = say(base, key, {"kk": "жұмыстағы кемсітушілік деген не?", "ru": "что такое дискриминация на работе?"}[lang], lang)
    assert any(m.get("answer", {}).get("answer_id") for m in answer["messages"]), answer


@needs_model
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_cancel_ends_the_case_and_the_bot_answers_again(hweb, engine, lang: str) -> None:  # noqa: ANN001
    base, key = hweb.url, new_cid()
    sender = sender_of(key)
    # no case yet: the cancel button goes to the bot, which says nothing is shared
    assert texts(say(base, key, "/handoff_cancel", lang)) == [text("handoff.declined", lang)]
    agreed = hand_over(base, key, lang)
    assert agreed["handoff"]["open"] is True
    case = store.open_case_for(engine, sender)
    assert case is not None and case.language == lang
    cancelled = say(base, key, "/handoff_cancel", lang)
    assert texts(cancelled) == [text("handoff.cancelled", lang)]
    assert cancelled["handoff"]["open"] is False and cancelled["handoff"]["poll"] is False
    assert store.get(engine, case.id).status == store.CANCELLED and store.open_case_for(engine, sender) is None
    assert poll(base, key, lang=lang)["messages"] == []
    answer = say(base, key, {"kk": "жұмыстағы кемсітушілік деген не?", "ru": "что такое дискриминация на работе?"}[lang], lang)
    assert any(m.get("answer", {}).get("answer_id") for m in answer["messages"]), answer
    shown = [m["text"] for m in ok(history(base, key, lang))["messages"]]
    assert shown.count(text("handoff.cancelled", lang)) == 1


@needs_model
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_out_of_hours_says_when_operators_are_back_and_keeps_the_contact(night_web, engine, lang: str) -> None:  # noqa: ANN001
    base, key = night_web.url, new_cid()
    agreed = hand_over(base, key, lang, "contact", "+7 701 555 12 34")
    when = Hours.parse(closed_now()).next_open().strftime("%d.%m %H:%M")
    last = agreed["messages"][-1]
    assert last["kind"] == "handoff" and last["text"] == text("handoff.out_of_hours", lang, when=when)
    assert last["buttons"] == [{"title": text("handoff.cancel_button", lang), "payload": "/handoff_cancel"}]
    case = store.open_case_for(engine, sender_of(key))
    assert case is not None and case.contact == "+7 701 555 12 34" and case.status == store.WAITING
    # the case waits in the queue: the user may write meanwhile
    assert texts(say(base, key, "я подожду", lang)) == [text("handoff.forwarded", lang)]
    store.cancel(engine, sender_of(key))


# ---------------------------------------------------------------- the poll endpoint's guards
def test_updates_refuse_what_the_other_endpoints_refuse(hweb) -> None:  # noqa: ANN001
    base, key = hweb.url, new_cid()
    url = f"{base}/api/handoff/updates"
    assert ok(updates(base, key)) == {"language": "ru", "messages": [], "handoff": {"open": False, "poll": False, "after": 0}}
    assert request(url, {"conversation_key": key}).status == 200  # "after" is optional
    for bad in ("x" * 64, key.upper(), 42, None):
        resp = request(url, {"conversation_key": bad, "after": 0, "language": "kk"})
        assert resp.status == 400 and resp.json()["error"] == "bad_conversation"
        assert resp.json()["message"] == text("web.bad_conversation", "kk")
    for after in (-1, "5", 1.5, True, 2**60, [1]):
        resp = request(url, {"conversation_key": key, "after": after, "language": "ru"})
        assert resp.status == 400 and resp.json()["error"] == "malformed", after
    deep = b'{"conversation_key": "' + key.encode() + b'", "x": ' + b"[" * 100 + b"]" * 100 + b"}"
    assert request(url, deep).status == 400
    assert request(url, b"conversation_key=" + key.encode(), headers={"Content-Type": "application/x-www-form-urlencoded"}).status == 415
    assert request(url, {"conversation_key": key, "language": "en"}).status == 400
    assert request(url, method="GET").status == 405


def test_updates_are_rate_limited_in_their_own_bucket(strict_hweb) -> None:  # noqa: ANN001
    base, key = strict_hweb.url, new_cid()
    client = {"X-Forwarded-For": "203.0.113.77"}
    codes = [updates(base, key, 0, "ru", **client).status for _ in range(6)]  # the limit is 3 x 2 per window
    assert codes == [200] * 6
    refused = updates(base, key, 0, "kk", **client)
    assert refused.status == 429 and int(refused.headers["retry-after"]) > 0
    assert refused.json()["error"] == "rate_limited"
    # the other calls' bucket is untouched by the polling
    resp = request(f"{base}/api/history", {"conversation_key": key, "language": "ru"}, headers=client)
    assert resp.status == 200
