"""API errors as JSON the widget can show: ``{"error", "message", "messages": [...]}``, with the
message in the user's language (both languages when it is unknown)."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from aiohttp import web

from tendik.jsondepth import too_deep
from tendik.web.texts import language_from_header
from tendik.web.texts import text as say

LANGS = ("kk", "ru")


_dumps = partial(json.dumps, ensure_ascii=False)


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON with readable (not \\u-escaped) Kazakh and Russian text."""
    return web.json_response(data, status=status, headers=headers, dumps=_dumps)


class ApiError(Exception):
    def __init__(self, key: str, status: int, lang: str | None = None, headers: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(key)
        self.key, self.status, self.lang, self.headers, self.kwargs = key, status, lang, headers or {}, kwargs


def error_body(key: str, lang: str | None, **kwargs: Any) -> dict[str, Any]:
    message = say(key, lang, **kwargs)
    return {"error": key, "message": message, "messages": [{"role": "bot", "kind": "error", "text": message}]}


def error_response(key: str, status: int, lang: str | None, headers: dict[str, str] | None = None, **kwargs: Any) -> web.Response:
    return json_response(error_body(key, lang, **kwargs), status=status, headers=headers)


def request_language(request: web.Request) -> str | None:
    """The language the widget asked for: ``?language=`` then ``Accept-Language``."""
    query = request.query.get("language")
    if query in LANGS:
        return query
    return language_from_header(request.headers.get("Accept-Language"))


async def any_language(request: web.Request) -> str | None:
    """:func:`request_language`, else the ``language`` of a JSON body (for errors raised before
    the handler reads the body, e.g. the rate limit). Never raises."""
    lang = request_language(request)
    if lang or not request.body_exists or request.content_type != "application/json":
        return lang
    try:
        raw = await request.read()
        body = None if too_deep(raw) else json.loads(raw.decode("utf-8"))
    except (web.HTTPException, UnicodeDecodeError, ValueError, RecursionError):
        return None
    found = body.get("language") if isinstance(body, dict) else None
    return found if found in LANGS else None
