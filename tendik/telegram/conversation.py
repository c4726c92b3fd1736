"""The bridge to the assistant: a user's text (or a button's payload) goes to Rasa's REST channel
with the user's language and channel "telegram"; the reply comes back as Telegram HTML messages
(split under the limit): a legal answer rendered from its typed payload (:mod:`tendik.telegram.render`),
any other reply (greetings, menus) escaped as it is; buttons as inline keyboards ("more" buttons as
:class:`~tendik.telegram.keyboards.MoreView` data), and helpful / not helpful buttons under every
legal answer. Rasa down or slow: "temporarily unavailable" in the user's language."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiogram import Bot
from aiogram.enums import ChatAction
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from tendik.common.answer_payloads import base_answer_id
from tendik.common.rasa_client import BotMessage, RasaUnavailable
from tendik.common.rasa_client import Button as RasaButton
from tendik.telegram.context import CALLBACK_LIMIT, BotContext, Payloads
from tendik.telegram.html_text import escape, split_html
from tendik.telegram.keyboards import rasa_rows, vote_row
from tendik.telegram.render import answer_payload, render_answer
from tendik.telegram.texts import t
from tendik.texts import system_message

logger = logging.getLogger(__name__)
CHANNEL = "telegram"


@dataclass
class Outgoing:
    html: str
    markup: InlineKeyboardMarkup | None = None


def render_reply(messages: list[BotMessage], payloads: Payloads, lang: str | None) -> list[Outgoing]:
    """Rasa's reply as Telegram messages, each under 4,096 characters: a legal answer from its
    payload's sections, any other text escaped; the keyboard (the buttons, then the vote buttons)
    under the last part."""
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
        if not chunks:
            if not rows:
                continue
            chunks = [escape(t("choose", lang))]
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
    outgoing = render_reply(replies, ctx.payloads, rasa_lang or ui_lang)
    if not outgoing:
        outgoing = [Outgoing(escape(t("no_reply", rasa_lang or ui_lang)))]
    try:
        await send_all(bot, chat_id, outgoing)
    except TelegramForbiddenError:
        logger.info("the user blocked the bot before the answer arrived")
        await ctx.store.set_blocked(sender_id, True)
