"""/help and /privacy."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import Message

from tendik.telegram.html_text import escape
from tendik.telegram.texts import t


def router() -> Router:
    r = Router(name="info")
    r.message.filter(F.chat.type == "private")

    @r.message(Command("help"))
    async def help_(message: Message, lang: str | None) -> None:
        await message.answer(escape(t("help", lang)))

    @r.message(Command("privacy"))
    async def privacy(message: Message, lang: str | None) -> None:
        await message.answer(escape(t("privacy", lang)))

    return r
