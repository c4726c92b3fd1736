"""A user's updates are handled one at a time in arrival order, even when the flood check (Redis,
whose answers to two concurrent requests may come back in either order) answers the later update
first: the CI failure of stop 26 (tests/test_stack_faults.py, one turn out of order)."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
from aiogram.types import Chat, Message, TelegramObject, Update, User

from tendik.common.rasa_client import RECEIVED_AT
from tendik.common.ratelimit import MemoryBackend
from tendik.telegram.config import TelegramSettings
from tendik.telegram.context import create_context
from tendik.telegram.middlewares import ArrivalOrder, FloodLimiter, UserMiddleware

USER = User(id=7_420_000_777, is_bot=False, first_name="A", language_code="ru")


class ReversedBackend(MemoryBackend):
    """Answers the flood check of each update later than that of the update after it (the first
    caller waits longest), as two Redis connections may."""

    def __init__(self, updates: int) -> None:
        super().__init__()
        self.calls = 0
        self.updates = updates

    async def take(self, bucket: tuple[str, str], limit: int, rate: float, cost: float) -> float:
        self.calls += 1
        await asyncio.sleep(0.05 * (self.updates - self.calls + 1))
        return await super().take(bucket, limit, rate, cost)


def update(n: int, text: str) -> Update:
    chat = Chat(id=USER.id, type="private")
    return Update(update_id=n, message=Message(message_id=n, date=dt.datetime.now(dt.UTC), chat=chat, from_user=USER, text=text))


def middleware(tmp_path: Path, backend: MemoryBackend, rate: int = 30) -> UserMiddleware:
    settings = TelegramSettings(telegram_token="1:x", rasa_url="http://127.0.0.1:9", db_url=f"sqlite:///{tmp_path / 'bot.db'}",
                                data_dir=tmp_path, telegram_id_secret="s" * 32, telegram_user_rate=rate)
    mw = UserMiddleware(create_context(settings))
    mw.flood = FloodLimiter(rate, settings.telegram_user_window, backend)
    return mw


def test_updates_are_handled_in_arrival_order_when_the_flood_check_answers_out_of_order(tmp_path: Path) -> None:
    handled: list[str] = []
    running = 0

    async def handler(event: TelegramObject, data: dict[str, Any]) -> None:
        nonlocal running
        running += 1
        assert running == 1, "two updates of one user at once"
        assert isinstance(event, Update) and event.message is not None
        await asyncio.sleep(0.01)
        handled.append(event.message.text or "")
        running -= 1

    async def main() -> None:
        mw = middleware(tmp_path, ReversedBackend(5))
        texts = [f"message {n}" for n in range(5)]
        await asyncio.gather(*(mw(handler, update(n, t), {"event_from_user": USER}) for n, t in enumerate(texts)))
        assert handled == texts
        assert len(mw._order) == 0  # nothing kept once every update has left
        assert await mw.wait_idle(1)

    asyncio.run(main())


def test_a_dropped_or_failing_update_does_not_let_the_next_one_overtake(tmp_path: Path) -> None:
    """The second update is dropped by the flood limit at once; the third must still wait for the
    first; a failing handler lets the next one go."""
    handled: list[str] = []

    async def handler(event: TelegramObject, data: dict[str, Any]) -> None:
        assert isinstance(event, Update) and event.message is not None
        text = event.message.text or ""
        await asyncio.sleep(0.2 if text == "first" else 0)
        handled.append(text)
        if text == "fails":
            raise RuntimeError("handler failed")

    async def main() -> None:
        mw = middleware(tmp_path, MemoryBackend(), rate=1)
        first = asyncio.ensure_future(mw(handler, update(1, "first"), {"event_from_user": USER}))
        await asyncio.sleep(0)
        # rate 1: the second is over the limit; the later ones get a fresh limiter
        dropped = asyncio.ensure_future(mw(handler, update(2, "dropped"), {"event_from_user": USER}))
        await asyncio.sleep(0.05)
        assert dropped.done() and handled == []  # dropped without waiting for the first
        mw.flood = FloodLimiter(30, 60, MemoryBackend())
        third = asyncio.ensure_future(mw(handler, update(3, "fails"), {"event_from_user": USER}))
        fourth = asyncio.ensure_future(mw(handler, update(4, "fourth"), {"event_from_user": USER}))
        await first
        with pytest.raises(RuntimeError):
            await third
        await fourth
        assert handled == ["first", "fails", "fourth"]
        assert len(mw._order) == 0

    asyncio.run(main())


def test_rasa_is_told_when_the_update_arrived_not_when_its_turn_came(tmp_path: Path) -> None:
    """The moment of receipt (sent to Rasa, whose wait for a place counts from it) is taken when the
    update arrives: the second update, which waited 0.3 s behind the first, carries its arrival."""
    seen: dict[str, tuple[float | None, float]] = {}

    async def handler(event: TelegramObject, data: dict[str, Any]) -> None:
        assert isinstance(event, Update) and event.message is not None
        seen[event.message.text or ""] = (RECEIVED_AT.get(), time.time())
        await asyncio.sleep(0.3 if event.message.text == "first" else 0)

    async def main() -> None:
        mw = middleware(tmp_path, MemoryBackend())
        arrived = time.time()
        await asyncio.gather(*(asyncio.ensure_future(mw(handler, update(n, t), {"event_from_user": USER}))
                               for n, t in enumerate(["first", "second"])))
        received, started = seen["second"]
        assert received is not None and arrived <= received <= seen["first"][1]
        assert started - received >= 0.25  # its turn came after the first one's 0.3 s

    asyncio.run(main())


def test_a_cancelled_update_keeps_the_line() -> None:
    async def main() -> None:
        order = ArrivalOrder()
        a, b, c = order.enter("u"), order.enter("u"), order.enter("u")
        waiting_b = asyncio.ensure_future(b.wait())
        waiting_c = asyncio.ensure_future(c.wait())
        await asyncio.sleep(0)
        waiting_b.cancel()  # b's task is cancelled while it waits for a
        await asyncio.sleep(0)
        b.leave()
        assert not waiting_c.done()  # c still waits: a has not left
        a.leave()
        await asyncio.wait_for(waiting_c, 1)
        c.leave()
        assert len(order) == 0

    asyncio.run(main())
