"""What the bot cannot read: stickers, photos, voice, documents, locations, contacts ...; edited
messages; buttons that no longer mean anything. A short polite reply in the user's language."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from tendik.telegram.html_text import escape
from tendik.telegram.texts import short, t

logger = logging.getLogger(__name__)

CONTENT_REPLIES = (
    (F.sticker | F.dice, "sticker"),
    (F.voice | F.video_note | F.audio | F.video, "voice"),
    (F.photo | F.document | F.animation, "file"),
    (F.location | F.venue | F.contact, "location"),
)


def router() -> Router:
    r = Router(name="fallback")
    r.message.filter(F.chat.type == "private")

    def reply_with(key: str):  # noqa: ANN202
        async def handler(message: Message, lang: str | None = None) -> None:
            logger.info("non-text message (%s) answered", key)
            await message.answer(escape(t(key, lang)))

        return handler

    for condition, key in CONTENT_REPLIES:
        r.message.register(reply_with(key), condition)
    r.message.register(reply_with("unsupported"))

    @r.edited_message(F.chat.type == "private")
    async def edited(message: Message, lang: str | None = None) -> None:
        await message.answer(escape(t("edited", lang)))

    @r.callback_query()
    async def outdated(callback: CallbackQuery, lang: str | None = None) -> None:
        await callback.answer(short("outdated_button", lang))

    return r
