"""The bridge to the assistant: a user's text (or a button's payload) goes to Rasa's REST channel
with the user's language and channel "telegram"; the reply comes back as Telegram HTML messages
(split under the limit), Rasa buttons as inline keyboards, and helpful / not helpful buttons under
every legal answer. Rasa down or slow: "temporarily unavailable" in the user's language."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiogram import Bot
from aiogram.enums import ChatAction
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from tendik.common.rasa_client import BotMessage, RasaUnavailable
from tendik.telegram.context import CALLBACK_LIMIT, BotContext
from tendik.telegram.html_text import escape, format_answer, split_html
from tendik.telegram.keyboards import rasa_rows, vote_row
from tendik.telegram.texts import t
from tendik.texts import system_message

logger = logging.getLogger(__name__)
CHANNEL = "telegram"


@dataclass
class Outgoing:
    html: str
    markup: InlineKeyboardMarkup | None = None


def render_reply(messages: list[BotMessage], ctx: BotContext, lang: str | None) -> list[Outgoing]:
    """Rasa's reply as Telegram messages: each text escaped and formatted, split under 4,096
    characters; the keyboard (Rasa's buttons, then the vote buttons) under the last part."""
    out: list[Outgoing] = []
    for m in messages:
        rows: list[list[InlineKeyboardButton]] = rasa_rows(m.buttons, ctx.payloads)
        answer_id = m.answer_id
        if m.is_legal_answer and answer_id and len(f"v:h:{answer_id}".encode()) <= CALLBACK_LIMIT:
            rows.append(vote_row(answer_id, lang))
        if m.text:
            body = format_answer(m.text)
        elif rows:
            body = escape(t("choose", lang))
        else:
            continue
        chunks = split_html(body)
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            out.append(Outgoing(chunk, InlineKeyboardMarkup(inline_keyboard=rows) if rows and last else None))
    return out


async def send_all(bot: Bot, chat_id: int, outgoing: list[Outgoing]) -> None:
    for o in outgoing:
        await bot.send_message(chat_id, o.html, reply_markup=o.markup)


async def ask(bot: Bot, ctx: BotContext, chat_id: int, sender_id: str, text: str, rasa_lang: str | None, ui_lang: str | None) -> None:
    """Send ``text`` to the assistant as ``sender_id`` and deliver its reply to ``chat_id``."""
    try:
        await bot.send_chat_action(chat_id, ChatAction.TYPING)
    except TelegramAPIError:
        pass  # only a courtesy
    try:
        replies = await ctx.rasa.send(sender_id, text, language=rasa_lang, channel=CHANNEL)
    except RasaUnavailable:
        logger.warning("the assistant is unavailable; told the user to try again in a minute")
        await bot.send_message(chat_id, escape(system_message("unavailable", rasa_lang or ui_lang)))
        return
    outgoing = render_reply(replies, ctx, rasa_lang or ui_lang)
    if not outgoing:
        outgoing = [Outgoing(escape(t("no_reply", rasa_lang or ui_lang)))]
    try:
        await send_all(bot, chat_id, outgoing)
    except TelegramForbiddenError:
        logger.info("the user blocked the bot before the answer arrived")
        await ctx.store.set_blocked(sender_id, True)
