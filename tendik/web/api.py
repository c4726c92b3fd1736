"""The JSON API the widget calls. Every user-facing text is in the user's language."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from aiohttp import web
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from tendik.common.db import delete_user_data
from tendik.common.feedback import VOTE_REASONS, record_comment, record_reason, record_vote
from tendik.common.rasa_client import BotMessage, RasaClient, RasaUnavailable, mark_received
from tendik.drafts.files import files_for
from tendik.drafts.render import DraftError
from tendik.handoff import store
from tendik.handoff.hours import Hours
from tendik.texts import label
from tendik.web import handoff, history, validate
from tendik.web.errors import ApiError, error_body, json_response
from tendik.web.ordering import ConversationQueue, QueueFull
from tendik.web.present import messages_json
from tendik.web.settings import WebSettings
from tendik.web.texts import text as say

logger = logging.getLogger(__name__)

SETTINGS = web.AppKey("settings", WebSettings)
ENGINE = web.AppKey("engine", Engine)
RASA = web.AppKey("rasa", RasaClient)
DRAFTS = web.AppKey("drafts", asyncio.Semaphore)
HOURS = web.AppKey("hours", Hours)
RASA_TOKEN = web.AppKey("rasa_token", str)  # Rasa's HTTP API: resuming a conversation after a handoff
TURNS = web.AppKey("turns", ConversationQueue)  # one turn at a time per conversation, in arrival order
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


async def _ask_rasa(request: web.Request, sender: str, message: str, lang: str | None, had_case: bool) -> list[BotMessage]:
    """Rasa's reply ([] when it cannot be reached). A user who had a handoff and gets the paused
    conversation's reply (nothing, or "forwarded") while no case is open: the bot is still paused
    (resuming failed when the case ended): resume it and ask again."""
    rasa = request.app[RASA]
    try:
        replies = await rasa.send(sender, message, language=lang, channel=CHANNEL)
    except RasaUnavailable:
        return []
    if not had_case or not handoff.paused_reply(replies):
        return replies
    logger.info("chat: the bot is still paused after a handoff ended; resuming it and asking again")
    if not await rasa.resume(sender, request.app[RASA_TOKEN]):
        return []
    try:
        return await rasa.send(sender, message, language=lang, channel=CHANNEL)
    except RasaUnavailable:
        return []


async def _deliver(request: web.Request, sender: str, after: int, lang: str | None) -> tuple[list[dict[str, Any]], int, bool, list[int]]:
    """The operators' and system lines after ``after`` not delivered yet, each taken for delivery
    first (another replica or poll that took it first wins; it is skipped here). "closed" resumes the
    bot; if Rasa cannot be reached the line is given back and this stops before it (next poll).
    Returns (messages, next cursor, whether a line still waits, the ids taken)."""
    found = await _db(request, lang, handoff.scan, sender, after)
    out: list[dict[str, Any]] = []
    taken: list[int] = []
    next_after, waiting = found.last_id, False
    for line in found.to_deliver:
        if not await _db(request, lang, store.take_for_delivery, line.id):
            continue
        if line.kind == "closed" and not await request.app[RASA].resume(sender, request.app[RASA_TOKEN]):
            await _db(request, lang, store.give_back, line.id)
            next_after, waiting = line.id - 1, True
            break
        taken.append(line.id)
        shown = handoff.line_json(line, handoff.lang_of(lang, found.languages.get(line.handoff_id)))
        if shown is not None:
            out.append(shown)
    return out, next_after, waiting, taken


async def _while_open(request: web.Request, key: str, case: store.Case, message: str, lang: str | None) -> web.Response:
    """A message while the user's case is open: it goes to the operators, not to the bot;
    ``/handoff_cancel`` ends the case and resumes the bot; other buttons are not forwarded."""
    sender = validate.sender_id(key)
    said = handoff.lang_of(lang, case.language)
    if handoff.is_cancel(message):
        await _db(request, lang, store.cancel, sender)
        resumed = await request.app[RASA].resume(sender, request.app[RASA_TOKEN])
        logger.info("chat %s: handoff %s cancelled by the user (bot resumed: %s)", validate.handle(key), case.id[:8], resumed)
        messages = [handoff.notice("handoff.cancelled", said)]
    elif message.startswith("/"):
        logger.info("chat %s: a button while handoff %s is open; not forwarded", validate.handle(key), case.id[:8])
        messages = [handoff.notice("web.handoff_paused", said, [handoff.cancel_button(said)])]
    else:
        await _db(request, lang, store.add_user_message, case, message)
        logger.info("chat %s: forwarded to handoff %s", validate.handle(key), case.id[:8])
        messages = [handoff.notice("handoff.forwarded", said)]
    state = await _db(request, lang, handoff.state, sender, 0)
    return json_response({"language": lang, "messages": messages, "handoff": state.to_json()})


async def chat(request: web.Request) -> web.Response:
    mark_received()  # Rasa counts this message's wait for a place from now (tendik.rasa.admission)
    settings = request.app[SETTINGS]
    body, lang = await validate.json_body(request)
    key = validate.conversation_key(body.get("conversation_key"), lang)
    message = validate.message_text(body.get("message"), lang, settings.web_max_message_chars)
    seq = validate.sequence(body.get("seq"), lang)
    sender = validate.sender_id(key)
    try:
        async with request.app[TURNS].turn(sender, seq):
            return await _chat_turn(request, key, sender, message, lang)
    except QueueFull:
        logger.warning("chat %s: %d messages already wait for their turn; refused one more", validate.handle(key),
                       request.app[TURNS].waiting(sender))
        raise ApiError("too_many_at_once", 429, lang, headers={"Retry-After": "5"}) from None


async def _chat_turn(request: web.Request, key: str, sender: str, message: str, lang: str | None) -> web.Response:
    """One message of the conversation, after its earlier messages were answered."""
    case = await _db(request, lang, store.open_case_for, sender)
    if case is not None:
        return await _while_open(request, key, case, message, lang)
    # A case that ended while the widget was away: its last lines (and the bot's resumption) first.
    had_case = await _db(request, lang, handoff.had_case, sender)
    before, after, waiting, taken = await _deliver(request, sender, 0, lang) if had_case else ([], 0, False, [])
    started = time.perf_counter()
    replies = await _ask_rasa(request, sender, message, lang, had_case)
    rasa_ms = (time.perf_counter() - started) * 1000
    timing = {"Server-Timing": f"rasa;dur={rasa_ms:.1f}"}
    if not replies:
        for line_id in taken:  # not shown after all: the next poll or message delivers them
            await _db(request, lang, store.give_back, line_id)
        logger.warning("chat %s: Rasa unavailable after %.0f ms; told the user", validate.handle(key), rasa_ms)
        return json_response(error_body("unavailable", lang), status=503, headers=timing)
    messages = messages_json(replies)
    found = handoff.order_in(replies)
    if found is not None:
        order, order_lang = found
        opened, queued = await _db(request, lang, handoff.open_from_order, sender, order,
                                   handoff.lang_of(order_lang, lang), request.app[HOURS])
        messages = [*handoff.without_cancel(messages), queued]
        logger.info("chat %s: handoff %s opened (%s contact)", validate.handle(key), opened.id[:8], "with" if order.contact else "no")
    state = await _db(request, lang, handoff.state, sender, after, waiting)
    logger.info(
        "chat %s: %d message(s), %d legal answer(s), Rasa %.0f ms",
        validate.handle(key), len(messages), sum(1 for m in replies if m.is_legal_answer), rasa_ms,
    )
    return json_response({"language": lang, "messages": [*before, *messages], "handoff": state.to_json()}, headers=timing)


async def handoff_updates(request: web.Request) -> web.Response:
    """``{conversation_key, after, language}``: what the operators said (and claimed, closed) since
    the line ``after``, each line delivered once (across replicas); the widget polls while
    ``handoff.poll`` is true and sends back ``handoff.after``."""
    body, lang = await validate.json_body(request)
    key = validate.conversation_key(body.get("conversation_key"), lang)
    after = validate.cursor(body.get("after"), lang)
    sender = validate.sender_id(key)
    messages, next_after, waiting, _taken = await _deliver(request, sender, after, lang)
    state = await _db(request, lang, handoff.state, sender, next_after, waiting)
    if messages:
        logger.info("handoff updates %s: %d line(s) delivered", validate.handle(key), len(messages))
    return json_response({"language": lang, "messages": messages, "handoff": state.to_json()})


async def vote(request: web.Request) -> web.Response:
    body, lang = await validate.json_body(request)
    key = validate.conversation_key(body.get("conversation_key"), lang)
    answer_id = validate.answer_id(body.get("answer_id"), lang)
    choice = validate.vote(body.get("vote"), lang)
    reason = body.get("reason")
    if reason is not None and (choice != "not_helpful" or reason not in VOTE_REASONS):
        raise ApiError("bad_reason", 400, lang)  # a reason goes with a 👎 only, and only a known one
    sender = validate.sender_id(key)
    if not await _db(request, lang, history.has_answer, sender, answer_id):
        raise ApiError("answer_not_found", 404, lang)
    await _db(request, lang, record_vote, sender, answer_id, choice, CHANNEL, lang)
    if reason is not None:
        await _db(request, lang, record_reason, sender, answer_id, reason)
    logger.info("vote %s: %s%s", validate.handle(key), choice, f" ({reason})" if reason else "")
    saved = label("feedback.reason_saved", lang) if reason else say("vote_saved", lang)
    out: dict[str, Any] = {"ok": True, "answer_id": answer_id, "vote": choice, "message": saved}
    if choice == "not_helpful":  # the widget offers these as chips under the 👎 (POSTed back here with the vote)
        out["reason"] = reason
        out["reason_question"] = label("feedback.reason_question", lang)
        out["reasons"] = [{"code": code, "label": label(f"feedback.reason.{code}", lang)} for code in VOTE_REASONS]
    return json_response(out)


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
    sender = validate.sender_id(key)
    thread, state = await _db(request, lang, handoff.history_lines, sender)
    found = await _db(request, lang, history.conversation, sender, settings.web_history_limit, thread)
    return json_response({"language": found["language"], "messages": found["messages"], "handoff": state.to_json()})


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
