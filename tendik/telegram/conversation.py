"""The bridge to the assistant: a user's text (or a button's payload) goes to Rasa's REST channel
with the user's language and channel "telegram"; the reply comes back as Telegram HTML messages
(split under the limit): a legal answer rendered from its typed payload (:mod:`tendik.telegram.render`),
any other reply (greetings, menus) escaped as it is; buttons as inline keyboards ("more" buttons as
:class:`~tendik.telegram.keyboards.MoreView` data), and helpful / not helpful buttons under every
legal answer; a draft under an answer (``AnswerPayload.draft``) as documents after that answer's
messages (:mod:`tendik.telegram.drafts`); a handoff order opens the case, and while it is open the
user's messages go to the operators instead (:mod:`tendik.telegram.handoff`). Rasa down or slow:
"temporarily unavailable" in the user's language."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from aiogram import Bot
from aiogram.enums import ChatAction
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from tendik.common.answer_payloads import base_answer_id
from tendik.common.rasa_client import BotMessage, RasaUnavailable
from tendik.common.rasa_client import Button as RasaButton
from tendik.telegram import handoff
from tendik.telegram.context import CALLBACK_LIMIT, BotContext, Payloads
from tendik.telegram.drafts import DraftDelivery, deliver_draft, draft_of
from tendik.telegram.html_text import escape, split_html
from tendik.telegram.keyboards import rasa_rows, vote_row
from tendik.telegram.render import answer_payload, render_answer
from tendik.telegram.texts import t
from tendik.texts import system_message

logger = logging.getLogger(__name__)
CHANNEL = "telegram"


@dataclass
class Outgoing:
    html: str  # "" when only the draft is sent
    markup: InlineKeyboardMarkup | None = None
    draft: DraftDelivery | None = None  # files sent right after this message


def render_reply(messages: list[BotMessage], payloads: Payloads, lang: str | None) -> list[Outgoing]:
    """Rasa's reply as Telegram messages, each under 4,096 characters: a legal answer from its
    payload's sections, any other text escaped; the keyboard (the buttons, then the vote buttons)
    under the last part, and the message's draft (if any) after it."""
    out: list[Outgoing] = []
    for n, m in enumerate(messages):
        payload = answer_payload(m.answer)
        buttons = [RasaButton(b.title, b.payload) for b in payload.buttons] if payload and payload.buttons else m.buttons
        rows: list[list[InlineKeyboardButton]] = rasa_rows(buttons, payloads)
        answer_id = base_answer_id(m.answer_id)
        continued = n + 1 < len(messages) and answer_id is not None and base_answer_id(messages[n + 1].answer_id) == answer_id
        if m.is_legal_answer and answer_id and not continued and len(f"v:h:{answer_id}".encode()) <= CALLBACK_LIMIT:
            rows.append(vote_row(answer_id, lang))
        if payload is not None:
            chunks = render_answer(payload)
        else:
            chunks = split_html(escape(m.text)) if m.text else []
        draft = draft_of(m.answer)
        if not chunks:
            if rows:
                chunks = [escape(t("choose", lang))]
            elif draft is not None:
                chunks = [""]
            else:
                continue
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            out.append(Outgoing(chunk, InlineKeyboardMarkup(inline_keyboard=rows) if rows and last else None,
                                draft if last else None))
    return out


async def send_all(bot: Bot, chat_id: int, outgoing: list[Outgoing], lang: str | None = None) -> None:
    """Send the messages in order; a message's draft (documents, or why there are none) right after
    it (``lang``: the language of the captions and errors)."""
    for o in outgoing:
        if o.html:
            await bot.send_message(chat_id, o.html, reply_markup=o.markup)
        if o.draft is not None:
            await deliver_draft(bot, chat_id, o.draft, lang)


async def _rasa_reply(ctx: BotContext, sender_id: str, text: str, rasa_lang: str | None) -> list[BotMessage]:
    """Rasa's reply. A paused conversation's reply (nothing, or "passed to the operator") to a user
    with no case open means the bot is still paused (the case ended, its "closed" line not delivered
    yet or resuming failed): resume it and ask again."""
    replies = await ctx.rasa.send(sender_id, text, language=rasa_lang, channel=CHANNEL)
    if not handoff.paused_reply(replies) or not await asyncio.to_thread(handoff.had_case, ctx.engine, sender_id):
        return replies
    if not await handoff.resume_bot(ctx, sender_id):
        return replies
    logger.info("no reply after a handoff ended; the bot was resumed and asked again")
    return await ctx.rasa.send(sender_id, text, language=rasa_lang, channel=CHANNEL)


async def ask(bot: Bot, ctx: BotContext, chat_id: int, sender_id: str, text: str, rasa_lang: str | None, ui_lang: str | None) -> None:
    """Send ``text`` to the assistant as ``sender_id`` and deliver its reply to ``chat_id``; while
    the user's conversation is with a person, ``text`` goes to them instead (:mod:`tendik.telegram.handoff`)."""
    try:
        if await handoff.while_open(bot, ctx, chat_id, sender_id, text, rasa_lang or ui_lang):
            return
    except TelegramForbiddenError:
        logger.info("the user blocked the bot before the answer arrived")
        await ctx.store.set_blocked(sender_id, True)
        return
    try:
        await bot.send_chat_action(chat_id, ChatAction.TYPING)
    except TelegramAPIError:
        pass  # only a courtesy
    try:
        replies = await _rasa_reply(ctx, sender_id, text, rasa_lang)
    except RasaUnavailable:
        logger.warning("the assistant is unavailable; told the user to try again in a minute")
        await bot.send_message(chat_id, escape(system_message("unavailable", rasa_lang or ui_lang)))
        return
    queued: Outgoing | None = None
    if (found := handoff.order_in(replies)) is not None:
        order, order_lang = found
        html, markup = await handoff.open_case(ctx, chat_id, sender_id, order, handoff.lang_of(order_lang, rasa_lang, ui_lang))
        replies = handoff.without_cancel(replies)
        queued = Outgoing(html, markup)
    outgoing = render_reply(replies, ctx.payloads, rasa_lang or ui_lang)
    if queued is not None:
        outgoing.append(queued)
    if not outgoing:
        outgoing = [Outgoing(escape(t("no_reply", rasa_lang or ui_lang)))]
    try:
        await send_all(bot, chat_id, outgoing, rasa_lang or ui_lang)
    except TelegramForbiddenError:
        logger.info("the user blocked the bot before the answer arrived")
        await ctx.store.set_blocked(sender_id, True)
