"""/topics: the knowledge base's topics as buttons; a press asks the assistant about that topic."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from tendik.telegram.context import BotContext
from tendik.telegram.conversation import ask
from tendik.telegram.html_text import escape
from tendik.telegram.keyboards import TOPIC, topics_keyboard
from tendik.telegram.texts import short, t


def router() -> Router:
    r = Router(name="topics")
    r.message.filter(F.chat.type == "private")

    @r.message(Command("topics"))
    async def topics(message: Message, ctx: BotContext, lang: str | None) -> None:
        await message.answer(escape(t("topics", lang)), reply_markup=topics_keyboard(ctx.deck.topics(), lang))

    @r.callback_query(F.data.startswith(TOPIC))
    async def topic(callback: CallbackQuery, bot: Bot, ctx: BotContext, sender_id: str, lang: str | None, chosen_lang: str | None) -> None:
        intent = (callback.data or "")[len(TOPIC):]
        if intent not in {exp.intent for exp in ctx.deck.topics()}:
            await callback.answer(short("outdated_button", lang))
            return
        await callback.answer()
        chat_id = callback.message.chat.id if callback.message else callback.from_user.id
        await ask(bot, ctx, chat_id, sender_id, f"/{intent}", chosen_lang, lang)

    return r
