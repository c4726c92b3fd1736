"""The card schedule inside the bot process: every ``TENDIK_TELEGRAM_CARD_EVERY`` (default 7 days)
after the last broadcast, a broadcast goes to all subscribers; an unfinished one (the bot or the
operator's CLI stopped in the middle) is resumed first. The anchor of the schedule is kept in the
database, so restarts neither skip nor advance it."""

from __future__ import annotations

import asyncio
import logging
import time

from aiogram import Bot

from tendik.telegram.broadcast import BroadcastBusy, BroadcastRunner
from tendik.telegram.context import BotContext

logger = logging.getLogger(__name__)
ANCHOR_KEY = "card_schedule_anchor"
MAX_SLEEP = 60.0


class CardScheduler:
    def __init__(self, bot: Bot, ctx: BotContext) -> None:
        self.bot, self.ctx = bot, ctx
        self.every = ctx.settings.telegram_card_every
        self.stop = asyncio.Event()
        self.broadcasts_run = 0

    def _runner(self) -> BroadcastRunner:
        s = self.ctx.settings

        def progress(state: str, sent: int, _total: int) -> None:
            if sent and sent % 500 == 0 and state == "sent":
                logger.info("scheduled broadcast: %d cards sent so far", sent)

        return BroadcastRunner(
            self.bot, self.ctx.store, self.ctx.deck, rate=s.telegram_broadcast_rate, chat_interval=s.telegram_chat_interval,
            workers=s.telegram_broadcast_workers, on_progress=progress,
        )

    async def run(self) -> None:
        if self.every <= 0:
            logger.info("card schedule off (TENDIK_TELEGRAM_CARD_EVERY=0)")
            return
        anchor = float(await self.ctx.store.set_meta_if_absent(ANCHOR_KEY, repr(time.time())))
        logger.info("card schedule: every %.0f s", self.every)
        while not self.stop.is_set():
            try:
                await self._tick(anchor)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the schedule must survive a bad moment (DB busy ...)
                logger.exception("card schedule: a round failed; trying again in a minute")
                await self._sleep(MAX_SLEEP)

    async def _tick(self, anchor: float) -> None:
        store = self.ctx.store
        unfinished = await store.unfinished_broadcast()
        if unfinished:
            await self._send(unfinished["id"])
            return
        last = await store.last_broadcast_at() or anchor
        due = last + self.every
        now = time.time()
        if now < due:
            await self._sleep(min(due - now, MAX_SLEEP))
            return
        broadcast_id, _ = await store.create_broadcast("schedule")
        logger.info("card schedule: broadcast %s started", broadcast_id)
        await self._send(broadcast_id)

    async def _send(self, broadcast_id: str) -> None:
        try:
            report = await self._runner().run(broadcast_id, self.stop)
        except BroadcastBusy:
            logger.info("broadcast %s is being sent by another process; checking again later", broadcast_id)
            await self._sleep(MAX_SLEEP / 2)
            return
        if report.finished:
            self.broadcasts_run += 1
        else:
            await self._sleep(5.0)

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self.stop.wait(), seconds)
        except TimeoutError:
            pass
