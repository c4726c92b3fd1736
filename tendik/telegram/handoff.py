"""Handing a Telegram conversation to a person (issue 14), the bot's side of the contract
(:mod:`tendik.handoff`, :class:`tendik.payload.HandoffOrder`):

* a reply of the assistant carrying a handoff order (the user consented; Rasa paused the
  conversation) opens the case with the chat to answer in; the reply is shown without its own
  cancel button, then where the user is: the place in the queue (with the usual waiting time when
  there is one) or, out of the operators' hours, when they are back; with the cancel button;
* while a case is open the user's messages go into its thread (redacted by the store), not to Rasa,
  and are acknowledged; a button or command meant for the bot is not forwarded (a polite word and
  the cancel button instead); ``/handoff_cancel`` (the button or typed) ends the case and resumes the
  bot; with no case open it goes to Rasa as usual (the bot says nothing is shared);
* :class:`DeliveryLoop` (run by the bot process in both modes, like the card schedule) sends the
  operators' replies and the system lines (claimed, closed) to the chats, each exactly once across
  replicas: ``take_for_delivery`` before sending, ``give_back`` when sending failed for a reason
  that passes (no connection, Telegram's 429 after the session's own retries, a server error);
  "closed" resumes the bot first (given back and tried again when Rasa cannot be reached).

The database calls are synchronous (run in threads). Nothing here logs user or operator text.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import deque
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy import Engine, select

from tendik.common.rasa_client import BotMessage
from tendik.common.rasa_client import Button as RasaButton
from tendik.handoff import store
from tendik.handoff.hours import Hours
from tendik.handoff.tables import handoffs
from tendik.payload import AnswerPayload, HandoffOrder
from tendik.telegram.html_text import escape, split_html
from tendik.telegram.keyboards import rasa_rows
from tendik.telegram.texts import t
from tendik.texts import text as catalog_text

if TYPE_CHECKING:
    from tendik.telegram.context import BotContext, Payloads

__all__ = [
    "CANCEL", "CHANNEL", "DeliveryLoop", "cancel_keyboard", "had_case", "is_cancel", "line_html", "open_case", "order_in",
    "paused_reply", "queue_text", "resume_bot", "while_open", "without_cancel",
]

logger = logging.getLogger(__name__)
CHANNEL = "telegram"
CANCEL = "/handoff_cancel"
_CANCEL = re.compile(r"/handoff_cancel(?:@\w+)?(\{.*\})?", re.S)
DELIVERED_KINDS = ("text", "claimed", "closed")  # the operator/system lines the user is shown
# Errors after which a line goes back to the undelivered ones (sent again on a later round).
PASSING = (TelegramNetworkError, TelegramServerError, TelegramRetryAfter, ClientDecodeError)
# A line taken by another replica less than this long ago may still be on its way: that case's next
# lines are left to that replica (which sends them on its next round) so that they stay in order.
IN_FLIGHT = 15.0


async def resume_bot(ctx: BotContext, sender_id: str) -> bool:
    """Resumes the paused conversation (and has the bot listen) through Rasa's HTTP API with
    ``ctx.rasa_token`` (:meth:`tendik.common.rasa_client.RasaClient.resume`); False when Rasa cannot
    be reached or refuses."""
    return await ctx.rasa.resume(sender_id, ctx.rasa_token or None)


def is_cancel(message: str) -> bool:
    return bool(_CANCEL.fullmatch(message.strip()))


def lang_of(*candidates: str | None) -> str:
    return next((c for c in candidates if c in ("kk", "ru")), "ru")


def cancel_keyboard(lang: str, payloads: Payloads) -> InlineKeyboardMarkup:
    """The cancel button (its payload goes the way of every Rasa button: :func:`while_open` ends the
    case; with none open Rasa answers it)."""
    return InlineKeyboardMarkup(inline_keyboard=rasa_rows([RasaButton(catalog_text("handoff.cancel_button", lang), CANCEL)], payloads))


# ---------------------------------------------------------------- the handoff order in a reply
def order_in(replies: list[BotMessage]) -> tuple[HandoffOrder, str | None] | None:
    """The handoff order of a reply (the last message's payload carries it) and its language."""
    for m in reversed(replies):
        if not isinstance(m.answer, Mapping) or m.answer.get("handoff") is None:
            continue
        try:
            payload = AnswerPayload.from_dict(m.answer)
        except (TypeError, ValueError, AttributeError, OverflowError, RecursionError):
            payload = None
        if payload is not None and payload.handoff is not None:
            return payload.handoff, payload.lang
    return None


def without_cancel(replies: list[BotMessage]) -> list[BotMessage]:
    """The reply without its own cancel button: the queue message right after it carries it."""
    for m in replies:
        m.buttons = [b for b in m.buttons if not is_cancel(b.payload)]
        if isinstance(m.answer, Mapping) and isinstance(m.answer.get("buttons"), list):
            kept = [b for b in m.answer["buttons"] if not (isinstance(b, Mapping) and is_cancel(str(b.get("payload") or "")))]
            m.answer = {**m.answer, "buttons": kept}
    return replies


def queue_text(engine: Engine, case: store.Case, hours: Hours, lang: str) -> str:
    """Where the user is: the place in the queue (and the usual wait), or when operators are back."""
    if not hours.is_open():
        return catalog_text("handoff.out_of_hours", lang, when=hours.next_open().strftime("%d.%m %H:%M"))
    position, seconds = store.waiting_estimate(engine, case)
    if seconds is None:
        return catalog_text("handoff.queued_unknown", lang, position=position)
    return catalog_text("handoff.queued", lang, position=position, minutes=max(1, round(seconds / 60)))


def _open(engine: Engine, sender_id: str, chat_id: int, order: HandoffOrder, lang: str, hours: Hours) -> tuple[store.Case, bool, str]:
    case, created = store.open_case(engine, sender_id=sender_id, channel=CHANNEL, chat_id=chat_id, language=lang,
                                    summary=order.summary, contact=order.contact)
    return case, created, queue_text(engine, case, hours, lang_of(case.language, lang))


async def open_case(ctx: BotContext, chat_id: int, sender_id: str, order: HandoffOrder, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """Opens the case (or finds the one open) before anything is sent; returns the queue message
    (HTML) and its cancel keyboard."""
    case, created, said = await asyncio.to_thread(_open, ctx.engine, sender_id, chat_id, order, lang, Hours.from_env())
    logger.info("handoff %s %s from Telegram (%s contact)", case.id[:8], "opened" if created else "already open",
                "with" if order.contact else "no")
    return escape(said), cancel_keyboard(lang_of(case.language, lang), ctx.payloads)


FORWARDED = frozenset(catalog_text("handoff.forwarded", lang) for lang in ("kk", "ru"))


def paused_reply(replies: list[BotMessage]) -> bool:
    """What Rasa answers while the conversation is paused: nothing, or "passed to the operator"."""
    return all(m.text in FORWARDED and not m.buttons and not m.answer for m in replies)


def had_case(engine: Engine, sender_id: str) -> bool:
    """Whether this user ever had a case (an empty reply then may mean the bot is still paused)."""
    with engine.connect() as conn:
        return conn.execute(select(handoffs.c.id).where(handoffs.c.sender_id == sender_id).limit(1)).first() is not None


# ---------------------------------------------------------------- while a case is open
async def while_open(bot: Bot, ctx: BotContext, chat_id: int, sender_id: str, message: str, lang: str | None) -> bool:
    """What the user sent while their case is open: True when it was handled here (the case was
    open: forwarded, not forwarded, or the case cancelled); False: no case, the message goes to Rasa."""
    case = await asyncio.to_thread(store.open_case_for, ctx.engine, sender_id)
    if case is None:
        return False
    said = lang_of(lang, case.language)
    if is_cancel(message):
        await asyncio.to_thread(store.cancel, ctx.engine, sender_id)
        resumed = await resume_bot(ctx, sender_id)
        logger.info("handoff %s cancelled by the user from Telegram (bot resumed: %s)", case.id[:8], resumed)
        await bot.send_message(chat_id, escape(catalog_text("handoff.cancelled", said)))
    elif message.startswith("/"):
        logger.info("a button or command while handoff %s is open; not forwarded", case.id[:8])
        await bot.send_message(chat_id, escape(t("handoff_paused", said)), reply_markup=cancel_keyboard(said, ctx.payloads))
    else:
        await asyncio.to_thread(store.add_user_message, ctx.engine, case, message)
        logger.info("forwarded a message to handoff %s", case.id[:8])
        await bot.send_message(chat_id, escape(catalog_text("handoff.forwarded", said)))
    return True


async def cancel_on_delete(ctx: BotContext, sender_id: str) -> bool:
    """/delete confirmed: an open case is cancelled (the operators see it ended) and the bot resumed
    before everything of the user is erased. True when a case was open."""
    case = await asyncio.to_thread(store.cancel, ctx.engine, sender_id)
    if case is None:
        return False
    resumed = await resume_bot(ctx, sender_id)
    logger.info("handoff %s cancelled by /delete (bot resumed: %s)", case.id[:8], resumed)
    return True


# ---------------------------------------------------------------- the operators' lines to the chats
def line_html(line: store.Line, lang: str) -> list[str]:
    """An operator's or system line as Telegram HTML messages ([] when the user is not shown it)."""
    if line.kind == "text" and line.author == "operator":
        return split_html(escape(catalog_text("handoff.operator_says", lang, text=line.text)))
    if line.kind == "claimed":
        return [escape(catalog_text("handoff.claimed", lang))]
    if line.kind == "closed":
        return [escape(catalog_text("handoff.closed", lang))]
    return []


def _busy_elsewhere(engine: Engine, case_ids: set[str], mine: Collection[int], now: float) -> set[str]:
    """The cases whose last line taken for delivery was taken by another replica less than
    :data:`IN_FLIGHT` seconds ago: that replica may still be sending it, so their next lines wait
    for it (it goes on with them on its next round), which keeps a case's lines in order."""
    busy = set()
    for case_id in case_ids:
        taken = [ln for ln in store.thread(engine, case_id)
                 if ln.author != "user" and ln.kind in DELIVERED_KINDS and ln.delivered_at is not None]
        if taken and taken[-1].id not in mine and now - (taken[-1].delivered_at or 0) < IN_FLIGHT:
            busy.add(case_id)
    return busy


class DeliveryLoop:
    """Every ``every`` seconds, the operators' lines not yet delivered to Telegram users, oldest
    first, each sent once (several bot replicas may run this loop on one database) and a case's
    lines in order (a case another replica is sending to is left to it for a while; a line this
    loop could not take holds that case's later lines until the next round). Started and stopped
    with the bot (:mod:`tendik.telegram.app`)."""

    def __init__(self, bot: Bot, ctx: BotContext, every: float | None = None) -> None:
        self.bot, self.ctx = bot, ctx
        self.every = every if every is not None else ctx.settings.telegram_handoff_every
        self.stop = asyncio.Event()
        self.sent = 0  # lines delivered by this loop
        self.rounds = 0  # passes over the undelivered lines completed
        self._mine: deque[int] = deque(maxlen=1000)  # the lines this loop took lately

    async def run(self) -> None:
        logger.info("handoff delivery: every %.1f s", self.every)
        while not self.stop.is_set():
            pause = self.every
            try:
                pause = max(pause, await self.round())
                self.rounds += 1
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the loop must survive a bad moment (DB busy ...)
                logger.exception("handoff delivery: a round failed; trying again later")
            try:
                await asyncio.wait_for(self.stop.wait(), pause)
            except TimeoutError:
                pass

    async def round(self) -> float:
        """One pass over the undelivered lines; returns how long to wait before the next pass at
        least (Telegram's retry_after when it asked for a pause, else 0)."""
        lines = await asyncio.to_thread(store.undelivered, self.ctx.engine, CHANNEL)
        if not lines:
            return 0.0
        # Cases another replica is sending to, and (below) cases with a line given back or taken by
        # another replica meanwhile: their later lines wait (a case's lines stay in order).
        held = await asyncio.to_thread(_busy_elsewhere, self.ctx.engine, {case.id for case, _ in lines}, set(self._mine), time.time())
        for case, line in lines:
            if case.id in held or line.kind not in DELIVERED_KINDS:
                continue
            if not await asyncio.to_thread(store.take_for_delivery, self.ctx.engine, line.id):
                held.add(case.id)  # another replica took it: it goes on with this case
                continue
            self._mine.append(line.id)
            try:
                outcome = await self._deliver(case, line)
            except TelegramRetryAfter as exc:
                await asyncio.to_thread(store.give_back, self.ctx.engine, line.id)
                logger.warning("handoff delivery: Telegram asks to wait %s s; line given back", exc.retry_after)
                return float(exc.retry_after)
            except PASSING as exc:
                await asyncio.to_thread(store.give_back, self.ctx.engine, line.id)
                logger.warning("handoff delivery: sending failed (%s); line given back", type(exc).__name__)
                held.add(case.id)
                continue
            if outcome == "later":
                await asyncio.to_thread(store.give_back, self.ctx.engine, line.id)
                held.add(case.id)
            elif outcome == "sent":
                self.sent += 1
        return 0.0

    async def _deliver(self, case: store.Case, line: store.Line) -> str:
        """"sent", "later" (give it back) or "dropped" (it can never be delivered)."""
        if case.chat_id is None:
            logger.warning("handoff %s: a Telegram case without a chat; line %d dropped", case.id[:8], line.id)
            return "dropped"
        if line.kind == "closed" and not await resume_bot(self.ctx, case.sender_id):
            logger.warning("handoff %s closed but the bot could not be resumed yet; trying again later", case.id[:8])
            return "later"
        lang = lang_of(case.language)
        markup = cancel_keyboard(lang, self.ctx.payloads) if line.kind == "claimed" else None
        chunks = line_html(line, lang)
        try:
            for n, chunk in enumerate(chunks):
                await self.bot.send_message(case.chat_id, chunk, reply_markup=markup if n == len(chunks) - 1 else None)
        except TelegramForbiddenError:
            logger.info("handoff %s: the user blocked the bot; line %d not delivered", case.id[:8], line.id)
            await self.ctx.store.set_blocked(case.sender_id, True)
            return "dropped"
        except PASSING:
            raise
        except TelegramAPIError as exc:  # a refusal that will not pass (chat not found ...)
            logger.warning("handoff %s: Telegram refused line %d (%s); dropped", case.id[:8], line.id, type(exc).__name__)
            return "dropped"
        logger.info("handoff %s: %s line %d delivered", case.id[:8], line.kind, line.id)
        return "sent"
