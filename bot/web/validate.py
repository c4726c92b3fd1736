"""Checks of what the widget sends: JSON body, conversation id, message, language, vote."""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import web

from bot.common.feedback import MAX_COMMENT, VOTES
from bot.web.errors import LANGS, ApiError, request_language

# crypto.randomUUID() (and the widget's fallback) make version-4 UUIDs in lower case.
CONVERSATION_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
ANSWER_ID = re.compile(r"[0-9a-f]{8,64}")
SENDER_PREFIX = "web-"


def sender_id(conversation_id: str) -> str:
    """The Rasa sender id of a web conversation."""
    return SENDER_PREFIX + conversation_id


async def json_body(request: web.Request) -> tuple[dict[str, Any], str | None]:
    """The request's JSON object and the language it asks for (errors are raised as ApiError)."""
    lang = request_language(request)
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge as exc:
        raise ApiError("body_too_large", 413, lang) from exc
    if request.content_type != "application/json":
        raise ApiError("not_json", 415, lang)
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError("malformed", 400, lang) from exc
    if not isinstance(body, dict):
        raise ApiError("malformed", 400, lang)
    if "language" in body:
        if body["language"] not in LANGS:
            raise ApiError("malformed", 400, lang)
        lang = body["language"]
    return body, lang


def conversation_id(value: Any, lang: str | None) -> str:
    if not isinstance(value, str) or not CONVERSATION_ID.fullmatch(value):
        raise ApiError("bad_conversation", 400, lang)
    return value


def message_text(value: Any, lang: str | None, limit: int) -> str:
    if not isinstance(value, str):
        raise ApiError("malformed", 400, lang)
    value = value.strip()
    if not value:
        raise ApiError("empty", 400, lang)
    if len(value) > limit:
        raise ApiError("message_too_long", 413, lang, limit=limit)
    return value


def answer_id(value: Any, lang: str | None) -> str:
    if not isinstance(value, str) or not ANSWER_ID.fullmatch(value):
        raise ApiError("answer_not_found", 404, lang)
    return value


def vote(value: Any, lang: str | None) -> str:
    if value not in VOTES:
        raise ApiError("bad_vote", 400, lang)
    return value


def comment(value: Any, lang: str | None) -> str:
    if not isinstance(value, str):
        raise ApiError("malformed", 400, lang)
    value = value.strip()
    if not value:
        raise ApiError("empty", 400, lang)
    if len(value) > MAX_COMMENT:
        raise ApiError("comment_too_long", 413, lang, limit=MAX_COMMENT)
    return value
