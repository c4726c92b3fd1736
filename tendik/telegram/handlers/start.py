"""/start and /lang: choosing Қазақша / Русский; after /start, what the bot can and cannot do and
the privacy notice."""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandStart
from aiogram.types import CallbackQuery, Message

from tendik.telegram.context import BotContext
from tendik.telegram.html_text import escape
from tendik.telegram.keyboards import LANG, language_keyboard
from tendik.telegram.texts import LANGS, short, t

logger = logging.getLogger(__name__)


def welcome(lang: str) -> str:
    return "\n\n".join(escape(t(key, lang)) for key in ("about", "privacy_short", "start_hint"))


def router() -> Router:
    r = Router(name="start")
    r.message.filter(F.chat.type == "private")

    @r.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer(escape(t("choose_language", "ru")), reply_markup=language_keyboard("start"))

    @r.message(Command("lang", "language"))
    async def choose(message: Message) -> None:
        await message.answer(escape(t("choose_language", "ru")), reply_markup=language_keyboard())

    @r.callback_query(F.data.startswith(LANG))
    async def chosen(callback: CallbackQuery, bot: Bot, ctx: BotContext, sender_id: str, lang: str | None) -> None:
        parts = (callback.data or "").split(":")
        code = parts[1] if len(parts) > 1 else ""
        then = parts[2] if len(parts) > 2 else ""
        if code not in LANGS:
            await callback.answer(short("outdated_button", lang))
            return
        await ctx.store.set_language(sender_id, code)
        await callback.answer(t("language_set", code))
        chat_id = callback.message.chat.id if callback.message else callback.from_user.id
        if isinstance(callback.message, Message):
            try:
                await callback.message.edit_text(escape(t("language_set", code)), reply_markup=None)
            except TelegramBadRequest:
                pass  # already edited (a double tap)
        if then == "start":
            await bot.send_message(chat_id, welcome(code))
        elif then == "sub":
            from tendik.telegram.handlers.subscription import subscribe_user

            await subscribe_user(bot, ctx, chat_id, sender_id, code)

    return r
