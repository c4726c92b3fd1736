"""Free text to the assistant (and the payloads of its buttons: an answer's "more" buttons are
checked, then sent to Rasa as ``/show_more{...}``); the optional comment after a "not helpful"
vote; "I want Kazakh / Russian" typed as text; unknown commands."""

from __future__ import annotations

import asyncio
import logging
import time

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, Message

from tendik.common.buttons import MAX_PAGE, VIEWS, show_more_payload
from tendik.common.feedback import record_comment
from tendik.lang import requested_language
from tendik.telegram.context import BotContext
from tendik.telegram.conversation import ask
from tendik.telegram.html_text import escape
from tendik.telegram.keyboards import MoreView
from tendik.telegram.storage import UserState
from tendik.telegram.texts import short, t
from tendik.texts import text as catalog_text

logger = logging.getLogger(__name__)
# "қазақша", "на русском, пожалуйста": a short message asking for a language switches it.
SWITCH_MAX_WORDS = 4


def router() -> Router:
    r = Router(name="chat")
    r.message.filter(F.chat.type == "private")

    @r.message(F.text.startswith("/"))
    async def unknown_command(message: Message, lang: str | None) -> None:
        await message.answer(escape(t("unknown_command", lang)))

    @r.message(F.text)
    async def text(
        message: Message, bot: Bot, ctx: BotContext, sender_id: str, lang: str | None, chosen_lang: str | None,
        user_state: UserState | None,
    ) -> None:
        body = message.text or ""
        if user_state and user_state.pending_comment:
            fresh = time.time() - (user_state.pending_since or 0) <= ctx.settings.telegram_comment_window
            await ctx.store.set_pending_comment(sender_id, None)
            if fresh:
                await asyncio.to_thread(record_comment, ctx.engine, sender_id, user_state.pending_comment, body)
                logger.info("feedback comment recorded")
                await message.answer(escape(t("comment_saved", lang)))
                return
        if len(body.split()) <= SWITCH_MAX_WORDS and (wanted := requested_language(body)) and wanted != chosen_lang:
            await ctx.store.set_language(sender_id, wanted)
            chosen_lang = lang = wanted
        await ask(bot, ctx, message.chat.id, sender_id, body, chosen_lang, lang)

    @r.callback_query(F.data.startswith(("r:", "r#")))
    async def rasa_button(callback: CallbackQuery, bot: Bot, ctx: BotContext, sender_id: str, lang: str | None, chosen_lang: str | None) -> None:
        payload = ctx.payloads.decode(callback.data or "")
        if not payload:
            await callback.answer(short("outdated_button", lang))
            return
        await callback.answer()
        chat_id = callback.message.chat.id if callback.message else callback.from_user.id
        await ask(bot, ctx, chat_id, sender_id, payload, chosen_lang, lang)

    @r.callback_query(MoreView.filter())
    async def more(
        callback: CallbackQuery, callback_data: MoreView, bot: Bot, ctx: BotContext, sender_id: str, lang: str | None,
        chosen_lang: str | None,
    ) -> None:
        """An answer's "more" button: a known view of a topic in the knowledge base goes to Rasa."""
        page = callback_data.page
        if (callback_data.view not in VIEWS or callback_data.topic not in ctx.deck.kb.explanations
                or (page is not None and not 1 <= page <= MAX_PAGE)):
            logger.info("a more button with an unknown view or topic was refused")
            await callback.answer(catalog_text("ui.more.unknown", lang))
            return
        await callback.answer()
        chat_id = callback.message.chat.id if callback.message else callback.from_user.id
        await ask(bot, ctx, chat_id, sender_id, show_more_payload(callback_data.view, callback_data.topic, page), chosen_lang, lang)

    return r
