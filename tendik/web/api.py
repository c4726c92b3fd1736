"""The JSON API the widget calls. Every user-facing text is in the user's language."""

from __future__ import annotations

import asyncio
import logging
import time

from aiohttp import web
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from tendik.common.db import delete_user_data
from tendik.common.feedback import record_comment, record_vote
from tendik.common.rasa_client import RasaClient, RasaUnavailable
from tendik.drafts.files import files_for
from tendik.drafts.render import DraftError
from tendik.web import history, validate
from tendik.web.errors import ApiError, error_body, json_response
from tendik.web.present import messages_json
from tendik.web.settings import WebSettings
from tendik.web.texts import text as say

logger = logging.getLogger(__name__)

SETTINGS = web.AppKey("settings", WebSettings)
ENGINE = web.AppKey("engine", Engine)
RASA = web.AppKey("rasa", RasaClient)
DRAFTS = web.AppKey("drafts", asyncio.Semaphore)
CHANNEL = "web"
# Drafts made at once (CPU-bound, 0.3-2 s each, in threads); more requests wait their turn.
DRAFTS_AT_ONCE = 2


async def _db(request: web.Request, lang: str | None, func, *args):  # noqa: ANN001, ANN202
    """Run a blocking database call in a thread; the database being down is a polite 503."""
    try:
        return await asyncio.to_thread(func, request.app[ENGINE], *args)
    except SQLAlchemyError as exc:
        logger.error("database unavailable: %s", type(exc).__name__)
        raise ApiError("storage_unavailable", 503, lang) from exc


async def chat(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    body, lang = await validate.json_body(request)
    key = validate.conversation_key(body.get("conversation_key"), lang)
    message = validate.message_text(body.get("message"), lang, settings.web_max_message_chars)
    started = time.perf_counter()
    try:
        replies = await request.app[RASA].send(validate.sender_id(key), message, language=lang, channel=CHANNEL)
    except RasaUnavailable:
        replies = []
    rasa_ms = (time.perf_counter() - started) * 1000
    timing = {"Server-Timing": f"rasa;dur={rasa_ms:.1f}"}
    if not replies:
        logger.warning("chat %s: Rasa unavailable after %.0f ms; told the user", validate.handle(key), rasa_ms)
        return json_response(error_body("unavailable", lang), status=503, headers=timing)
    messages = messages_json(replies)
    logger.info(
        "chat %s: %d message(s), %d legal answer(s), Rasa %.0f ms",
        validate.handle(key), len(messages), sum(1 for m in replies if m.is_legal_answer), rasa_ms,
    )
    return json_response({"language": lang, "messages": messages}, headers=timing)


async def vote(request: web.Request) -> web.Response:
    body, lang = await validate.json_body(request)
    key = validate.conversation_key(body.get("conversation_key"), lang)
    answer_id = validate.answer_id(body.get("answer_id"), lang)
    choice = validate.vote(body.get("vote"), lang)
    sender = validate.sender_id(key)
    if not await _db(request, lang, history.has_answer, sender, answer_id):
        raise ApiError("answer_not_found", 404, lang)
    await _db(request, lang, record_vote, sender, answer_id, choice, CHANNEL, lang)
    logger.info("vote %s: %s", validate.handle(key), choice)
    return json_response({"ok": True, "answer_id": answer_id, "vote": choice, "message": say("vote_saved", lang)})


async def comment(request: web.Request) -> web.Response:
    """The optional follow-up comment on a vote (personal data masked by ``record_comment``)."""
    body, lang = await validate.json_body(request)
    key = validate.conversation_key(body.get("conversation_key"), lang)
    answer_id = validate.answer_id(body.get("answer_id"), lang)
    text = validate.comment(body.get("comment"), lang)
    if not await _db(request, lang, record_comment, validate.sender_id(key), answer_id, text):
        raise ApiError("vote_first", 404, lang)
    logger.info("comment %s: stored", validate.handle(key))
    return json_response({"ok": True, "answer_id": answer_id, "message": say("comment_saved", lang)})


async def delete(request: web.Request) -> web.Response:
    body, lang = await validate.json_body(request)
    key = validate.conversation_key(body.get("conversation_key"), lang)
    deleted = await _db(request, lang, delete_user_data, validate.sender_id(key))
    logger.info("delete %s: %d row(s)", validate.handle(key), sum(deleted.values()))
    return json_response({"ok": True, "deleted": deleted, "message": say("deleted", lang)})


async def conversation_history(request: web.Request) -> web.Response:
    """POST (the key travels in the body, never in a URL that proxies and browsers keep)."""
    settings = request.app[SETTINGS]
    body, lang = await validate.json_body(request)
    key = validate.conversation_key(body.get("conversation_key"), lang)
    found = await _db(request, lang, history.conversation, validate.sender_id(key), settings.web_history_limit)
    return json_response({"language": found["language"], "messages": found["messages"]})


async def draft(request: web.Request) -> web.StreamResponse:
    """``{conversation_key, answer_id, format: docx|pdf, language}``: the file of the draft that came
    with the bot message ``answer_id`` of this conversation (read from the tracker store, like the
    history). Logged: the template, the language, the format and the size, never a value."""
    body, lang = await validate.json_body(request)
    key = validate.conversation_key(body.get("conversation_key"), lang)
    answer_id = validate.draft_answer_id(body.get("answer_id"), lang)
    fmt = validate.draft_format(body.get("format"), lang)
    order = await _db(request, lang, history.draft_order, validate.sender_id(key), answer_id)
    if order is None:
        raise ApiError("draft_not_found", 404, lang)
    try:
        async with request.app[DRAFTS]:
            files = await asyncio.to_thread(files_for, order, formats=(fmt,))
    except DraftError as exc:
        logger.info("draft %s: %s (%s) refused: %s, %d field(s)", validate.handle(key), order.template, order.lang,
                    type(exc).__name__, len(exc.fields))
        message = exc.message(lang or order.lang)
        return json_response({"error": "draft_fields", "message": message,
                              "messages": [{"role": "bot", "kind": "error", "text": message}]}, status=422)
    except KeyError as exc:
        logger.warning("draft %s: unknown template %s", validate.handle(key), order.template)
        raise ApiError("draft_unavailable", 422, lang) from exc
    made = files[0]
    logger.info("draft %s: %s (%s) %s, %d bytes", validate.handle(key), order.template, order.lang, fmt, len(made.data))
    return web.Response(body=made.data, content_type=made.mime, headers={
        "Content-Disposition": f'attachment; filename="{made.name}"',
        "Cache-Control": "no-store",
    })


def _db_ok(engine: Engine) -> bool:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return True


async def healthz(request: web.Request) -> web.Response:
    """``ok`` only if the database, Rasa and the action server behind it all answer (a frozen
    action server makes Rasa answer "unavailable" to every question: that is not ok)."""
    try:
        db = await asyncio.to_thread(_db_ok, request.app[ENGINE])
    except SQLAlchemyError:
        db = False
    up = await request.app[RASA].health()
    ok = db and up["rasa"] and up["actions"]
    return json_response({"status": "ok" if ok else "degraded", "rasa": up["rasa"], "actions": up["actions"], "db": db})
