"""Helpful / not helpful under each legal answer: the vote is stored with the conversation (for
the operator review page); "not helpful" offers the reasons (buttons, tendik.common.feedback.VOTE_REASONS) and asks for one
optional comment (the next message)."""

from __future__ import annotations

import asyncio
import logging
import re

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Message

from tendik.common.feedback import VOTE_REASONS, record_reason, record_vote
from tendik.telegram.context import BotContext
from tendik.telegram.html_text import escape
from tendik.telegram.keyboards import SKIP_COMMENT, VOTE, VoteReason, skip_comment_keyboard, without_reasons, without_votes
from tendik.telegram.storage import UserState
from tendik.telegram.texts import short, t
from tendik.texts import label, text

logger = logging.getLogger(__name__)
CHANNEL = "telegram"
ANSWER_ID = re.compile(r"[0-9a-f]{8,64}")


def router() -> Router:
    r = Router(name="feedback")

    @r.callback_query(F.data.startswith(VOTE))
    async def vote(
        callback: CallbackQuery, bot: Bot, ctx: BotContext, sender_id: str, lang: str | None, user_state: UserState | None
    ) -> None:
        parts = (callback.data or "").split(":", 2)
        if len(parts) != 3 or parts[1] not in ("h", "n") or not parts[2]:
            await callback.answer(short("outdated_button", lang))
            return
        answer_id = parts[2]
        choice = "helpful" if parts[1] == "h" else "not_helpful"
        await asyncio.to_thread(record_vote, ctx.engine, sender_id, answer_id, choice, CHANNEL, lang)
        logger.info("vote %s recorded", choice)
        await callback.answer(t("vote_thanks", lang))
        if isinstance(callback.message, Message):
            try:
                await callback.message.edit_reply_markup(reply_markup=without_votes(callback.message.reply_markup))
            except TelegramBadRequest:
                pass  # already edited (a double tap)
        chat_id = callback.message.chat.id if callback.message else callback.from_user.id
        if choice == "not_helpful":
            await ctx.store.set_pending_comment(sender_id, answer_id)
            question = f"{t('ask_comment', lang)}\n\n{text('feedback.reason_question', lang)}"
            await bot.send_message(chat_id, escape(question), reply_markup=skip_comment_keyboard(lang, answer_id))
        elif user_state is not None and user_state.pending_comment == answer_id:
            await ctx.store.set_pending_comment(sender_id, None)

    @r.callback_query(VoteReason.filter())
    async def reason(callback: CallbackQuery, callback_data: VoteReason, ctx: BotContext, sender_id: str, lang: str | None) -> None:
        """A reason button after a 👎: a known reason for this user's own 👎 on that answer."""
        if callback_data.reason not in VOTE_REASONS or not ANSWER_ID.fullmatch(callback_data.answer_id):
            logger.info("a reason button with unknown data was refused")
            await callback.answer(short("outdated_button", lang))
            return
        stored = await asyncio.to_thread(record_reason, ctx.engine, sender_id, callback_data.answer_id, callback_data.reason)
        if not stored:  # no 👎 of this user on that answer (changed to 👍, deleted, someone else's button)
            await callback.answer(short("outdated_button", lang))
            return
        logger.info("vote reason %s recorded", callback_data.reason)
        # the comment window stays open for this answer (the middleware closes it on other buttons)
        await ctx.store.set_pending_comment(sender_id, callback_data.answer_id)
        await callback.answer(label("feedback.reason_saved", lang))
        if isinstance(callback.message, Message):
            try:
                await callback.message.edit_reply_markup(reply_markup=without_reasons(callback.message.reply_markup))
            except TelegramBadRequest:
                pass  # already edited (a double tap)

    @r.callback_query(F.data == SKIP_COMMENT)
    async def skip(callback: CallbackQuery, ctx: BotContext, sender_id: str, lang: str | None) -> None:
        await ctx.store.set_pending_comment(sender_id, None)
        await callback.answer(t("comment_skipped", lang))
        if isinstance(callback.message, Message):
            try:
                await callback.message.edit_reply_markup(reply_markup=None)
            except TelegramBadRequest:
                pass

    return r
