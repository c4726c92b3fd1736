"""Handing a Telegram conversation to a person (issue 14), for real: the local Bot API server, the bot
long-polling it with its delivery loop, the real assistant (Rasa with the handoff rules and form, the
action server) and the handoff store (tendik.handoff.store) on the bot's database, where the
operators' side (the review app's inbox) claims, answers and closes cases.

The bot here has a database of its own (the assistant's tracker store is the shared test one): the
other test bots of the session run delivery loops too, and a line one of them took would go to its
own Bot API server. Rasa's events are read from the assistant's database.

* asked in words, consent: the case in the database with the chat; "passing it on" without its own
  cancel button, then the place in the queue with the cancel button;
* while the case is open: the user's messages go to the case (redacted), acknowledged; Rasa gets
  nothing; a button meant for the bot is not forwarded; a sticker gets the usual polite reply and
  the case stays open;
* the operator claims and answers: each line delivered once, in order, even with a second delivery
  loop (another replica) on the same database; closing: "closed", the bot resumed and answering;
* consent refused: no case; cancel by the button and by the typed command; out of the operators'
  hours; the Bot API answering 429 once, then 500 once, for a delivery (retried, not lost, not
  duplicated); /delete while a case is open (cancelled, erased, the bot resumed); no user or
  operator text in the logs.
"""

from __future__ import annotations

import asyncio
import datetime
import sqlite3
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import TelegramBot, new_user_id, start_bot, visible

from tendik.handoff import store
from tendik.handoff.hours import DAYS, TIMEZONE, Hours
from tendik.telegram.bot import create_bot
from tendik.telegram.context import create_context
from tendik.telegram.handoff import CANCEL, DeliveryLoop, queue_text
from tendik.telegram.texts import t
from tendik.texts import text
from tests.fakes.telegram_api import ChatMessage, LoopThread

ASK = {"ru": "хочу поговорить с юристом", "kk": "заңгермен сөйлескім келеді"}
QUESTION = {"ru": "куда жаловаться на дискриминацию при увольнении?", "kk": "жұмыстан шығарғанда кемсітушілік болса, қайда шағымдану керек?"}
OPERATOR = "op-aigerim"


@pytest.fixture(scope="module")
def hbot(loop_thread: LoopThread, assistant, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TelegramBot]:  # noqa: ANN001
    tmp = tmp_path_factory.mktemp("tg-handoff")
    bot = start_bot(loop_thread, assistant.rasa_url, f"sqlite:///{tmp / 'bot.db'}", tmp,
                    rasa_token=assistant.rasa_token, telegram_handoff_every=0.2)
    yield bot
    bot.stop()


