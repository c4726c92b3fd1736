"""A draft under an answer (``AnswerPayload.draft``, issue 12) sent as documents: DOCX, then PDF
(``sendDocument``), each with a short caption in the user's language ("a draft: check it with a
lawyer; blank lines are yours to fill in").

The files are made by :func:`tendik.drafts.files.files_for` in a worker thread (CPU-bound, up to a
few seconds) while the chat shows "sending a file…" (``sendChatAction(upload_document)``, renewed
until they are ready). Values the draft cannot take (:class:`tendik.drafts.render.DraftError`: a
required field missing, a date that cannot be read) are explained to the user in their language;
anything else (an unknown template, an order that cannot be read back, a failing render or upload)
gets a polite "could not prepare the document". Nothing here raises except "the user blocked the
bot" (the caller handles it), so the rest of the reply is always delivered.

The values are the user's own data: never logged (only the template id, the language, counts and
sizes).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.enums import ChatAction
from aiogram.exceptions import ClientDecodeError, TelegramAPIError, TelegramForbiddenError
from aiogram.types import BufferedInputFile

from tendik.drafts.files import DraftFile, files_for
from tendik.drafts.render import DraftError
from tendik.payload import DraftOrder
from tendik.telegram.html_text import escape
from tendik.telegram.texts import t

__all__ = ["ACTION_EVERY", "DraftDelivery", "deliver_draft", "draft_of"]

logger = logging.getLogger(__name__)
# Telegram shows a chat action for about 5 s: renewed this often while the files are made.
ACTION_EVERY = 4.0


@dataclass(frozen=True)
class DraftDelivery:
    """The draft a reply message asks for: ``order`` None when the message carried one that cannot
    be read back (garbage: the user is told, nothing is made)."""

    order: DraftOrder | None


def draft_of(answer: Mapping[str, Any] | None) -> DraftDelivery | None:
    """The draft of a bot message's answer payload (its ``draft`` key), or None when it has none."""
    if not isinstance(answer, Mapping) or answer.get("draft") is None:
        return None
    return DraftDelivery(DraftOrder.from_dict(answer.get("draft")))


async def _made(bot: Bot, chat_id: int, order: DraftOrder) -> list[DraftFile]:
    """The files, made in a thread while the chat shows "sending a file…"."""
    job = asyncio.ensure_future(asyncio.to_thread(files_for, order))
    while True:
        with contextlib.suppress(TelegramAPIError, ClientDecodeError):  # only a courtesy
            await bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
        done, _ = await asyncio.wait({job}, timeout=ACTION_EVERY)
        if done:
            return job.result()


async def _tell(bot: Bot, chat_id: int, text: str) -> None:
    try:
        await bot.send_message(chat_id, escape(text))
    except TelegramForbiddenError:
        raise
    except (TelegramAPIError, ClientDecodeError) as exc:
        logger.warning("could not tell the user that the draft failed: %s", type(exc).__name__)


async def deliver_draft(bot: Bot, chat_id: int, delivery: DraftDelivery, lang: str | None) -> bool:
    """Send the draft's files to ``chat_id`` (``lang``: the user's language; the draft's own when
    unknown). True when every file was sent; otherwise the user got a message saying why.
    Raises only :class:`TelegramForbiddenError` (the user blocked the bot)."""
    order = delivery.order
    if order is None:
        logger.warning("a reply carried a draft order that cannot be read; the user was told")
        await _tell(bot, chat_id, t("draft_failed", lang))
        return False
    lang = lang or order.lang
    try:
        files = await _made(bot, chat_id, order)
    except DraftError as exc:
        logger.info("draft %s (%s) not made: %s, %d field(s)", order.template, order.lang, type(exc).__name__, len(exc.fields))
        await _tell(bot, chat_id, exc.message(lang))
        return False
    except Exception as exc:  # noqa: BLE001 - an unknown template or a failing render: the reply goes on
        logger.warning("draft %s (%s) not made: %s", order.template, order.lang, type(exc).__name__)
        await _tell(bot, chat_id, t("draft_failed", lang))
        return False
    caption = escape(t("draft_caption", lang))
    try:
        for f in files:
            await bot.send_document(chat_id, BufferedInputFile(f.data, filename=f.name), caption=caption)
    except TelegramForbiddenError:
        raise
    except (TelegramAPIError, ClientDecodeError) as exc:
        logger.warning("draft %s (%s) not sent: %s", order.template, order.lang, type(exc).__name__)
        await _tell(bot, chat_id, t("draft_failed", lang))
        return False
    logger.info("draft %s (%s) sent: %d file(s), %d bytes, %d field(s)", order.template, order.lang, len(files),
                sum(len(f.data) for f in files), len(order.fields))
    return True
