"""Groups and supergroups: the bot works in private chats only (questions about one's job are
private). Nothing from a group reaches the assistant or the database; a short polite reply in the
user's language, at most once per group per few minutes unless the bot is addressed."""

from __future__ import annotations

import logging
import time

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, Message

from tendik.telegram.html_text import escape
from tendik.telegram.texts import t

logger = logging.getLogger(__name__)
QUIET_SECONDS = 600.0


def router() -> Router:
    r = Router(name="groups")
    not_private = F.chat.type != "private"
    last_reply: dict[int, float] = {}

    def addressed(message: Message, username: str) -> bool:
        text = message.text or message.caption or ""
        if text.startswith("/") or f"@{username}".lower() in text.lower():
            return True
        if message.reply_to_message and message.reply_to_message.from_user and message.reply_to_message.from_user.is_bot:
            return True
        return any(m.username == username for m in message.new_chat_members or [])

    @r.message(not_private)
    async def group_message(message: Message, bot: Bot, lang: str | None = None) -> None:
        me = await bot.me()
        now = time.monotonic()
        if not addressed(message, me.username or "") and now - last_reply.get(message.chat.id, -QUIET_SECONDS) < QUIET_SECONDS:
            return
        last_reply[message.chat.id] = now
        logger.info("answered a message in a group: private chats only")
        await message.reply(escape(t("group", lang, bot=me.username or "")))

    @r.edited_message(not_private)
    async def group_edit(message: Message) -> None:
        return None  # never answer edits in a group (noise)

    @r.callback_query(F.message.chat.type.in_({"group", "supergroup"}))
    async def group_button(callback: CallbackQuery, bot: Bot, lang: str | None = None) -> None:
        me = await bot.me()
        await callback.answer(t("group", lang, bot=me.username or "")[:200])

    return r
