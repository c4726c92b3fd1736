"""Rasa's REST channel, hardened: same URL (POST /webhooks/rest/webhook), same JSON in and out.

What it adds to ``rasa.core.channels.rest.RestInput``:
* malformed JSON or a missing sender get a polite reply (HTTP 400), never a stack trace; a
  non-text ``message`` is treated as empty; control characters are removed; a message longer than ``TENDIK_MAX_MESSAGE_CHARS``
  is cut and the user is told so; an empty message gets a hint without touching the tracker;
* personal data in the text (IIN, phone, e-mail, card numbers, names where feasible) is masked
  before the message reaches NLU and the tracker store (``tendik.redact``);
* only known metadata keys pass (``language``: kk/ru, ``channel``), so clients cannot write
  arbitrary data into the tracker store;
* if the assistant produced no reply (the action server is down, or an error), the user gets
  "temporarily unavailable" in their language and the operator a log line, with no user text in it;
  when the action server could not be reached, nothing of that turn is stored either, so the resend
  is stored once (:mod:`tendik.rasa.unanswered`);
* JSON nested too deeply is malformed (400), not a 500; ``input_channel`` must be a short channel
  name (``web``, ``telegram`` ...), otherwise the message is stored as ``rest``;
* the tracker store is not "fail-safe": Rasa would fall back to an in-memory store when
  PostgreSQL is away, answer from an empty conversation and keep the turn nowhere. Here a store
  error fails the turn instead (:func:`strict_tracker_store`), so the user gets "temporarily
  unavailable" (and resends) and nothing is half stored; the tracker store's pool checks a
  connection before using it (``pool_pre_ping``: after a PostgreSQL restart no turn meets a dead
  connection);
* a turn that failed before anything was said because a stored connection was dead (Redis or
  PostgreSQL restarted: the first use of a pooled connection fails, the pool then reconnects) is
  handled once more at once; nothing of it was stored, so nothing is stored twice;
* at most ``TENDIK_RASA_MAX_TURNS`` turns run at once (16); a turn that waited ``TENDIK_RASA_MAX_WAIT``
  seconds (10) for a place is answered "temporarily unavailable" in the user's language and nothing of
  it is stored (:mod:`tendik.rasa.admission`): after a fault, a backlog is told to resend instead of
  making every later reply late;
* ``GET /webhooks/rest/`` (the front ends' health check, no token needed) also says whether the
  action server answers within 3 seconds: ``{"status": "ok"|"degraded", "actions": bool}``.

Log lines name the client by a per-process pseudonym of its address (``tendik.rasa.server.client_tag``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import time
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from tendik.jsondepth import too_deep
from tendik.lang import LanguageDecision, LanguageDetector, decide_language
from tendik.paths import langid_model
from tendik.rasa.admission import RECEIVED_AT_HEADER, admission, waited_before
from tendik.rasa.server import client_tag
from tendik.rasa.speedups import latest_slot_values
from tendik.rasa.unanswered import causes, end_turn, guard_save, not_stored, said_something, watch_turn
from tendik.rasa.unanswered import install as watch_action_server
from tendik.redact import redact
from tendik.system_messages import message as system_message
from tendik.texts import text as catalog_text

logger = logging.getLogger(__name__)

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff\ud800-\udfff]")
ALLOWED_METADATA = {"language", "channel", "client"}
MAX_SENDER = 128
INPUT_CHANNEL = re.compile(r"[a-z][a-z0-9_-]{0,31}")
ACTIONS_HEALTH_TIMEOUT = 3.0
# The draft form (tendik/actions/drafts.py): while it asks for a value, a name typed is kept.
DRAFT_FORM = "draft_form"
DRAFT_VALUE_SLOT = "draft_value"
# The handoff (tendik/actions/handoff.py): a contact the user chose to share is kept as typed.
HANDOFF_FORM = "handoff_form"
HANDOFF_CONTACT_SLOT = "handoff_contact"


def _max_chars() -> int:
    return int(os.environ.get("TENDIK_MAX_MESSAGE_CHARS", "2000"))


def clean_text(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    return CONTROL.sub("", value).strip()


def clean_input_channel(value: Any, default: Text) -> Text:
    """A short channel name as sent (``web``, ``telegram`` ...), else ``default``."""
    return value if isinstance(value, str) and INPUT_CHANNEL.fullmatch(value) else default


def parse_body(raw: bytes) -> Any:
    """The JSON body, or None when it is not JSON (or nested too deeply to parse safely)."""
    try:
        if too_deep(raw or b""):
            return None
        return json.loads(raw or b"")
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


async def action_server_up(request: Request) -> bool:
    """Whether the action server answers its health check in time (a frozen one does not)."""
    agent = getattr(request.app.ctx, "agent", None)
    endpoint = getattr(agent, "action_endpoint", None)
    url = getattr(endpoint, "url", None)
    if not url:
        return False
    import aiohttp

    health = url.rsplit("/webhook", 1)[0] + "/health"
    try:
        timeout = aiohttp.ClientTimeout(total=ACTIONS_HEALTH_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.get(health) as resp:
                return resp.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
        return False


def stale_connection(exc: BaseException) -> bool:
    """The error of a pooled connection that died with its server (PostgreSQL or Redis restarted)."""
    return any(
        getattr(e, "connection_invalidated", False)  # SQLAlchemy: the pool reconnects
        or (type(e).__module__.startswith("redis") and type(e).__name__ == "ConnectionError")
        for e in causes(exc)
    )


class TrackerStoreUnavailable(Exception):
    """The tracker store failed while handling a turn (the turn is not stored)."""


def _raise_store_error(error: Exception) -> None:
    raise TrackerStoreUnavailable(type(error).__name__) from error


def strict_tracker_store(agent: Any) -> None:
    """Make the agent's tracker store raise on errors instead of falling back to memory, and its
    SQL pool ping a connection before use (Rasa's SQLTrackerStore has no option for either).
    Idempotent; a store of another kind is left as it is."""
    store = getattr(agent, "tracker_store", None)
    if store is None or getattr(store, "_tendik_strict", False):
        return
    if hasattr(store, "_on_tracker_store_error"):  # rasa.core.tracker_store.FailSafeTrackerStore
        store._on_tracker_store_error = _raise_store_error
    engine = getattr(getattr(store, "_tracker_store", store), "engine", None)
    pool = getattr(engine, "pool", None)
    if pool is not None and hasattr(pool, "_pre_ping"):
        pool._pre_ping = True
    guard_save(store)  # a turn that found no action server and said nothing is not stored either
    store._tendik_strict = True


def store_failed(exc: BaseException) -> bool:
    return any(isinstance(e, TrackerStoreUnavailable) for e in causes(exc))


def clean_metadata(value: Any) -> Dict[Text, Any]:
    if not isinstance(value, dict):
        return {}
    out = {k: v for k, v in value.items() if k in ALLOWED_METADATA and isinstance(v, str)}
    if out.get("language") not in ("kk", "ru"):
        out.pop("language", None)
    return {k: v[:64] for k, v in out.items()}


class WholeMessageCollector(CollectingOutputChannel):
    """Collects replies like Rasa's collector, but keeps a text in one piece: Rasa splits texts
    on blank lines, which would turn one cited answer into a dozen chat bubbles."""

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._persist_message(self._message(recipient_id, text=text.strip()))


class TendikRestInput(RestInput):
    """Drop-in replacement for the REST channel (its name is still ``rest``)."""

    def __init__(self) -> None:
        model = str(langid_model())
        self.detector = LanguageDetector.load(Path(model))
        watch_action_server()

    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "TendikRestInput":
        return cls()

    @staticmethod
    async def _tracker(request: Request, sender_id: Text, why: Text) -> Any:
        """The conversation's stored tracker, or None (none yet, no store, or the store down: the
        reply must not break on it; ``why`` names the read in the warning)."""
        agent = getattr(request.app.ctx, "agent", None)
        if agent is None or agent.tracker_store is None:
            return None
        try:
            return await agent.tracker_store.retrieve(sender_id)
        except Exception:  # noqa: BLE001 - the store being down must not break the reply
            logger.warning("tracker store unavailable while %s", why)
            return None

    async def _stored_language(self, request: Request, sender_id: Text) -> Tuple[Optional[Text], Optional[Text]]:
        """(sticky preference, last reply language) from the conversation, if any: from the newest
        slot events in an SQL store (``latest_slot_values``), else from the whole tracker."""
        agent = getattr(request.app.ctx, "agent", None)
        if agent is not None and agent.tracker_store is not None:
            try:
                values = latest_slot_values(agent.tracker_store, sender_id, ("language_pref", "language"))
            except Exception:  # noqa: BLE001 - the store being down must not break the reply
                logger.warning("tracker store unavailable while choosing the reply language")
                return None, None
            if values is not None:
                return values["language_pref"], values["language"]
        tracker = await self._tracker(request, sender_id, "choosing the reply language")
        if tracker is None:
            return None, None
        return tracker.get_slot("language_pref"), tracker.get_slot("language")

    async def _private_question(self, request: Request, sender_id: Text) -> Optional[Text]:
        """The question this conversation's form is asking when its answer is the user's own data
        for their own use: a draft's value (names kept) or the contact for an operator (kept)."""
        tracker = await self._tracker(request, sender_id, "checking the question asked")
        if tracker is None:
            return None
        asked = tracker.get_slot("requested_slot")
        if (tracker.active_loop_name, asked) in ((DRAFT_FORM, DRAFT_VALUE_SLOT), (HANDOFF_FORM, HANDOFF_CONTACT_SLOT)):
            return asked
        return None

    async def _paused(self, request: Request, sender_id: Text) -> bool:
        """Whether the conversation was handed to a person (tendik.actions.handoff pauses it)."""
        tracker = await self._tracker(request, sender_id, "checking for a handoff")
        return bool(tracker is not None and tracker.is_paused())

    async def _language(
        self, request: Request, sender_id: Text, text: Text, metadata: Dict[Text, Any]
    ) -> LanguageDecision:
        """The languages of this message, decided here once (``tendik.lang.decide_language``) and
        passed on in the metadata: the NLU pipeline sets the ``language`` slots from it
        (``tendik.rasa.language``) and nothing downstream detects the language again. With the
        channel's own choice there is no need to read the conversation's stored languages."""
        choice = metadata.get("language")
        pref, stored = (None, choice) if choice else await self._stored_language(request, sender_id)
        return decide_language(text, self.detector, channel_choice=choice, preference=pref, current=stored)

    @staticmethod
    def _reply(sender_id: Optional[Text], text: Text, status: int = 200) -> HTTPResponse:
        return response.json([{"recipient_id": sender_id, "text": text}], status=status)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint("tendik_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            actions = await action_server_up(request)
            return response.json({"status": "ok" if actions else "degraded", "actions": actions})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            who = client_tag(request.ip)
            body = parse_body(request.body)
            if not isinstance(body, dict):
                logger.warning("rest: rejected a request from client %s: the body is not a JSON object", who)
                return self._reply(None, system_message("malformed", None), status=400)
            sender_id = body.get("sender")
            if isinstance(sender_id, (int, float)) and not isinstance(sender_id, bool):
                sender_id = str(sender_id)
            if not isinstance(sender_id, str) or not clean_text(sender_id) or len(sender_id) > MAX_SENDER:
                logger.warning("rest: rejected a request from client %s without a valid sender", who)
                return self._reply(None, system_message("malformed", None), status=400)
            sender_id = clean_text(sender_id)
            metadata = clean_metadata(body.get("metadata"))
            text = clean_text(body.get("message"))
            limit = _max_chars()
            truncated = len(text) > limit
            if truncated:
                metadata["truncated_from"] = str(len(text))
                text = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
            decision = await self._language(request, sender_id, text, metadata)
            language = decision.reply
            metadata.update(decision.as_metadata())
            # Personal data (IIN, phone, e-mail, card, names) never reaches the tracker store, except
            # a name typed as a value for the user's own draft document (tendik.actions.drafts).
            # and a contact the user chose to share with an operator (tendik.actions.handoff).
            redacted = redact(text)
            if redacted != text:
                asked = await self._private_question(request, sender_id)
                if asked == DRAFT_VALUE_SLOT:
                    redacted = redact(text, keep_names=True)
                elif asked == HANDOFF_CONTACT_SLOT:
                    redacted = text
            text = redacted
            if not text:
                return self._reply(sender_id, system_message("empty", language))

            # At most TENDIK_RASA_MAX_TURNS turns at once; one that waited TENDIK_RASA_MAX_WAIT seconds for
            # its place is told "temporarily unavailable" now, nothing stored (tendik.rasa.admission).
            gate = admission()
            before = waited_before(request.headers.get(RECEIVED_AT_HEADER))
            if not await gate.enter(before):
                logger.warning("rest: a message from client %s found no place within %.0f s of reaching the front end "
                               "(%.0f s before Rasa; %d turns running); sent 'unavailable' (%d so far)", who, gate.max_wait,
                               before, gate.active, gate.refused)
                return self._reply(sender_id, system_message("unavailable", language))
            try:
                strict_tracker_store(getattr(request.app.ctx, "agent", None))
                collector = WholeMessageCollector()
                started = time.perf_counter()
                for attempt in (1, 2):
                    watching = watch_turn(collector.messages)
                    try:
                        await on_new_message(
                            UserMessage(
                                text,
                                collector,
                                sender_id,
                                input_channel=clean_input_channel(body.get("input_channel"), self.name()),
                                metadata=metadata or None,
                            )
                        )
                    except Exception as exc:  # noqa: BLE001
                        if attempt == 1 and not collector.messages and stale_connection(exc):
                            logger.warning("rest: a stored connection was dead (%s); handling the message once more",
                                           type(exc).__name__)
                            continue
                        if store_failed(exc):
                            # not stored: what was said is not sent (the user resends after "unavailable")
                            logger.error("rest: the tracker store failed for a message from client %s (%s)", who,
                                         type(exc.__cause__ or exc).__name__)
                            collector.messages.clear()
                        elif not_stored(exc):
                            # no reply and not stored (tendik.rasa.unanswered): "unavailable" below, the resend is stored once
                            logger.warning("rest: the action server could not be reached for a message from client %s; "
                                           "the turn is not stored", who)
                        else:
                            logger.exception("rest: the assistant failed to handle a message from client %s", who)
                    finally:
                        end_turn(watching)
                    break
                messages: List[Dict[Text, Any]] = list(collector.messages)
                if truncated:
                    messages.insert(0, {"recipient_id": sender_id, "text": system_message("too_long", language, limit=limit)})
                if not said_something(messages) and await self._paused(request, sender_id):
                    # handed to a person (tendik.actions.handoff): the front end carries the message to the case
                    messages.append({"recipient_id": sender_id, "text": catalog_text("handoff.forwarded", language)})
                if not said_something(messages):
                    logger.error(
                        "rest: no reply produced for a message from client %s (action server down?); sent 'unavailable' after %.0f ms",
                        who, (time.perf_counter() - started) * 1000,
                    )
                    messages.append({"recipient_id": sender_id, "text": system_message("unavailable", language)})
                return response.json(messages)
            finally:
                gate.leave()

        return webhook
