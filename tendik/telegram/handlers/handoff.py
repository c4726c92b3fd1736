"""``/handoff_cancel`` typed as a command: the same as the cancel button under "your question is in
the queue" (:func:`tendik.telegram.handoff.while_open` ends the open case and resumes the bot; with
no case open it goes to the assistant, which says nothing is shared)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import Message

from tendik.telegram.context import BotContext
from tendik.telegram.conversation import ask
from tendik.telegram.handoff import CANCEL


def router() -> Router:
    r = Router(name="handoff")
    r.message.filter(F.chat.type == "private")

    @r.message(Command(CANCEL.removeprefix("/")))
    async def cancel(message: Message, bot: Bot, ctx: BotContext, sender_id: str, lang: str | None, chosen_lang: str | None) -> None:
        await ask(bot, ctx, message.chat.id, sender_id, CANCEL, chosen_lang, lang)

    return r
