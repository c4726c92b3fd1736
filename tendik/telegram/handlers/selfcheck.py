"""/check: the guided self-check (the Rasa form ``selfcheck_form``), started as if the user had
pressed an answer's "check my situation" button; its first question comes back with buttons.

A button payload (``/intent``) skips Rasa's NLU pipeline, where the language slot is set from the
channel's decision, so in a conversation that starts with /check the form's questions (Rasa
responses chosen by that slot) would come in both languages. The user's chosen language therefore
goes with the payload as its ``language`` entity (the slot's own mapping).
"""

from __future__ import annotations

import json

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import Message

from tendik.telegram.context import BotContext
from tendik.telegram.conversation import ask
from tendik.telegram.texts import LANGS

# What the answers' "check my situation" button sends (tendik.actions.actions).
START = "/start_selfcheck"


def start_payload(lang: str | None) -> str:
    """``/start_selfcheck``, with the language entity when the user chose one."""
    if lang in LANGS:
        return START + json.dumps({"language": lang}, separators=(",", ":"))
    return START


def router() -> Router:
    r = Router(name="selfcheck")
    r.message.filter(F.chat.type == "private")

    @r.message(Command("check"))
    async def check(message: Message, bot: Bot, ctx: BotContext, sender_id: str, lang: str | None, chosen_lang: str | None) -> None:
        await ask(bot, ctx, message.chat.id, sender_id, start_payload(chosen_lang), chosen_lang, lang)

    return r
