"""The Bot object (aiogram) every part of the Telegram front end sends with: the configured Bot
API server, HTML replies without link previews, and Telegram's 429 "retry after" handled for every
request. Its own module so that the bot process (:mod:`tendik.telegram.app`) and the broadcast
tool (:mod:`tendik.telegram.broadcast`, which the bot's card schedule runs) both build it without
importing each other."""

from __future__ import annotations

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode

from tendik.telegram.config import TelegramSettings
from tendik.telegram.middlewares import RetryAfterMiddleware

__all__ = ["create_bot"]


def create_bot(settings: TelegramSettings, middleware: BaseRequestMiddleware | None = None) -> Bot:
    """``middleware`` on the HTTP session: :class:`RetryAfterMiddleware` unless another is given
    (the broadcast queue's workers pause together through Redis instead)."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    session.middleware(middleware or RetryAfterMiddleware())
    return Bot(
        token=settings.token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )
