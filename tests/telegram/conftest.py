"""The Telegram bot, for real, against the local Bot API server and the real assistant.

``tg`` (session): a LocalBotAPI server and the bot's Dispatcher long-polling it, in an event loop
in a background thread, connected to the ``assistant`` fixture's Rasa and to its SQLite database.
Tests talk like Telegram users (``tg.say``, ``tg.press``, ``tg.send_content`` ...) and look at what
the bot sent (the server's chat logs) and what it stored (the database).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiogram import BaseMiddleware

from tendik.telegram.app import create_bot, create_dispatcher, start_polling
from tendik.telegram.config import TelegramSettings
from tendik.telegram.context import BotContext, create_context
from tests.fakes.telegram_api import ChatMessage, LocalBotAPI, LoopThread

ROOT = Path(__file__).resolve().parents[2]

REPLY_TIMEOUT = 180.0
ID_SECRET = "test-id-secret-for-the-telegram-suite"
_user_ids = itertools.count(7_300_000_001)


def new_user_id() -> int:
    """A fresh, distinctive Telegram user id (10 digits: easy to look for in logs)."""
    return next(_user_ids)


class Handled(BaseMiddleware):
    """Outermost update middleware of the test bot: signals when each update is fully handled."""

    def __init__(self) -> None:
        self.done: set[int] = set()
        self.errors: list[str] = []
        self.cond: asyncio.Condition | None = None

    async def __call__(self, handler, event, data):  # noqa: ANN001, ANN204
        if self.cond is None:
            self.cond = asyncio.Condition()
        try:
            return await handler(event, data)
        except Exception as exc:  # recorded for the test, then re-raised as in production
            self.errors.append(type(exc).__name__)
            raise
        finally:
            async with self.cond:
                self.done.add(event.update_id)
                self.cond.notify_all()

    async def wait(self, update_id: int, timeout: float) -> None:
        loop_deadline = asyncio.get_running_loop().time() + timeout
        while self.cond is None:
            await asyncio.sleep(0.01)
            if asyncio.get_running_loop().time() > loop_deadline:
                raise TimeoutError(f"update {update_id} not handled")
        async with self.cond:
            await asyncio.wait_for(self.cond.wait_for(lambda: update_id in self.done), max(0.1, loop_deadline - asyncio.get_running_loop().time()))


@dataclass
class TelegramBot:
    """A running bot and its local Bot API server (see module docstring)."""

    lt: LoopThread
    api: LocalBotAPI
    settings: TelegramSettings
    ctx: BotContext
    handled: Handled
    db_path: Path
    polling: Any = None
    bot: Any = None
    dp: Any = None
    extra: dict = field(default_factory=dict)

    # ---------------------------------------------------------------- acting as a user
    def _after(self, user_id: int, update_id_coro, timeout: float = REPLY_TIMEOUT) -> list[ChatMessage]:
        before = len(self.api.bot_messages(user_id))
        update_id = self.lt.run(update_id_coro)
        self.lt.run(self.handled.wait(update_id, timeout), timeout=timeout + 5)
        return self.api.bot_messages(user_id)[before:]

    def say(self, user_id: int, text: str, language_code: str | None = "ru") -> list[ChatMessage]:
        """Send a text message; returns the bot's messages sent while handling it."""
        return self._after(user_id, self.api.send_text(user_id, text, language_code))

    def send_content(self, user_id: int, kind: str, language_code: str | None = "ru") -> list[ChatMessage]:
        return self._after(user_id, self.api.send_content(user_id, kind, language_code))

    def edit(self, user_id: int, message_id: int, text: str, language_code: str | None = "ru") -> list[ChatMessage]:
        return self._after(user_id, self.api.edit_text(user_id, message_id, text, language_code))

    def press(self, user_id: int, message: ChatMessage, data: str, language_code: str | None = "ru") -> tuple[dict, list[ChatMessage]]:
        """Press an inline button; returns (the callback answer, the bot's new messages)."""
        before = len(self.api.bot_messages(user_id))
        query_id = self.lt.run(self.api.press(user_id, message, data, language_code))
        self.lt.run(self.handled.wait(self.api.callback_updates[query_id], REPLY_TIMEOUT), timeout=REPLY_TIMEOUT + 5)
        answer = self.api.callbacks[query_id]
        assert answer is not None, f"callback {data!r} was not answered (the button would keep spinning)"
        return answer, self.api.bot_messages(user_id)[before:]

    def choose_language(self, user_id: int, lang: str, language_code: str | None = "ru") -> list[ChatMessage]:
        prompt = self.say(user_id, "/start", language_code)[-1]
        _, msgs = self.press(user_id, prompt, f"l:{lang}:start", language_code)
        return msgs

    # ---------------------------------------------------------------- looking at the database
    def query(self, sql: str, *params: Any) -> list[tuple]:
        with sqlite3.connect(self.db_path, timeout=30) as conn:
            return conn.execute(sql, params).fetchall()

    def sender_id(self, user_id: int) -> str:
        return self.ctx.ids.sender_id(user_id)

    def stop(self) -> None:
        if self.dp is not None:
            try:
                self.lt.run(self.dp.stop_polling(), timeout=60)
            except RuntimeError:
                pass
        if self.polling is not None:
            try:
                self.polling.result(60)
            except Exception:  # noqa: BLE001
                pass
        self.lt.run(self.api.stop(), timeout=30)


def make_settings(api: LocalBotAPI, rasa_url: str, db_url: str, data_dir: Path, **overrides: Any) -> TelegramSettings:
    values: dict[str, Any] = dict(
        telegram_token=api.token,
        telegram_api_url=api.url,
        rasa_url=rasa_url,
        db_url=db_url,
        data_dir=data_dir,
        telegram_id_secret=ID_SECRET,
        telegram_polling_timeout=5,
        telegram_card_every=0,
        rasa_timeout=90.0,
    )
    values.update(overrides)
    return TelegramSettings(**values)


def start_bot(lt: LoopThread, rasa_url: str, db_url: str, data_dir: Path, **overrides: Any) -> TelegramBot:
    """A LocalBotAPI server and the bot long-polling it (the same code as ``python -m tendik.telegram``)."""
    api = LocalBotAPI()
    lt.run(api.start())
    settings = make_settings(api, rasa_url, db_url, data_dir, **overrides)
    handled = Handled()

    async def build() -> tuple[Any, Any, BotContext]:
        ctx = create_context(settings)
        return create_bot(settings), create_dispatcher(ctx, observers=[handled]), ctx

    bot, dp, ctx = lt.run(build())
    harness = TelegramBot(lt, api, settings, ctx, handled, Path(db_url.removeprefix("sqlite:///")), bot=bot, dp=dp)
    harness.polling = lt.submit(start_polling(bot, dp, settings, handle_signals=False))
    # Ready when the bot long-polls (it set its commands first).
    lt.run(api.wait_until(lambda: api.getupdates_active > 0 or api.calls_of("getUpdates"), 60))
    return harness


@pytest.fixture(scope="session")
def loop_thread() -> Iterator[LoopThread]:
    lt = LoopThread()
    yield lt
    lt.close()


@pytest.fixture(scope="session")
def tg(assistant, loop_thread: LoopThread, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TelegramBot]:  # noqa: ANN001
    logging.getLogger("aiogram").setLevel(logging.INFO)
    harness = start_bot(loop_thread, assistant.rasa_url, assistant.db_url, tmp_path_factory.mktemp("tg-data"))
    yield harness
    harness.stop()


def visible(messages: list[ChatMessage]) -> str:
    return "\n".join(m.text for m in messages)