@pytest.fixture(autouse=True)
def always_open(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TENDIK_HANDOFF_HOURS", "always")


# ---------------------------------------------------------------- helpers
def decoded(bot: TelegramBot, message: ChatMessage) -> list[str]:
    return [bot.ctx.payloads.decode(b.get("callback_data", "")) or "" for b in message.buttons()]


def press_payload(bot: TelegramBot, user: int, message: ChatMessage, payload: str) -> list[ChatMessage]:
    button = next(b for b in message.buttons() if bot.ctx.payloads.decode(b.get("callback_data", "")) == payload)
    _, msgs = bot.press(user, message, button["callback_data"])
    return msgs


def offer(bot: TelegramBot, user: int, lang: str) -> ChatMessage:
    """Asks for a person in words; returns the offer (what would be shared, three buttons)."""
    reply = bot.say(user, ASK[lang])
    found = next((m for m in reply if m.text.startswith(text("handoff.offer_intro", lang))), None)
    assert found is not None, visible(reply)
    assert len(found.buttons()) == 3
    return found


def hand_over(bot: TelegramBot, user: int, lang: str) -> list[ChatMessage]:
    bot.choose_language(user, lang)
    return press_payload(bot, user, offer(bot, user, lang), '/handoff_consent{"handoff_share":"yes"}')


def case_of(bot: TelegramBot, user: int) -> store.Case:
    case = store.open_case_for(bot.ctx.engine, bot.sender_id(user))
    assert case is not None
    return case


def rasa_db(assistant) -> Path:  # noqa: ANN001
    return Path(assistant.db_url.removeprefix("sqlite:///"))


def rasa_user_events(assistant, sender: str) -> int:  # noqa: ANN001
    with sqlite3.connect(rasa_db(assistant), timeout=30) as conn:
        return conn.execute("SELECT count(*) FROM events WHERE sender_id = ? AND type_name = 'user'", (sender,)).fetchone()[0]


def paused(assistant, sender: str) -> bool:  # noqa: ANN001
    return bool(assistant.api(f"/conversations/{urllib.parse.quote(sender, safe='')}/tracker", timeout=30)["paused"])


def wait_until(bot: TelegramBot, predicate: Any, timeout: float = 60.0) -> Any:
    return bot.lt.run(bot.api.wait_until(predicate, timeout), timeout=timeout + 5)


def texts_after(bot: TelegramBot, user: int, start: int) -> list[str]:
    return [m.text for m in bot.api.bot_messages(user)[start:]]


def answers(bot: TelegramBot, user: int, lang: str) -> None:
    """The bot answers a question in words (a legal answer: its vote buttons)."""
    reply = bot.say(user, QUESTION[lang])
    assert any(b.get("callback_data", "").startswith("v:") for m in reply for b in m.buttons()), visible(reply)


# ---------------------------------------------------------------- the case opens
@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_asked_in_words_consent_opens_the_case_and_messages_go_to_it(hbot: TelegramBot, assistant, lang: str,  # noqa: ANN001
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    user = new_user_id()
    reply = hand_over(hbot, user, lang)
    sender = hbot.sender_id(user)
    case = case_of(hbot, user)
    assert (case.channel, case.chat_id, case.language, case.status) == ("telegram", user, lang, store.WAITING)
    assert case.contact is None and case.summary.get("lang") == lang

    assert [m.text for m in reply][0] == text("handoff.submitted", lang)
    assert CANCEL not in decoded(hbot, reply[0])  # the reply's own cancel button went to the queue message
    queued = reply[-1]
    assert queued.text == queue_text(hbot.ctx.engine, case, Hours.parse("always"), lang)
    assert queued.text.startswith(text("handoff.queued_unknown", lang, position=1)[:20])
    assert decoded(hbot, queued) == [CANCEL] and queued.buttons()[0]["text"] == text("handoff.cancel_button", lang)
    assert paused(assistant, sender)

    # While it is open: the user's messages go to the case, not to Rasa.
    events = rasa_user_events(assistant, sender)
    words = "меня уволили, мой телефон 8 701 765 43 21" if lang == "ru" else "мені жұмыстан шығарды, телефоным 8 701 765 43 21"
    with caplog.at_level("DEBUG"):
        ack = hbot.say(user, words)
    assert [m.text for m in ack] == [text("handoff.forwarded", lang)]
    thread = store.thread(hbot.ctx.engine, case.id)
    assert thread[-1].author == "user" and "765" not in thread[-1].text and "[PHONE]" in thread[-1].text
    assert rasa_user_events(assistant, sender) == events  # Rasa got nothing new
    assert "765 43 21" not in caplog.text and words not in caplog.text

    # A button meant for the bot is not forwarded; a sticker gets the usual reply; the case stays open.
    reply = hbot.say(user, "/check")
    assert [m.text for m in reply] == [t("handoff_paused", lang)] and decoded(hbot, reply[0]) == [CANCEL]
    reply = hbot.send_content(user, "sticker")
    assert [m.text for m in reply] == [t("sticker", lang)]
    assert len(store.thread(hbot.ctx.engine, case.id)) == len(thread)
    assert case_of(hbot, user).id == case.id
    assert rasa_user_events(assistant, sender) == events


def test_refused_consent_opens_no_case(hbot: TelegramBot, assistant) -> None:  # noqa: ANN001
    user = new_user_id()
    hbot.choose_language(user, "ru")
    reply = press_payload(hbot, user, offer(hbot, user, "ru"), '/handoff_consent{"handoff_share":"no"}')
    assert text("handoff.declined", "ru") in [m.text for m in reply]
    assert store.open_case_for(hbot.ctx.engine, hbot.sender_id(user)) is None
    assert hbot.query("SELECT count(*) FROM tendik_handoffs WHERE sender_id = ?", hbot.sender_id(user)) == [(0,)]
    assert not paused(assistant, hbot.sender_id(user))
    answers(hbot, user, "ru")


# ---------------------------------------------------------------- the operator answers
def test_operator_lines_are_delivered_once_with_two_delivery_loops_and_close_resumes_the_bot(
        hbot: TelegramBot, assistant, caplog: pytest.LogCaptureFixture) -> None:  # noqa: ANN001
    user = new_user_id()
    hand_over(hbot, user, "ru")
    case = case_of(hbot, user)
    engine = hbot.ctx.engine
    main_loop: DeliveryLoop = hbot.dp.workflow_data["handoff_delivery"]

    async def second_replica() -> tuple[DeliveryLoop, asyncio.Task]:
        loop = DeliveryLoop(create_bot(hbot.settings), create_context(hbot.settings), every=0.1)
        return loop, asyncio.create_task(loop.run())

    async def stop_replica() -> None:
        other.stop.set()
        await task
        await other.bot.session.close()
        await other.ctx.rasa.close()

    other, task = hbot.lt.run(second_replica())
    try:
        start = len(hbot.api.bot_messages(user))
        lines = [f"Здравствуйте! Ответ номер {n}: <важно> & срочно" for n in range(1, 7)]
        with caplog.at_level("DEBUG"):
            assert store.claim(engine, case.id, OPERATOR)
            for line in lines:
                store.reply(engine, case.id, OPERATOR, line)
            expected = [text("handoff.claimed", "ru"), *(text("handoff.operator_says", "ru", text=line) for line in lines)]
            wait_until(hbot, lambda: len(texts_after(hbot, user, start)) >= len(expected))
            rounds = (main_loop.rounds, other.rounds)
            wait_until(hbot, lambda: main_loop.rounds >= rounds[0] + 3 and other.rounds >= rounds[1] + 3)
        assert texts_after(hbot, user, start) == expected  # each once, in order, escaped as text
        claimed = hbot.api.bot_messages(user)[start]
        assert decoded(hbot, claimed) == [CANCEL]
        assert not [ln for c, ln in store.undelivered(engine, "telegram") if c.id == case.id]
        assert "важно" not in caplog.text  # operator text never logged
        assert paused(assistant, hbot.sender_id(user))

        # Closing: "closed", then the bot answers again.
        start = len(hbot.api.bot_messages(user))
        assert store.close(engine, case.id, OPERATOR)
        wait_until(hbot, lambda: texts_after(hbot, user, start))
        rounds = (main_loop.rounds, other.rounds)
        wait_until(hbot, lambda: main_loop.rounds >= rounds[0] + 2 and other.rounds >= rounds[1] + 2)
        assert texts_after(hbot, user, start) == [text("handoff.closed", "ru")]
        assert not paused(assistant, hbot.sender_id(user))
        assert store.open_case_for(engine, hbot.sender_id(user)) is None
    finally:
        hbot.lt.run(stop_replica())
    answers(hbot, user, "ru")


def test_a_delivery_refused_with_429_then_500_is_retried_not_lost_not_duplicated(hbot: TelegramBot) -> None:
    user = new_user_id()
    hand_over(hbot, user, "kk")
    case = case_of(hbot, user)
    engine = hbot.ctx.engine
    assert store.claim(engine, case.id, OPERATOR)
    wait_until(hbot, lambda: text("handoff.claimed", "kk") in texts_after(hbot, user, 0))
    start, hits, errors = len(hbot.api.bot_messages(user)), len(hbot.api.retry_after_hits), len(hbot.api.calls_of("sendMessage"))

    hbot.api.fail_next("sendMessage", 1, retry_after=1)
    store.reply(engine, case.id, OPERATOR, "Бірінші жауап")
    wait_until(hbot, lambda: texts_after(hbot, user, start))
    assert hbot.api.retry_after_hits[hits:] and hbot.api.retry_after_hits[hits][0].lower() == "sendmessage"

    hbot.api.error_next("sendMessage", 500, "Internal Server Error")
    store.reply(engine, case.id, OPERATOR, "Екінші жауап")
    wait_until(hbot, lambda: len(texts_after(hbot, user, start)) >= 2)
    loop: DeliveryLoop = hbot.dp.workflow_data["handoff_delivery"]
    rounds = loop.rounds
    wait_until(hbot, lambda: loop.rounds >= rounds + 3)
    assert texts_after(hbot, user, start) == [text("handoff.operator_says", "kk", text="Бірінші жауап"),
                                              text("handoff.operator_says", "kk", text="Екінші жауап")]
    refused = [c.status for c in hbot.api.calls_of("sendMessage")[errors:]]
    assert 429 in refused and 500 in refused
    assert all(ln.delivered_at for ln in store.thread(engine, case.id))


# ---------------------------------------------------------------- the user ends it
def test_the_cancel_button_ends_the_case_and_the_bot_answers(hbot: TelegramBot, assistant) -> None:  # noqa: ANN001
    user = new_user_id()
    reply = hand_over(hbot, user, "ru")
    case = case_of(hbot, user)
    reply = press_payload(hbot, user, reply[-1], CANCEL)
    assert [m.text for m in reply] == [text("handoff.cancelled", "ru")]
    assert store.get(hbot.ctx.engine, case.id).status == store.CANCELLED  # type: ignore[union-attr]
    assert not paused(assistant, hbot.sender_id(user))
    answers(hbot, user, "ru")
    # With no case open, the cancel goes to the assistant, which says nothing is shared.
    assert text("handoff.declined", "ru") in [m.text for m in hbot.say(user, "/handoff_cancel")]


def test_the_typed_cancel_command_ends_the_case(hbot: TelegramBot, assistant) -> None:  # noqa: ANN001
    user = new_user_id()
    hand_over(hbot, user, "kk")
    reply = hbot.say(user, "/handoff_cancel")
    assert [m.text for m in reply] == [text("handoff.cancelled", "kk")]
    assert store.open_case_for(hbot.ctx.engine, hbot.sender_id(user)) is None
    assert not paused(assistant, hbot.sender_id(user))
    answers(hbot, user, "kk")


def test_out_of_hours_the_user_is_told_when_operators_are_back(hbot: TelegramBot, monkeypatch: pytest.MonkeyPatch) -> None:
    today = datetime.datetime.now(TIMEZONE).weekday()
    spec = f"{DAYS[(today + 3) % 7].capitalize()} 09:00-18:00"
    monkeypatch.setenv("TENDIK_HANDOFF_HOURS", spec)
    user = new_user_id()
    reply = hand_over(hbot, user, "ru")
    when = Hours.parse(spec).next_open().strftime("%d.%m %H:%M")
    assert reply[-1].text == text("handoff.out_of_hours", "ru", when=when)
    assert decoded(hbot, reply[-1]) == [CANCEL]
    assert case_of(hbot, user).status == store.WAITING  # the case is kept in the queue


def test_delete_while_a_case_is_open_cancels_and_erases_it(hbot: TelegramBot, assistant) -> None:  # noqa: ANN001
    user = new_user_id()
    hand_over(hbot, user, "ru")
    sender = hbot.sender_id(user)
    case = case_of(hbot, user)
    hbot.say(user, "мой вопрос оператору")
    assert store.claim(hbot.ctx.engine, case.id, OPERATOR)
    confirm = hbot.say(user, "/delete")[-1]
    _, reply = hbot.press(user, confirm, "d:yes")
    assert store.get(hbot.ctx.engine, case.id) is None
    for table in ("tendik_handoffs", "tendik_handoff_messages"):
        assert hbot.query(f"SELECT count(*) FROM {table} WHERE sender_id = ?", sender) == [(0,)], table
    assert not paused(assistant, sender)
    answers(hbot, user, "ru")
    assert not [ln for c, ln in store.undelivered(hbot.ctx.engine, "telegram") if c.id == case.id]


def test_a_bot_left_paused_is_resumed_by_the_next_question(hbot: TelegramBot, assistant) -> None:  # noqa: ANN001
    """The case closed and its "closed" line taken by a replica that stopped before resuming the bot
    (nothing left to deliver): the user's next question resumes it and is answered."""
    user = new_user_id()
    hand_over(hbot, user, "ru")
    case = case_of(hbot, user)
    loop: DeliveryLoop = hbot.dp.workflow_data["handoff_delivery"]
    loop.stop.set()  # this replica's loop is "down" while the case closes
    try:
        hbot.lt.run(asyncio.wait_for(asyncio.shield(hbot.dp.workflow_data["handoff_delivery_task"]), 30))
        assert store.close(hbot.ctx.engine, case.id, OPERATOR)
        [closed] = [ln for c, ln in store.undelivered(hbot.ctx.engine, "telegram") if c.id == case.id]
        assert store.take_for_delivery(hbot.ctx.engine, closed.id)  # taken by a replica that then died
        assert paused(assistant, hbot.sender_id(user))
        answers(hbot, user, "ru")
        assert not paused(assistant, hbot.sender_id(user))
    finally:
        async def restart() -> None:
            again = DeliveryLoop(hbot.bot, hbot.ctx, every=0.2)
            hbot.dp.workflow_data["handoff_delivery"] = again
            hbot.dp.workflow_data["handoff_delivery_task"] = asyncio.create_task(again.run())

        hbot.lt.run(restart())
