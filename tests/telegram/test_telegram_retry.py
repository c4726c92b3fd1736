"""The bot's HTTP session against a Bot API having a bad minute (tendik/telegram/middlewares.py):
a reply is sent again after a server error; a broadcast card never is (it is sent at most once)."""

from __future__ import annotations

import asyncio

import pytest
from aiogram.exceptions import TelegramServerError

from tendik.telegram.bot import create_bot
from tendik.telegram.config import TelegramSettings
from tendik.telegram.middlewares import NO_SERVER_RETRY
from tests.fakes.telegram_api import LocalBotAPI

pytestmark = pytest.mark.unit  # the local Bot API runs in this process


async def _statuses(at_most_once: bool) -> tuple[list[int], str]:
    api = LocalBotAPI()
    await api.start()
    settings = TelegramSettings(telegram_token=api.token, telegram_api_url=api.url)  # type: ignore[call-arg]
    bot = create_bot(settings)
    outcome = "sent"
    try:
        await api.send_text(4242, "/start")  # the user has written to the bot: the chat exists
        api.error_next("sendMessage", 500, "Internal Server Error", times=2)
        token = NO_SERVER_RETRY.set(at_most_once)
        try:
            await bot.send_message(4242, "card")
        except TelegramServerError:
            outcome = "server error"
        finally:
            NO_SERVER_RETRY.reset(token)
        return [c.status for c in api.calls_of("sendMessage")], outcome
    finally:
        await bot.session.close()
        await api.stop()


def test_a_reply_is_sent_again_after_server_errors() -> None:
    statuses, outcome = asyncio.run(_statuses(at_most_once=False))
    assert (statuses, outcome) == ([500, 500, 200], "sent")


def test_a_broadcast_card_is_not_sent_again_by_the_session() -> None:
    statuses, outcome = asyncio.run(_statuses(at_most_once=True))
    assert (statuses, outcome) == ([500], "server error")
