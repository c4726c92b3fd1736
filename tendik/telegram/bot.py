"""The Bot object (aiogram) every part of the Telegram front end sends with: the configured Bot
API server, HTML replies without link previews, and Telegram's 429 "retry after" handled for every
request. Its own module so that the bot process (:mod:`tendik.telegram.app`) and the broadcast
tool (:mod:`tendik.telegram.broadcast`, which the bot's card schedule runs) both build it without
importing each other."""

from __future__ import annotations

from typing import Any

import aiogram.methods
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.methods.base import Response, TelegramMethod

from tendik.telegram.config import TelegramSettings
from tendik.telegram.middlewares import RetryAfterMiddleware

__all__ = ["create_bot"]

# aiogram checks every Bot API answer as ``Response[<the method's result type>]``, made inside a
# function, where pydantic caches the parametrized model only weakly: the garbage collector drops it
# between requests and the next answer builds its whole schema again (~3 ms; about 7 % of the bot's
# Python time under load, bench/load/RESULTS.md). One strong reference per result type keeps the cache.
_RESULT_MODELS: list[Any] = []


def _keep_result_models() -> None:
    if _RESULT_MODELS:
        return
    result_types: list[Any] = []
    for name in aiogram.methods.__all__:
        method = getattr(aiogram.methods, name, None)
        if not (isinstance(method, type) and issubclass(method, TelegramMethod)):
            continue
        returning = method.__dict__.get("__returning__")  # the abstract bases have none
        if returning is not None and not isinstance(returning, property) and returning not in result_types:
            result_types.append(returning)
    _RESULT_MODELS.extend(Response[t] for t in result_types)  # type: ignore[valid-type]


def create_bot(settings: TelegramSettings, middleware: BaseRequestMiddleware | None = None) -> Bot:
    """``middleware`` on the HTTP session: :class:`RetryAfterMiddleware` unless another is given
    (the broadcast queue's workers pause together through Redis instead)."""
    _keep_result_models()
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    session.middleware(middleware or RetryAfterMiddleware())
    return Bot(
        token=settings.token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )
