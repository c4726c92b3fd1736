"""/delete: after a confirmation, erase everything stored about this user (conversation in the
tracker store, votes, language, subscription with its chat id, card deliveries, handoff cases with
their threads: an open case is cancelled and the bot resumed first)."""

from __future__ import annotations

import asyncio
import logging

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from tendik.common.db import delete_user_data
from tendik.telegram.context import BotContext
from tendik.telegram.handoff import cancel_on_delete
from tendik.telegram.html_text import escape
from tendik.telegram.keyboards import DELETE_NO, DELETE_YES, delete_keyboard
from tendik.telegram.texts import t

logger = logging.getLogger(__name__)


def router() -> Router:
    r = Router(name="deletion")
    r.message.filter(F.chat.type == "private")

    @r.message(Command("delete"))
    async def ask_confirmation(message: Message, lang: str | None) -> None:
        await message.answer(escape(t("delete_confirm", lang)), reply_markup=delete_keyboard(lang))

    @r.callback_query(F.data.in_({DELETE_YES, DELETE_NO}))
    async def confirmed(callback: CallbackQuery, ctx: BotContext, sender_id: str, lang: str | None) -> None:
        if callback.data == DELETE_YES:
            await cancel_on_delete(ctx, sender_id)  # an open case ends first (the bot resumed), then all is erased
            deleted = await asyncio.to_thread(delete_user_data, ctx.engine, sender_id)
            text = t("deleted", lang, count=sum(deleted.values()))
        else:
            text = t("delete_cancelled", lang)
        await callback.answer()
        if isinstance(callback.message, Message):
            try:
                await callback.message.edit_text(escape(text), reply_markup=None)
                return
            except TelegramBadRequest:
                pass
        await callback.bot.send_message(callback.from_user.id, escape(text))  # type: ignore[union-attr]

    return r
