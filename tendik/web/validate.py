"""Checks of what the widget sends: JSON body, conversation key, message, language, vote.

A widget conversation belongs to whoever holds its **key**: 32 random bytes (64 hex digits) the
browser makes (``crypto.getRandomValues``) and keeps in ``localStorage``, sent only in request
bodies (never in a URL, never logged, never stored). Everything the server stores or shows is
keyed by the Rasa sender id ``web-`` + the first 32 hex digits of SHA-256(key): an operator, a
database dump or a log line can name the conversation, but cannot act as its owner (read the
history, post, vote, delete), because the key cannot be worked back from it.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from aiohttp import web

from tendik.common.feedback import MAX_COMMENT, VOTES
from tendik.jsondepth import too_deep
from tendik.web.errors import LANGS, ApiError, request_language

CONVERSATION_KEY = re.compile(r"[0-9a-f]{64}")
ANSWER_ID = re.compile(r"[0-9a-f]{8,64}")
# A draft comes with the last message of an answer, which may be a part ("<id>-2": AnswerPayload.parts).
DRAFT_ANSWER_ID = re.compile(r"[0-9a-f]{8,64}(?:-[0-9]{1,3})?")
DRAFT_FORMATS = ("docx", "pdf")
SENDER_PREFIX = "web-"
_KEY_CONTEXT = b"tendik-web-conversation:"


def sender_id(conversation_key: str) -> str:
    """The Rasa sender id of the conversation whose key is ``conversation_key`` (one-way)."""
    return SENDER_PREFIX + hashlib.sha256(_KEY_CONTEXT + conversation_key.encode("ascii")).hexdigest()[:32]


def handle(conversation_key: str) -> str:
    """A log-safe handle of a conversation: the start of its sender id's hash (not of the key)."""
    return sender_id(conversation_key)[len(SENDER_PREFIX):][:8]


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
        if too_deep(raw):
            raise ValueError("JSON nested too deeply")
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ApiError("malformed", 400, lang) from exc
    if not isinstance(body, dict):
        raise ApiError("malformed", 400, lang)
    if "language" in body:
        if body["language"] not in LANGS:
            raise ApiError("malformed", 400, lang)
        lang = body["language"]
    return body, lang


def conversation_key(value: Any, lang: str | None) -> str:
    if not isinstance(value, str) or not CONVERSATION_KEY.fullmatch(value):
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


def draft_answer_id(value: Any, lang: str | None) -> str:
    """The id of the message a draft came with; anything else is a malformed request."""
    if not isinstance(value, str) or not DRAFT_ANSWER_ID.fullmatch(value):
        raise ApiError("malformed", 400, lang)
    return value


def draft_format(value: Any, lang: str | None) -> str:
    if value not in DRAFT_FORMATS:
        raise ApiError("bad_format", 400, lang)
    return value


CURSOR_MAX = 2**53 - 1  # what JavaScript counts exactly


MAX_SEQ = 2**31 - 1


def _whole_number(value: Any, lang: str | None, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
        raise ApiError("malformed", 400, lang)
    return value


def sequence(value: Any, lang: str | None) -> int | None:
    """The client's number for a message (0, 1, 2 ... per conversation; optional)."""
    return None if value is None else _whole_number(value, lang, MAX_SEQ)


def cursor(value: Any, lang: str | None) -> int:
    """The id of the last handoff line the widget has (``after``; missing: 0)."""
    return 0 if value is None else _whole_number(value, lang, CURSOR_MAX)


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
