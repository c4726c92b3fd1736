"""/subscribe and /unsubscribe ("know your rights" cards), and noticing when a user blocks or
unblocks the bot (Telegram's my_chat_member update)."""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import ChatMemberUpdated, Message

from tendik.telegram.context import BotContext
from tendik.telegram.html_text import escape
from tendik.telegram.keyboards import card_keyboard, language_keyboard
from tendik.telegram.texts import period, t

logger = logging.getLogger(__name__)


async def send_card(bot: Bot, ctx: BotContext, chat_id: int, card_id: str, lang: str) -> None:
    card = ctx.deck.card(card_id, lang)
    await bot.send_message(chat_id, card.html, reply_markup=card_keyboard(card.intent, lang))


async def subscribe_user(bot: Bot, ctx: BotContext, chat_id: int, sender_id: str, lang: str) -> None:
    """Subscribe and send the first card at once (it counts in the rotation)."""
    every = period(ctx.settings.telegram_card_every, lang)
    created = await ctx.store.subscribe(sender_id, chat_id, lang)
    if not created:
        await bot.send_message(chat_id, escape(t("already_subscribed", lang, period=every)))
        return
    logger.info("new subscriber %s", sender_id)
    await bot.send_message(chat_id, escape(t("subscribed", lang, period=every)))
    sub = await ctx.store.get_subscription(sender_id)
    card_id = ctx.deck.next_card(sub.last_card if sub else None, sub.seen_cards if sub else [])
    await send_card(bot, ctx, chat_id, card_id, lang)
    await ctx.store.record_card_sent(sender_id, card_id, ctx.deck.ids)


def router() -> Router:
    r = Router(name="subscription")
    r.message.filter(F.chat.type == "private")

    @r.message(Command("subscribe"))
    async def subscribe(message: Message, bot: Bot, ctx: BotContext, sender_id: str, lang: str | None) -> None:
        if lang is None:  # the card language must be known: ask first, then subscribe
            await message.answer(escape(t("choose_language", "ru")), reply_markup=language_keyboard("sub"))
            return
        await subscribe_user(bot, ctx, message.chat.id, sender_id, lang)

    @r.message(Command("unsubscribe"))
    async def unsubscribe(message: Message, ctx: BotContext, sender_id: str, lang: str | None) -> None:
        gone = await ctx.store.unsubscribe(sender_id)
        await message.answer(escape(t("unsubscribed" if gone else "not_subscribed", lang)))

    @r.my_chat_member(F.chat.type == "private")
    async def membership(update: ChatMemberUpdated, ctx: BotContext, sender_id: str) -> None:
        status = update.new_chat_member.status
        if status == "kicked":
            if await ctx.store.set_blocked(sender_id, True):
                logger.info("subscriber %s blocked the bot: cards stop", sender_id)
        elif status == "member":
            await ctx.store.set_blocked(sender_id, False)

    return r
