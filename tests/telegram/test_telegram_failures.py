"""Failure: Rasa down (the real one stopped) or slow (a server that never answers), Telegram's 429
with retry_after (replies and button answers), Telegram failing a request: the user gets a clear
message in their language, the bot keeps running and recovers by itself."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from aiohttp import web
from conftest import TelegramBot, new_user_id, start_bot, visible

from tendik.texts import system_message
from tests.fakes.telegram_api import LoopThread

QUESTION = {"kk": "жүкті болғаным үшін жұмысқа алмады", "ru": "меня уволили когда я была беременна"}


def test_rasa_down_then_back(tg: TelegramBot, assistant) -> None:  # noqa: ANN001
    users = {"kk": new_user_id(), "ru": new_user_id()}
    for lang, user in users.items():
        tg.choose_language(user, lang)
    errors = len(tg.handled.errors)
    try:
        assistant.stop("rasa")
        for lang, user in users.items():
            reply = tg.say(user, QUESTION[lang])
            assert visible(reply) == system_message("unavailable", lang)
        # The bot itself keeps working.
        assert "/topics" in visible(tg.say(users["ru"], "/help"))
        assert tg.handled.errors[errors:] == []
    finally:
        assistant.start_rasa()
    # Recovered by itself: the same bot, no restart.
    for lang, user in users.items():
        reply = tg.say(user, QUESTION[lang])
        assert reply[-1].button("v:h:"), visible(reply)
        stored = [json.loads(d) for (d,) in tg.query("SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'", tg.sender_id(user))]
        assert stored[-1]["metadata"]["language"] == lang


@pytest.fixture
def black_hole(loop_thread: LoopThread):
    """An HTTP server that accepts Rasa requests and never answers (a hung Rasa)."""
    state: dict = {}

    async def start() -> str:
        async def hang(request: web.Request) -> web.Response:
            state["hits"] = state.get("hits", 0) + 1
            await asyncio.sleep(3600)
            return web.json_response([])

        async def status(_: web.Request) -> web.Response:
            return web.json_response({"status": "ok", "actions": True})

        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", hang)
        app.router.add_get("/webhooks/rest/", status)
        runner = web.AppRunner(app, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        state["runner"] = runner
        return f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"

    url = loop_thread.run(start())
    yield url, state
    loop_thread.run(state["runner"].cleanup())


def test_slow_rasa_times_out_politely_and_closed_port_too(loop_thread: LoopThread, assistant, black_hole, tmp_path) -> None:  # noqa: ANN001
    url, state = black_hole
    slow = start_bot(loop_thread, url, assistant.db_url, tmp_path, rasa_timeout=2.0)
    try:
        user = new_user_id()
        slow.choose_language(user, "kk")
        reply = slow.say(user, QUESTION["kk"])
        assert visible(reply) == system_message("unavailable", "kk")
        assert state["hits"] == 1
        assert "/topics" in visible(slow.say(user, "/help"))  # still running
        # A user who never chose a language gets both languages.
        reply = slow.say(new_user_id(), "привет", language_code=None)
        assert visible(reply) == system_message("unavailable", None)
    finally:
        slow.stop()
    closed = start_bot(loop_thread, "http://127.0.0.1:9", assistant.db_url, tmp_path)
    try:
        user = new_user_id()
        closed.choose_language(user, "ru")
        assert visible(closed.say(user, QUESTION["ru"])) == system_message("unavailable", "ru")
    finally:
        closed.stop()


def test_429_retry_after_on_a_reply_is_waited_and_sent_once(tg: TelegramBot) -> None:
    user = new_user_id()
    tg.choose_language(user, "ru")
    calls_before = len(tg.api.calls_of("sendMessage"))
    tg.api.fail_next("sendMessage", times=1, retry_after=2)
    reply = tg.say(user, "/privacy")
    assert len(reply) == 1 and "HMAC" in reply[0].text  # delivered exactly once
    calls = tg.api.calls_of("sendMessage")[calls_before:]
    assert [c.status for c in calls] == [429, 200]
    assert calls[1].at - calls[0].at >= 2.0 - 0.05  # waited retry_after before trying again


def test_a_reply_waits_out_a_long_flood_control_instead_of_being_dropped(tg: TelegramBot) -> None:
    """Telegram answering 429 for several seconds (7 pauses of 1 s, more than the 5 retries other
    requests get): the answer is delivered once when it is over, not replaced by "send it again"."""
    user = new_user_id()
    tg.choose_language(user, "ru")
    errors = len(tg.handled.errors)
    before = len(tg.api.calls_of("sendMessage"))
    tg.api.fail_next("sendMessage", times=7, retry_after=1)
    reply = tg.say(user, "/privacy")
    assert len(reply) == 1 and "HMAC" in reply[0].text
    assert [c.status for c in tg.api.calls_of("sendMessage")[before:]] == [429] * 7 + [200]
    assert tg.handled.errors[errors:] == []


def test_429_on_a_button_answer_is_retried(tg: TelegramBot) -> None:
    user = new_user_id()
    tg.choose_language(user, "ru")
    menu = tg.say(user, "/topics")[-1]
    tg.api.fail_next("answerCallbackQuery", times=2, retry_after=1)
    answer, msgs = tg.press(user, menu, "t:ask_equal_pay")
    assert answer is not None
    statuses = [c.status for c in tg.api.calls_of("answerCallbackQuery")][-3:]
    assert statuses == [429, 429, 200]
    assert "статья 22" in visible(msgs).lower()


def test_a_failing_telegram_request_does_not_stop_the_bot(tg: TelegramBot) -> None:
    user = new_user_id()
    tg.choose_language(user, "kk")
    errors = len(tg.handled.errors)
    tg.api.error_next("sendMessage", 400, "Bad Request: message is malformed")
    reply = tg.say(user, "/help")
    # The reply was refused: the error handler logs it and tells the user; the bot goes on.
    assert tg.handled.errors[errors:] == ["TelegramBadRequest"]
    assert visible(reply) == system_message("unavailable", "kk")
    # ... as an answer to the message that failed (the user sees which one to send again)
    asked = [m for m in tg.api.chats[user] if not m.from_bot and m.text == "/help"][-1]
    polite = [c for c in tg.api.calls_of("sendMessage") if c.status == 200 and c.params.get("chat_id") in (user, str(user))][-1]
    assert (polite.params.get("reply_parameters") or {}).get("message_id") == asked.message_id
    assert "/topics" in visible(tg.say(user, "/help"))


def test_send_it_again_comes_before_anything_about_the_next_message(tg: TelegramBot) -> None:
    """A user's next message waits until the error reply to the failed one is sent: without that, the
    reply to the next one could come first (here the error reply is slow, as under a 429)."""
    user = new_user_id()
    tg.choose_language(user, "ru")
    tg.api.error_next("sendMessage", 400, "Bad Request: message is malformed")  # the reply to /help fails
    tg.api.slow_when("sendMessage", lambda p: bool(p.get("reply_parameters")), 1.5)  # ... and "send it again" is slow
    before = len(tg.api.bot_messages(user))
    tg.lt.run(tg.api.send_text(user, "/help"))
    second = tg.lt.run(tg.api.send_text(user, "/privacy"))
    tg.lt.run(tg.handled.wait(second, 30), timeout=35)
    deadline = time.monotonic() + 10
    while len(tg.api.bot_messages(user)) < before + 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    replies = [m.text for m in tg.api.bot_messages(user)[before:]]
    assert len(replies) == 2, replies
    assert replies[0] == system_message("unavailable", "ru")
    assert "HMAC" in replies[1]


def test_a_reply_is_sent_again_after_a_server_error(tg: TelegramBot) -> None:
    user = new_user_id()
    tg.choose_language(user, "ru")
    errors = len(tg.handled.errors)
    before = len(tg.api.calls_of("sendMessage"))
    tg.api.error_next("sendMessage", 500, "Internal Server Error", times=2)
    reply = tg.say(user, "/help")
    assert "/topics" in visible(reply)  # the reply itself, not "temporarily unavailable"
    assert tg.handled.errors[errors:] == []
    statuses = [c.status for c in tg.api.calls_of("sendMessage")[before:]]
    assert statuses[:3] == [500, 500, 200]


def test_polling_survives_telegram_being_unreachable(tg: TelegramBot) -> None:
    user = new_user_id()
    before = len([c for c in tg.api.calls_of("getUpdates") if c.status == 502])
    tg.api.error_next("getUpdates", 502, "Bad Gateway", times=2)
    tg.lt.run(tg.api.wait_until(lambda: len([c for c in tg.api.calls_of("getUpdates") if c.status == 502]) >= before + 2, 120))
    reply = tg.say(user, "/help")  # polling went on after the errors (aiogram's backoff)
    assert "/topics" in visible(reply)
