"""Middlewares: who the user is (hashed sender id, language), one update at a time per user (so a
user's messages are answered in order), a per-user flood limit (a request to delete one's data is
never dropped by it, and a dropped button press does not use up the "too many messages" notice);
and, on the bot's HTTP session, Telegram's 429 "retry after" handled for every request with one
shared pause, and a Bot API answering 5xx, an HTML error page or not at all retried with a growing
pause (the caller sends a chat's messages one after another, so their order is kept)."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramEntityTooLarge,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import CallbackQuery, Message, TelegramObject, Update, User

from tendik.common.rasa_client import mark_received
from tendik.common.ratelimit import Backend, MemoryBackend, RateLimiter, backend_for
from tendik.telegram.keyboards import DELETE_NO, DELETE_YES
from tendik.telegram.texts import language_from_code, t

if TYPE_CHECKING:
    from tendik.telegram.context import BotContext

logger = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
# Requests that carry a reply to a user, retried on a server or network error: a lost reply is
# worse than the rare duplicate (a request Telegram carried out although its answer was lost);
# an edit repeats harmlessly.
SERVER_RETRY_METHODS = frozenset({"SendMessage", "EditMessageText", "EditMessageReplyMarkup"})
# Set while a broadcast sends a card (tendik.telegram.broadcast_delivery): a card is sent at most
# once, so a server or network error goes back to the broadcast, which retries only what cannot
# have reached Telegram and marks a timed-out request "uncertain" instead of sending it again.
NO_SERVER_RETRY: contextvars.ContextVar[bool] = contextvars.ContextVar("tendik_no_server_retry", default=False)
REPLY_RETRY_AFTER_BUDGET = 60.0  # seconds of Telegram's 429 pauses a reply waits out before it is given up
KNOWN_LANGS = 10_000  # users whose chosen language is remembered in memory (for errors only)
# The key under which a failed update's place in line goes to the error handler (aiogram passes
# the middlewares' data to it): the user's next update waits until "send it again" is sent, so that
# reply comes before anything about the next message. ERROR_REPLY_GRACE: the place is given up
# after that many seconds even if no error handler took it.
FAILED_TURN = "failed_turn"
ERROR_REPLY_GRACE = 60.0


class FloodGate:
    """One pause for all requests of a bot after Telegram answered 429 (its limits are per bot)."""

    def __init__(self) -> None:
        self.until = 0.0
        self.hits = 0

    def close_for(self, seconds: float) -> None:
        self.hits += 1
        self.until = max(self.until, time.monotonic() + seconds)

    async def wait(self) -> None:
        while (delay := self.until - time.monotonic()) > 0:
            await asyncio.sleep(delay)


class RetryAfterMiddleware(BaseRequestMiddleware):
    """Retries, so that a reply is not lost while Telegram has a bad minute.

    - On 429, wait ``retry_after`` (all requests of this bot wait) and try again: ``max_retries``
      times; the requests that carry a reply (``server_retry_methods``: a message, an edit) as long
      as the pauses add up to at most ``reply_budget`` seconds (the answer is already in the
      conversation and Telegram said when to send it: it is not dropped for "send it again").
    - For the requests that carry a reply, on a server error (5xx), an answer that is not the Bot
      API's JSON (a proxy's HTML page) or a network error, wait 0.5, 1, 2, 4 ... s (at most
      ``max_pause``) and try again, ``max_server_retries`` times. Others fail at once: start-up
      (getMe, setWebhook) and polling retry on their own, a failed upload is explained to the user."""

    def __init__(self, gate: FloodGate | None = None, max_retries: int = 5, max_server_retries: int = 7,
                 first_pause: float = 0.5, max_pause: float = 10.0,
                 server_retry_methods: frozenset[str] = SERVER_RETRY_METHODS, reply_budget: float = REPLY_RETRY_AFTER_BUDGET) -> None:
        self.gate = gate or FloodGate()
        self.max_retries = max_retries
        self.reply_budget = reply_budget
        self.max_server_retries = max_server_retries
        self.first_pause, self.max_pause = first_pause, max_pause
        self.server_retry_methods = server_retry_methods

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        attempt = failures = 0
        paused = 0.0
        reply = type(method).__name__ in self.server_retry_methods and not NO_SERVER_RETRY.get()
        while True:
            await self.gate.wait()
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                attempt += 1
                paused += float(exc.retry_after)
                logger.warning(
                    "Telegram flood control on %s: retry after %s s (attempt %d, %.0f s paused)",
                    type(method).__name__, exc.retry_after, attempt, paused,
                )
                given_up = paused > self.reply_budget if reply else attempt > self.max_retries
                if given_up:
                    raise
                self.gate.close_for(float(exc.retry_after))
            except TelegramEntityTooLarge:
                raise
            except (TelegramServerError, TelegramNetworkError, ClientDecodeError) as exc:
                failures += 1
                if not reply:
                    raise
                if failures > self.max_server_retries:
                    logger.error("Bot API still failing on %s after %d retries: %s", type(method).__name__,
                                 self.max_server_retries, type(exc).__name__)
                    raise
                pause = min(self.max_pause, self.first_pause * 2 ** (failures - 1))
                logger.warning("Bot API failed on %s (%s): retry %d/%d in %.1f s", type(method).__name__,
                               type(exc).__name__, failures, self.max_server_retries, pause)
                await asyncio.sleep(pause)


class FloodLimiter:
    """At most ``rate`` messages/button presses per ``window`` seconds per user (a token bucket of
    the project's one limiter, :mod:`tendik.common.ratelimit`: a burst of ``rate``, then one more
    every ``window / rate`` seconds), and the "too many messages" notice at most once per window.
    With ``TENDIK_REDIS_URL`` set, every replica of the bot shares both."""

    def __init__(self, rate: int, window: float, backend: Backend | None = None) -> None:
        self.backend = backend if backend is not None else MemoryBackend()
        self.updates = RateLimiter("telegram-flood", rate, window, self.backend)
        self.notices = RateLimiter("telegram-flood-notice", 1, window, self.backend)

    async def allow(self, key: str, notice: bool = True) -> tuple[bool, bool, float]:
        """(allowed, warn the user now, seconds until the next slot). The once-per-window notice
        is used up only by an event that gets it (``notice``: a message, not a button press,
        which is answered with a short toast instead)."""
        wait = await self.updates.hit(key)
        if not wait:
            return True, False, 0.0
        warn = notice and not await self.notices.hit(key)
        return False, warn, wait

    async def forget(self, key: str) -> None:
        await self.updates.forget(key)
        await self.notices.forget(key)

    async def close(self) -> None:
        await self.backend.close()


class PlaceInLine:
    """One update's place in its user's line: :meth:`wait` returns when every update that
    arrived before it has left; :meth:`leave` (always called, also for a dropped or failed
    update) lets the next one go once those before it have gone."""

    def __init__(self, order: ArrivalOrder, key: str, before: asyncio.Future[None] | None) -> None:
        self._order, self._key, self._before = order, key, before
        self._leaving = False
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def wait(self) -> None:
        if self._before is not None and not self._before.done():
            await asyncio.shield(self._before)

    def leave(self) -> None:
        """Once per update (later calls do nothing)."""
        if self._leaving:
            return
        self._leaving = True
        if self._before is None or self._before.done():
            self._finish()
        else:  # dropped, or cancelled while waiting: the next one still waits for those before
            self._before.add_done_callback(lambda _: self._finish())

    def _finish(self) -> None:
        if not self.done.done():
            self.done.set_result(None)
        self._before = None
        self._order._left(self._key, self)


class ArrivalOrder:
    """Per key, one at a time in the order of :meth:`enter` calls (which do not await). Keeps
    only the last update of each user with one in flight."""

    def __init__(self) -> None:
        self._last: dict[str, PlaceInLine] = {}

    def __len__(self) -> int:
        return len(self._last)

    def enter(self, key: str) -> PlaceInLine:
        last = self._last.get(key)
        turn = PlaceInLine(self, key, last.done if last is not None else None)
        self._last[key] = turn
        return turn

    def _left(self, key: str, turn: PlaceInLine) -> None:
        if self._last.get(key) is turn:
            del self._last[key]


class UserMiddleware(BaseMiddleware):
    """Outer middleware on updates. Adds ``sender_id`` (hashed), ``lang`` (chosen, else the
    client's language, else None = both), ``chosen_lang`` and ``user_state``; runs one update at a
    time per user, in arrival order; drops floods (telling the user once per window)."""

    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx
        settings = ctx.settings
        self.flood = FloodLimiter(settings.telegram_user_rate, settings.telegram_user_window, backend_for(settings.redis_url))
        self._order = ArrivalOrder()
        self._known_lang: dict[str, str] = {}  # sender -> language chosen (recent users)
        self.in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None or user.is_bot:
            return await handler(event, data)
        sender_id = self.ctx.ids.sender_id(user.id)
        data["sender_id"] = sender_id
        inner = _inner_event(event)
        # The user's place in line is taken before any await (the flood check below awaits Redis,
        # whose answers to two updates can come back in either order), so updates keep their
        # arrival order.
        turn = self._order.enter(sender_id)
        mark_received()  # Rasa counts this update's wait for a place from now (tendik.rasa.admission)
        self.in_flight += 1
        self._idle.clear()
        try:
            if isinstance(inner, Message | CallbackQuery) and not is_deletion(inner):
                allowed, warn, wait = await self.flood.allow(sender_id, notice=isinstance(inner, Message))
                if not allowed:
                    logger.info("flood limit: dropped an update of %s%s", sender_id, " (told)" if warn else "")
                    turn.leave()  # the user's next update need not wait for this notice to be sent
                    await self._tell_flood(inner, warn, wait, language_from_code(user.language_code))
                    return None
            await turn.wait()
            # The language before the database is read: if it is away, the error handler says
            # "temporarily unavailable" in it (the one chosen last time, else the client's).
            data["lang"] = self._known_lang.get(sender_id) or language_from_code(user.language_code)
            state = await self.ctx.store.get_user(sender_id)
            chosen = state.language if state else None
            self._remember_lang(sender_id, chosen)
            data["user_state"] = state
            data["chosen_lang"] = chosen
            data["lang"] = chosen or language_from_code(user.language_code)
            if state and state.pending_comment and not _may_be_comment(inner):
                await self.ctx.store.set_pending_comment(sender_id, None)
                state.pending_comment = None
            return await handler(event, data)
        except Exception:
            # the error handler (outside this middleware) tells the user, then lets the next go
            data[FAILED_TURN] = turn
            asyncio.get_running_loop().call_later(ERROR_REPLY_GRACE, turn.leave)
            raise
        finally:
            if data.get(FAILED_TURN) is not turn:
                turn.leave()
            self.in_flight -= 1
            if not self.in_flight:
                self._idle.set()

    def _remember_lang(self, sender_id: str, lang: str | None) -> None:
        if not lang:
            self._known_lang.pop(sender_id, None)
            return
        if len(self._known_lang) >= KNOWN_LANGS and sender_id not in self._known_lang:
            self._known_lang.pop(next(iter(self._known_lang)))  # the oldest
        self._known_lang[sender_id] = lang

    async def _tell_flood(self, event: Message | CallbackQuery, warn: bool, wait: float, hint: str | None) -> None:
        try:
            if isinstance(event, CallbackQuery):
                await event.answer(t("flood_short", hint))
            elif warn and event.chat.type == "private":
                await event.answer(t("flood", hint, seconds=max(1, round(wait))))
        except Exception as exc:  # noqa: BLE001 - a failed notice must not break anything
            logger.warning("could not send the flood notice: %s", type(exc).__name__)

    async def wait_idle(self, timeout: float) -> bool:
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
            return True
        except TimeoutError:
            return False


def is_deletion(event: TelegramObject | None) -> bool:
    """A request to delete one's data (``/delete`` or its confirmation buttons): never dropped by
    the flood limit, whatever came before it (it does not reach Rasa and is cheap)."""
    if isinstance(event, Message):
        command = (event.text or "").split(maxsplit=1)[0].split("@", 1)[0] if event.text else ""
        return command.lower() == "/delete"
    if isinstance(event, CallbackQuery):
        return event.data in (DELETE_YES, DELETE_NO)
    return False


def _inner_event(event: TelegramObject) -> TelegramObject | None:
    if isinstance(event, Update):
        return event.event
    return event


def _may_be_comment(event: TelegramObject | None) -> bool:
    """Events that keep an awaited "not helpful" comment open: the comment itself (a text message
    that is not a command) and presses of the vote/skip buttons."""
    if isinstance(event, Message):
        return bool(event.text) and not event.text.startswith("/") and event.chat.type == "private"
    if isinstance(event, CallbackQuery):
        return event.data is not None and event.data.startswith(("v:", "vr:", "c:"))
    return False
