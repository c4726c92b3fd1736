"""Outreach: /subscribe and /unsubscribe, "know your rights" cards from the knowledge base, and
broadcasts: resumable (a stop or a crash in the middle neither skips nor repeats a subscriber),
within the rate limits, through 429s, skipping users who blocked the bot; the operator's CLI
(preview, dry run, send with progress, status) and the schedule inside the bot."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import ID_SECRET, ROOT, TelegramBot, new_user_id, start_bot, visible

from tendik.telegram.broadcast import BroadcastRunner
from tests.fakes.telegram_api import LoopThread

CARD_TITLE = re.compile(r"^🗂 (?:Знай свои права|Құқығыңды біл): (.+)$", re.M)


@pytest.fixture
def outreach(loop_thread: LoopThread, assistant, tmp_path: Path):  # noqa: ANN001
    """A bot with a database of its own (broadcasts go to every subscriber in the database)."""
    harness = start_bot(loop_thread, assistant.rasa_url, f"sqlite:///{tmp_path / 'outreach.db'}", tmp_path)
    yield harness
    harness.stop()


def cards_in(h: TelegramBot, user: int) -> list[str]:
    """Titles of the cards this chat received, in order."""
    return [m.group(1) for msg in h.api.bot_messages(user) if (m := CARD_TITLE.search(msg.text))]


def title_to_id(h: TelegramBot) -> dict[str, str]:
    return {exp.title[lang]: exp.id for exp in h.ctx.deck.topics() for lang in ("kk", "ru")}


def subscribe_many(h: TelegramBot, n: int) -> list[int]:
    users = []
    for i in range(n):
        user = new_user_id()
        msgs = h.say(user, "/subscribe", language_code="kk" if i % 2 else "ru")
        assert len(cards_in(h, user)) == 1, visible(msgs)
        users.append(user)
    return users


def broadcast_sends(h: TelegramBot) -> list:
    return [c for c in h.api.calls_of("sendMessage") if c.status == 200 and CARD_TITLE.search(str(c.params.get("text", "")).replace("<b>", "").replace("</b>", ""))]


def cli(h: TelegramBot, *args: str, env_extra: dict | None = None, **kw) -> subprocess.Popen:  # noqa: ANN003
    env = {
        **os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1",
        "TENDIK_TELEGRAM_TOKEN": h.api.token, "TENDIK_TELEGRAM_API_URL": h.api.url, "TENDIK_DB_URL": h.settings.db_url,
        "TENDIK_TELEGRAM_ID_SECRET": ID_SECRET, "TENDIK_DATA_DIR": str(h.settings.data_dir), "TENDIK_RASA_URL": h.settings.rasa_url,
        **(env_extra or {}),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tendik.telegram.broadcast", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, **kw,
    )


# ---------------------------------------------------------------- subscribing
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_subscribe_sends_a_first_card_and_unsubscribe_forgets_the_chat(outreach: TelegramBot, lang: str) -> None:
    h, user = outreach, new_user_id()
    h.choose_language(user, lang)
    msgs = h.say(user, "/subscribe")
    assert len(msgs) == 2
    assert ("жазылдыңыз" if lang == "kk" else "Вы подписались") in msgs[0].text
    assert ("аптасына бір рет" if lang == "kk" else "раз в неделю") not in msgs[0].text  # the schedule is off here
    card = msgs[1]
    first = h.ctx.deck.ids[0]
    assert card.html == h.ctx.deck.card(first, lang).html  # the knowledge base's card, in the user's language
    sender = h.sender_id(user)
    assert h.query("SELECT chat_id, language, last_card, cards_sent FROM tendik_tg_subscriptions WHERE sender_id = ?", sender) == [
        (user, lang, first, 1)
    ]
    again = h.say(user, "/subscribe")
    assert len(again) == 1 and "/unsubscribe" in again[0].text
    # Cards follow a language change.
    other = "ru" if lang == "kk" else "kk"
    h.press(user, h.say(user, "/lang")[-1], f"l:{other}")
    assert h.query("SELECT language FROM tendik_tg_subscriptions WHERE sender_id = ?", sender) == [(other,)]
    h.press(user, h.say(user, "/lang")[-1], f"l:{lang}")
    # The card's button asks the assistant for the whole topic.
    _, answer = h.press(user, card, card.button("t:")["callback_data"])
    assert answer[-1].button("v:h:")
    assert ("еңбек кодексінің 6-бабы" if lang == "kk" else "статья 6 трудового кодекса рк") in visible(answer).lower()

    bye = h.say(user, "/unsubscribe")
    assert ("бас тарттыңыз" if lang == "kk" else "Вы отписались") in visible(bye)
    assert h.query("SELECT count(*) FROM tendik_tg_subscriptions WHERE chat_id = ?", user) == [(0,)]
    assert ("жазылмағансыз" if lang == "kk" else "не подписаны") in visible(h.say(user, "/unsubscribe"))


def test_subscribe_before_choosing_a_language_asks_for_it(outreach: TelegramBot) -> None:
    h, user = outreach, new_user_id()
    prompt = h.say(user, "/subscribe", language_code=None)
    assert [b["callback_data"] for b in prompt[-1].buttons()] == ["l:kk:sub", "l:ru:sub"]
    _, msgs = h.press(user, prompt[-1], "l:kk:sub", language_code=None)
    assert "жазылдыңыз" in msgs[0].text and cards_in(h, user)
    assert h.query("SELECT language FROM tendik_tg_subscriptions WHERE sender_id = ?", h.sender_id(user)) == [("kk",)]


# ---------------------------------------------------------------- broadcasting
def test_broadcast_stopped_midway_resumes_without_skipping_or_repeating(outreach: TelegramBot) -> None:
    h = outreach
    users = subscribe_many(h, 30)
    base = len(broadcast_sends(h))
    ctx = h.ctx
    bid, created = h.lt.run(ctx.store.create_broadcast("test"))
    assert created
    assert h.lt.run(ctx.store.create_broadcast("test")) == (bid, False)  # one broadcast at a time

    async def first_half() -> object:
        import asyncio

        stop = asyncio.Event()

        def progress(state: str, sent: int, _total: int) -> None:
            if sent >= 10:
                stop.set()

        runner = BroadcastRunner(h.bot, ctx.store, ctx.deck, rate=40, workers=4, on_progress=progress)
        return await runner.run(bid, stop)

    report = h.lt.run(first_half())
    assert not report.finished
    sent_first = report.counts.get("sent", 0)
    assert 10 <= sent_first < 30 and report.counts.get("pending", 0) == 30 - sent_first
    assert h.lt.run(ctx.store.unfinished_broadcast())["id"] == bid

    runner = BroadcastRunner(h.bot, ctx.store, ctx.deck, rate=40, workers=4)
    report = h.lt.run(runner.run(bid))
    assert report.finished and report.counts == {"sent": 30}
    ids = title_to_id(h)
    delivered = h.lt.run(ctx.store.delivered_cards(bid))
    for i, user in enumerate(users):
        cards = cards_in(h, user)
        assert len(cards) == 2, cards  # the first card, then exactly one broadcast card
        assert cards[0] != cards[1]  # never the same card twice in a row
        assert ids[cards[1]] == delivered[h.sender_id(user)]
        card_text = [m.text for m in h.api.bot_messages(user) if m.text.startswith("🗂")][-1]
        assert card_text.startswith("🗂 Құқығыңды біл" if i % 2 else "🗂 Знай свои права")  # in the subscriber's language
    rows = h.query("SELECT last_card, cards_sent FROM tendik_tg_subscriptions")
    assert all(n == 2 for _, n in rows)
    # Rate: never more than 40 card messages in any second (plus one for the window edge).
    times = [c.at for c in broadcast_sends(h)[base:]]
    assert len(times) == 30
    assert max(sum(1 for t in times if t0 <= t < t0 + 1.0) for t0 in times) <= 41


def test_blocked_users_are_marked_and_skipped_and_429_is_survived(outreach: TelegramBot) -> None:
    h = outreach
    users = subscribe_many(h, 12)
    blocked_403, blocked_update = users[:2], users[2]
    for user in blocked_403:
        h.api.block_chat(user)  # Telegram answers 403 "bot was blocked by the user"
    h.lt.run(h.handled.wait(h.lt.run(h.api.set_blocked_by_user(blocked_update)), 60))  # my_chat_member: kicked
    assert h.query("SELECT blocked_at IS NOT NULL FROM tendik_tg_subscriptions WHERE sender_id = ?", h.sender_id(blocked_update)) == [(1,)]
    h.api.fail_next("sendMessage", times=2, retry_after=1)

    ctx = h.ctx
    bid, _ = h.lt.run(ctx.store.create_broadcast("test"))
    report = h.lt.run(BroadcastRunner(h.bot, ctx.store, ctx.deck, rate=30, workers=3).run(bid))
    assert report.finished and report.counts == {"sent": 9, "blocked": 2}  # the update-blocked one was not even planned
    assert len(h.api.retry_after_hits) == 2
    for user in users:
        expected = 1 if user in blocked_403 or user == blocked_update else 2
        assert len(cards_in(h, user)) == expected, user
    blocked = {sid for (sid,) in h.query("SELECT sender_id FROM tendik_tg_subscriptions WHERE blocked_at IS NOT NULL")}
    assert blocked == {h.sender_id(u) for u in [*blocked_403, blocked_update]}

    # The next broadcast skips them; a user who unblocks the bot gets cards again.
    h.lt.run(h.handled.wait(h.lt.run(h.api.set_blocked_by_user(blocked_update, blocked=False)), 60))
    bid2, _ = h.lt.run(ctx.store.create_broadcast("test"))
    report = h.lt.run(BroadcastRunner(h.bot, ctx.store, ctx.deck, rate=30, workers=3).run(bid2))
    assert report.counts == {"sent": 10}
    assert len(cards_in(h, blocked_update)) == 2 and all(len(cards_in(h, u)) == 1 for u in blocked_403)
    for user in users[3:]:
        cards = cards_in(h, user)
        assert len(cards) == 3 and cards[0] != cards[1] != cards[2]


def _wait_for_sends(h: TelegramBot, n: int, timeout: float = 120) -> None:
    h.lt.run(h.api.wait_until(lambda: len(broadcast_sends(h)) >= n, timeout), timeout=timeout + 5)


def test_cli_send_stopped_by_sigterm_resumes_exactly(outreach: TelegramBot) -> None:
    h = outreach
    users = subscribe_many(h, 40)
    base = len(broadcast_sends(h))
    proc = cli(h, "send", "--yes", env_extra={"TENDIK_TELEGRAM_BROADCAST_RATE": "8"})
    _wait_for_sends(h, base + 12)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 4, err  # stopped, resumable
    assert "stopped (run again to resume)" in out
    assert "sending" in err  # the progress bar
    sent_first = len(broadcast_sends(h)) - base
    assert 12 <= sent_first < 40

    proc = cli(h, "send", "--yes", env_extra={"TENDIK_TELEGRAM_BROADCAST_RATE": "50"})
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err
    assert "resuming broadcast" in out and "finished" in out
    for user in users:
        assert len(cards_in(h, user)) == 2, user
    assert len(broadcast_sends(h)) - base == 40
    status = cli(h, "status")
    out, _ = status.communicate(timeout=60)
    assert "done" in out and "sent 40, pending 0" in out


def test_cli_killed_hard_midway_never_sends_twice(outreach: TelegramBot) -> None:
    h = outreach
    users = subscribe_many(h, 30)
    base = len(broadcast_sends(h))
    h.api.delays["sendmessage"] = 0.4  # requests in flight when the process dies
    proc = cli(h, "send", "--yes", env_extra={"TENDIK_TELEGRAM_BROADCAST_RATE": "20"})
    _wait_for_sends(h, base + 8)
    proc.kill()
    proc.communicate(timeout=60)
    h.api.delays.clear()
    time.sleep(0.5)  # let the requests the dead process left in flight land on the server
    # The dead process's lease must expire before another may continue: make it expire now.
    h.query("UPDATE tendik_tg_broadcasts SET lease_until = 0")
    proc = cli(h, "send", "--yes", env_extra={"TENDIK_TELEGRAM_BROADCAST_RATE": "50"})
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err
    states = dict(h.query("SELECT sender_id, state FROM tendik_tg_deliveries"))
    assert set(states.values()) <= {"sent", "uncertain"}
    uncertain = [s for s in states.values() if s == "uncertain"]
    assert len(uncertain) <= 8  # at most the requests in flight (workers)
    for user in users:
        received = len(cards_in(h, user)) - 1
        if states[h.sender_id(user)] == "sent":
            assert received == 1, user
        else:
            assert received <= 1, user  # uncertain: maybe delivered, never twice


def test_cli_preview_dry_run_and_no_token(outreach: TelegramBot) -> None:
    h = outreach
    subscribe_many(h, 4)
    out, err = cli(h, "preview").communicate(timeout=120)
    assert "subscribers: kk 2, ru 2; blocked (skipped) 0" in out, err
    second = h.ctx.deck.ids[1]
    assert f"{second} [kk]: 2" in out and f"{second} [ru]: 2" in out
    assert "Знай свои права" in out and "Құқығыңды біл" in out
    out, err = cli(h, "preview", "--topic", "exp-equal-pay", "--lang", "ru").communicate(timeout=120)
    assert "exp-equal-pay [ru]: 2" in out and "Равная оплата за равный труд" in out and "Құқығыңды" not in out

    calls = len(h.api.calls_of("sendMessage"))
    proc = cli(h, "send", "--dry-run")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "dry run: 4 cards would be sent" in out and "nothing was sent" in out and "dry run" in err
    assert len(h.api.calls_of("sendMessage")) == calls  # nothing reached Telegram
    assert h.query("SELECT count(*) FROM tendik_tg_broadcasts") == [(0,)]

    proc = cli(h, "send", "--yes", env_extra={"TENDIK_TELEGRAM_TOKEN": ""})
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2 and "@BotFather" in err
    proc = cli(h, "send", "--topic", "exp-nothing", "--yes")
    assert proc.wait(120) == 2


def test_schedule_inside_the_bot_sends_cards_periodically(loop_thread: LoopThread, assistant, tmp_path: Path) -> None:  # noqa: ANN001
    h = start_bot(loop_thread, assistant.rasa_url, f"sqlite:///{tmp_path / 'schedule.db'}", tmp_path, telegram_card_every="3s")
    try:
        users = subscribe_many(h, 4)
        assert "каждые 3 с" in visible(h.api.bot_messages(users[0]))
        assert "3 секунд сайын" in visible(h.api.bot_messages(users[1]))

        def everyone_got_two() -> bool:
            rows = h.query("SELECT sender_id, count(*) FROM tendik_tg_deliveries WHERE state = 'sent' GROUP BY sender_id")
            return len(rows) == 4 and all(n >= 2 for _, n in rows)

        h.lt.run(h.api.wait_until(everyone_got_two, 120), timeout=130)
    finally:
        h.stop()
    per_sender = Counter(s for (s,) in h.query("SELECT sender_id FROM tendik_tg_deliveries WHERE state = 'sent'"))
    for user in users:
        cards = cards_in(h, user)
        assert len(cards) == 1 + per_sender[h.sender_id(user)] >= 3  # no delivery lost or repeated
        assert all(a != b for a, b in zip(cards, cards[1:]))  # never the same card twice in a row
    assert h.query("SELECT DISTINCT origin FROM tendik_tg_broadcasts") == [("schedule",)]
