"""/help and /privacy. /help lists /check (the catalog's ``telegram.help_check`` line, before the
"/help" line) while the catalog's help text does not name it yet."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import Message

from tendik.telegram.html_text import escape
from tendik.telegram.texts import LANGS, t


def _with_check(help_: str, line: str) -> str:
    if "/check" in help_:
        return help_
    lines = help_.split("\n")
    at = next((n for n, x in enumerate(lines) if x.startswith("/help")), len(lines))
    return "\n".join([*lines[:at], line, *lines[at:]])


def help_text(lang: str | None) -> str:
    """The help in ``lang`` (both languages, Kazakh first, when unknown), naming every command."""
    if lang in LANGS:
        return _with_check(t("help", lang), t("help_check", lang))
    return "\n\n".join(_with_check(t("help", code), t("help_check", code)) for code in LANGS)


def router() -> Router:
    r = Router(name="info")
    r.message.filter(F.chat.type == "private")

    @r.message(Command("help"))
    async def help_(message: Message, lang: str | None) -> None:
        await message.answer(escape(help_text(lang)))

    @r.message(Command("privacy"))
    async def privacy(message: Message, lang: str | None) -> None:
        await message.answer(escape(t("privacy", lang)))

    return r
