"""The handoff queue and threads (tendik.handoff.store) on real SQLite and PostgreSQL, migrated to head:
one open case per user, redacted user messages, exactly one winner when two operators claim a case or
two bot replicas deliver the same reply, replies only by the claiming operator, the audit log without
user text, working hours, and "delete my data" erasing the case."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tendik.common.db import delete_user_data, make_engine
from tendik.db import migrate
from tendik.handoff import store
from tendik.handoff.hours import TIMEZONE, Hours, HoursError


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator:
    url = f"sqlite:///{tmp_path / 'handoff.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    migrate.upgrade(url)
    eng = make_engine(url)
    yield eng
    eng.dispose()


SUMMARY = {"situation": {"grounds": ["age"], "stage": "dismissal"}, "messages": ["меня уволили из-за возраста"]}


def test_one_open_case_per_user_and_the_thread(engine) -> None:
    case, created = store.open_case(engine, sender_id="tg-1", channel="telegram", chat_id=42, language="kk", summary=SUMMARY, now=100)
    again, created_again = store.open_case(engine, sender_id="tg-1", channel="telegram", chat_id=42, language="kk", summary={}, now=101)
    assert created and not created_again and again.id == case.id and again.summary == SUMMARY
    assert case.status == store.WAITING and case.contact is None and case.chat_id == 42
    line = store.add_user_message(engine, case, "меня зовут Иванов Иван Иванович, тел 87011234567", now=102)
    assert "Иванов" not in line.text and "87011234567" not in line.text and "[PHONE]" in line.text
    assert [(x.author, x.kind) for x in store.thread(engine, case.id)] == [("user", "text")]
    assert store.waiting_estimate(engine, case) == (1, None)
    other, _ = store.open_case(engine, sender_id="web-2", channel="web", language="ru", summary={}, now=103)
    assert store.waiting_estimate(engine, other)[0] == 2


def test_claim_reply_close_and_delivery(engine) -> None:
    case, _ = store.open_case(engine, sender_id="tg-7", channel="telegram", chat_id=7, language="ru", summary=SUMMARY, now=10)
    assert store.claim(engine, case.id, "aigerim", now=70)
    assert not store.claim(engine, case.id, "dana", now=71)  # already taken
    with pytest.raises(store.HandoffError, match="not_yours"):
        store.reply(engine, case.id, "dana", "Здравствуйте")
    store.reply(engine, case.id, "aigerim", "Здравствуйте! Пришлите, пожалуйста, приказ.", now=80)
    pending = store.undelivered(engine, "telegram")
    assert [(line.kind, line.author) for _, line in pending] == [("claimed", "system"), ("text", "operator")]
    assert store.undelivered(engine, "web") == []
    assert store.take_for_delivery(engine, pending[0][1].id) and not store.take_for_delivery(engine, pending[0][1].id)
    store.give_back(engine, pending[0][1].id)  # sending failed: delivered again later
    assert len(store.undelivered(engine, "telegram")) == 2
    assert store.close(engine, case.id, "aigerim", now=90) and not store.close(engine, case.id, "aigerim", now=91)
    assert store.open_case_for(engine, "tg-7") is None and store.get(engine, case.id).status == store.CLOSED
    assert store.waiting_estimate(engine, store.open_case(engine, sender_id="tg-8", channel="telegram", language="ru", summary={})[0])[1] == 60
    actions = [(a["actor"], a["action"]) for a in reversed(store.audit_log(engine, case_id=case.id))]
    assert actions == [("aigerim", "claim"), ("aigerim", "reply"), ("aigerim", "close")]
    assert all("Здравствуйте" not in str(a["detail"]) for a in store.audit_log(engine))
    with pytest.raises(store.HandoffError, match="not_open"):
        store.reply(engine, case.id, "aigerim", "ещё")


def test_two_operators_racing_for_a_case_and_two_replicas_for_a_line(engine) -> None:
    cases = [store.open_case(engine, sender_id=f"web-{i}", channel="web", language="ru", summary={})[0] for i in range(5)]
    wins: list[tuple[str, str]] = []
    barrier = threading.Barrier(2)

    def operator(name: str) -> None:
        barrier.wait()
        for case in cases:
            if store.claim(engine, case.id, name):
                wins.append((case.id, name))

    threads = [threading.Thread(target=operator, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(c for c, _ in wins) == sorted(c.id for c in cases)  # each case claimed exactly once
    lines = [line for _, line in store.undelivered(engine, "web")]
    taken: list[int] = []

    def replica() -> None:
        for line in lines:
            if store.take_for_delivery(engine, line.id):
                taken.append(line.id)

    threads = [threading.Thread(target=replica) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(taken) == sorted(line.id for line in lines)  # each line sent by exactly one replica


def test_cancel_notes_and_delete_my_data(engine) -> None:
    case, _ = store.open_case(engine, sender_id="web-9", channel="web", language="kk", summary=SUMMARY, contact="+7 701 000 00 00")
    store.add_user_message(engine, case, "сәлеметсіз бе")
    store.claim(engine, case.id, "op")
    store.add_note(engine, case.id, "op", "needs a lawyer in Shymkent")
    assert [n["text"] for n in store.notes_for(engine, case.id)] == ["needs a lawyer in Shymkent"]
    assert store.cancel(engine, "web-9").status == store.CANCELLED and store.cancel(engine, "web-9") is None
    deleted = delete_user_data(engine, "web-9")
    assert deleted["tendik_handoffs"] == 1 and deleted["tendik_handoff_messages"] >= 3 and deleted["tendik_handoff_notes"] == 1
    assert store.get(engine, case.id) is None and store.thread(engine, case.id) == []


def test_working_hours() -> None:
    hours = Hours.parse("Mon-Fri 09:00-18:00, Sat 10:00-14:00")
    monday_morning = datetime.datetime(2026, 11, 30, 8, 59, tzinfo=TIMEZONE)
    assert not hours.is_open(monday_morning) and hours.next_open(monday_morning) == monday_morning.replace(hour=9, minute=0)
    assert hours.is_open(monday_morning.replace(hour=9, minute=0)) and not hours.is_open(monday_morning.replace(hour=18, minute=0))
    saturday_evening = datetime.datetime(2026, 12, 5, 15, 0, tzinfo=TIMEZONE)
    assert hours.next_open(saturday_evening) == datetime.datetime(2026, 12, 7, 9, 0, tzinfo=TIMEZONE)
    utc = datetime.datetime(2026, 12, 1, 4, 0, tzinfo=datetime.UTC)  # 09:00 in Almaty (UTC+5)
    assert hours.is_open(utc)
    assert Hours.parse("always").is_open(saturday_evening)
    for bad in ("Mon-Fri", "Xyz 09:00-18:00", "Mon 18:00-09:00", "Mon 25:00-26:00"):
        with pytest.raises(HoursError):
            Hours.parse(bad)
