"""Sending one subscriber's card: shared by the single-process broadcast (``tendik.telegram.broadcast``)
and the queue's workers (``tendik.telegram.broadcast_queue``)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from tendik.telegram.cards import CardDeck
from tendik.telegram.keyboards import card_keyboard
from tendik.telegram.middlewares import NO_SERVER_RETRY
from tendik.telegram.storage import Delivery, Store

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


class Pacer(Protocol):
    """What :func:`deliver` waits on before each message: the process's :class:`Limiter`, or the
    limiter shared by the queue's workers through Redis (``tendik.telegram.broadcast_queue``)."""

    async def wait(self, chat_id: int) -> None: ...


async def deliver(
    bot: Bot, store: Store, deck: CardDeck, pacer: Pacer, broadcast_id: str, topic: str | None, d: Delivery,
    on_retry_after: Callable[[float], Awaitable[None]] | None = None,
) -> str | None:
    """Send one delivery's card: wait for the rate limits, claim the row (pending -> sending, atomic:
    None when it is no longer pending), send, record the outcome. Returns the new state ("pending"
    again for a 429, a network error or a 5xx, until MAX_ATTEMPTS)."""
    card_id = deck.next_card(d.last_card, d.seen_cards, preferred=topic)
    card = deck.card(card_id, d.language)
    await pacer.wait(d.chat_id)
    if not await store.mark_sending(broadcast_id, d.sender_id, card_id):
        return None
    state, error = "sent", None
    at_most_once = NO_SERVER_RETRY.set(True)  # the bot's session retries no 5xx or timeout of a card
    try:
        await bot.send_message(d.chat_id, card.html, reply_markup=card_keyboard(card.intent, card.lang))
    except TelegramForbiddenError:
        state, error = "blocked", "forbidden"
    except TelegramBadRequest as exc:
        low = str(exc).lower()
        if "chat not found" in low or "user is deactivated" in low:
            state, error = "blocked", "chat_not_found"
        else:
            state, error = "failed", "bad_request"
    except TelegramRetryAfter as exc:
        state, error = ("pending", "retry_after") if d.attempts + 1 < MAX_ATTEMPTS else ("failed", "retry_after")
        if on_retry_after is not None:
            await on_retry_after(float(exc.retry_after))
    except TelegramNetworkError as exc:
        if "timeout" in str(exc).lower():  # the request may have reached Telegram: never resend
            state, error = "uncertain", "timeout"
        else:
            state, error = ("pending", "network") if d.attempts + 1 < MAX_ATTEMPTS else ("failed", "network")
    except TelegramServerError:
        state, error = ("pending", "server") if d.attempts + 1 < MAX_ATTEMPTS else ("failed", "server")
    except TelegramAPIError:
        state, error = "failed", "api_error"
    finally:
        NO_SERVER_RETRY.reset(at_most_once)
    await store.mark_done(broadcast_id, d.sender_id, state, error, all_cards=deck.ids)
    if state == "blocked":
        logger.info("a subscriber has blocked the bot: marked, skipped from now on")
    return state
