"""Work Rasa 3.6 repeats on every turn that can be done once (found with py-spy; bench/CPU.md).

* ``RemoteAction._validate_action_result`` calls ``jsonschema.validate`` on every action server
  reply, which first checks the (constant) response schema against the JSON-Schema meta-schema and
  builds a new validator: about a third of Rasa's CPU per turn, measured. Here the validator is
  built once per schema and only the reply is validated, with the same error and message.
* ``RemoteAction._action_call_format`` puts Rasa's whole domain (140 KB of JSON) into every call
  to the action server, which encodes, sends, parses and depth-checks it on every turn. Here a
  call carries the domain's digest instead (``domain_digest``, the protocol rasa-sdk 3.21 speaks:
  it keeps the last domain it received with its digest); an action server that does not have that
  domain yet answers 449 before running anything, and the call is sent once more with the domain
  (``EndpointConfig.request``). Each action server replica receives the domain once per process.
* ``SQLTrackerStore.save`` counts the conversation's stored events with an ORM query (a subquery for
  the session start inside a count) to find which events of the tracker are new, although the
  tracker was loaded from those very rows at the start of the same turn, under the conversation's
  lock. Here ``_retrieve`` notes on the tracker how many events it loaded (the same filter: the
  latest session) and the first save of that tracker uses that number instead of the query; any
  other save (a tracker created or loaded otherwise, or saved a second time) counts as Rasa does.
* ``Event.resolve_by_type`` walks every subclass of ``Event`` (``all_subclasses`` with ``inspect``
  checks) for each event of a tracker loaded from the store: about a tenth of Rasa's turn in a
  30-turn conversation. Here the class found for a type name is remembered (the same class, the same
  errors for unknown names).
* ``SQLTrackerStore._retrieve`` builds an ORM object per stored event and parses each event's JSON
  on its own. Here only the ``data`` column is read (the same query, filter and order) and parsed in
  one call; the tracker is rebuilt from the same dicts.
* ``SQLTrackerStore.save`` writes each event with ``json.dumps``' default ``ensure_ascii=True``: every
  Cyrillic letter of the texts and answers is stored as a 6-byte ``\\uXXXX`` escape, so a Kazakh or
  Russian answer's event is about 4 times longer than its text (40 KB for a 9 KB answer, measured)
  and every turn reads and parses the conversation's events again. Here new events are stored as
  UTF-8 JSON (``ensure_ascii=False``); both forms read back the same, so older rows need nothing.
* The call to the action server carries the tracker's whole history, which grows with every turn
  (Rasa encodes it, the action server parses and depth-checks it: the action server's CPU per turn
  grew from 3 to 20 ms over 40 turns, measured). Here the call carries the events of the last
  :data:`ACTION_USER_TURNS` user messages, preceded by the last event of each slot and the last form
  (de)activations before them, so the slots, the form and what was asked last read the same
  (:func:`action_events_window`); the tracker's ``slots``, ``latest_message`` and ``active_loop``
  travel as before. The actions that read the history themselves (:data:`FULL_HISTORY_ACTIONS`: the
  handoff summary) get all of it.

:func:`install` is called by ``tendik.rasa.server`` before Rasa starts; ``TENDIK_RASA_SPEEDUPS=0`` leaves
Rasa as it is (for a before/after measurement, or if a Rasa upgrade changes the patched method);
``TENDIK_RASA_DOMAIN_DIGEST=0`` keeps only the digest part off, ``TENDIK_RASA_STORED_COUNT=0`` only the
tracker store part, ``TENDIK_RASA_FAST_LOAD=0`` reads trackers as Rasa does, ``TENDIK_RASA_ACTION_EVENTS=0``
sends the whole history to the action server.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

logger = logging.getLogger(__name__)

_installed = False


def _validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    validator = getattr(type(self), "_tendik_validator", None)
    if validator is None:
        from jsonschema.validators import validator_for

        schema = self.action_response_format_spec()
        cls = validator_for(schema)
        cls.check_schema(schema)  # once, as jsonschema.validate would on every call
        validator = cls(schema)
        type(self)._tendik_validator = validator
    try:
        error = best_match(validator.iter_errors(result))  # the error jsonschema.validate would raise
        if error is not None:
            raise error
        return True
    except ValidationError as e:
        e.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            "For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise e


_domains: Dict[Text, Dict[Text, Any]] = {}  # digest -> the domain's JSON, the one a 449 asks for
MISSING_DOMAIN = 449  # rasa-sdk: "this digest is not the domain I have; send the domain"


def _domain_digest(domain: Any, as_dict: Dict[Text, Any]) -> Text:
    """The digest of the domain object (computed once per object: a model's domain never changes)."""
    digest = getattr(domain, "_tendik_digest", None)
    if digest is None:
        digest = hashlib.sha256(json.dumps(as_dict, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()
        try:
            domain._tendik_digest = digest
        except AttributeError:  # pragma: no cover - a domain type that refuses attributes: digest each call
            pass
    if digest not in _domains:
        _domains.clear()  # one model's domain at a time (a reloaded model brings a new one)
        _domains[digest] = as_dict
    return digest


ACTION_USER_TURNS = 10  # user messages whose events go to the action server
# the actions that read the conversation's history themselves (the handoff summary: the user's last
# typed messages, without the answers to private questions): they get the whole history
FULL_HISTORY_ACTIONS = frozenset({"action_handoff_offer", "action_handoff_submit"})


def action_events_window(events: List[Dict[Text, Any]], user_turns: int = ACTION_USER_TURNS) -> List[Dict[Text, Any]]:
    """The events an action needs, from a tracker's serialised history: everything from the
    ``user_turns``-th last user message on, preceded by the events before it that still decide the
    state there: the last event of each slot, the last form activation and the last deactivation, in
    their order. Every event kept is one of the tracker's own. ``user_turns <= 0``, or no more user
    messages than that: all events."""
    if user_turns <= 0:
        return events
    users = [i for i, e in enumerate(events) if e.get("event") == "user"]
    if len(users) <= user_turns:
        return events
    cut = users[-user_turns]
    last: Dict[Any, int] = {}
    for i in range(cut):
        e = events[i]
        kind = e.get("event")
        if kind == "slot":
            last[("slot", e.get("name"))] = i
        elif kind == "active_loop":
            last[("active_loop", bool(e.get("name")))] = i
    return [events[i] for i in sorted(last.values())] + events[cut:]


def _action_events() -> int:
    try:
        return int(os.environ.get("TENDIK_RASA_ACTION_EVENTS", str(ACTION_USER_TURNS)))
    except ValueError:
        return ACTION_USER_TURNS


def _action_call_format(original: Callable[..., Dict[Text, Any]], digest: bool = True,
                        user_turns: int = ACTION_USER_TURNS) -> Callable[..., Dict[Text, Any]]:
    def call_format(self: Any, tracker: Any, domain: Any) -> Dict[Text, Any]:
        result = original(self, tracker, domain)
        if digest and "domain" in result:
            result["domain_digest"] = _domain_digest(domain, result.pop("domain"))
        state = result.get("tracker")
        if user_turns > 0 and self.name() not in FULL_HISTORY_ACTIONS and isinstance(state, dict) and isinstance(state.get("events"), list):
            state["events"] = action_events_window(state["events"], user_turns)
        return result

    return call_format


def _request(original: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    async def request(self: Any, *args: Any, **kwargs: Any) -> Any:
        from rasa.utils.endpoints import ClientResponseError

        try:
            return await original(self, *args, **kwargs)
        except ClientResponseError as e:
            body = kwargs.get("json")
            if e.status != MISSING_DOMAIN or not isinstance(body, dict) or "domain" in body:
                raise
            domain = _domains.get(body.get("domain_digest") or "")
            if domain is None:
                raise
            logger.debug("the action server asked for the domain: sending it once")
            return await original(self, *args, **{**kwargs, "json": {**body, "domain": domain}})

    return request


_event_classes: Dict[Text, Any] = {}  # type name -> the Event class Rasa's resolve_by_type finds


def _resolve_by_type(original: Callable[..., Any]) -> Callable[..., Any]:
    def resolve_by_type(type_name: Text, default: Any = None) -> Any:
        cls = _event_classes.get(type_name)
        if cls is not None:
            return cls
        try:
            cls = original(type_name)
        except ValueError:
            cls = None
        if cls is None:  # unknown (or the old "topic"): Rasa's answer, default or error
            return original(type_name, default)
        _event_classes[type_name] = cls
        return cls

    return staticmethod(resolve_by_type)


async def _retrieve_rows(self: Any, sender_id: Text, fetch_events_from_all_sessions: bool) -> Any:
    """Rasa's SQLTrackerStore._retrieve with the events' JSON read as one column and parsed at once."""
    from rasa.shared.core.trackers import DialogueStateTracker

    with self.session_scope() as session:
        query = self._event_query(session, sender_id, fetch_events_from_all_sessions=fetch_events_from_all_sessions)
        rows = query.with_entities(self.SQLEvent.data).all()
        if not self.domain or not rows:
            logger.debug("no stored tracker for this conversation")
            return None
        events = json.loads("[" + ",".join(row[0] for row in rows) + "]")
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)


class _Utf8Json:
    """``json`` for Rasa's tracker store module: ``dumps`` keeps non-ASCII letters as they are."""

    loads = staticmethod(json.loads)
    JSONDecodeError = json.JSONDecodeError

    @staticmethod
    def dumps(obj: Any, **kwargs: Any) -> str:
        kwargs.setdefault("ensure_ascii", False)
        return json.dumps(obj, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(json, name)


RESETS = ("restart", "reset_slots")  # events after which every slot is back to its initial value


def latest_slot_values(store: Any, sender_id: Text, names: tuple[Text, ...]) -> Optional[Dict[Text, Any]]:
    """The current values of a few slots of a conversation, read from its newest slot events in the
    SQL tracker store instead of loading and replaying the whole conversation (the REST channel
    needs the stored language before each turn of a front end that did not choose one). A slot
    never set, or set before a restart or a slot reset, is None (the project's language slots start
    empty). Sessions carry their slots over as new slot events (``carry_over_slots_to_new_session``),
    so the newest event is the value. None when the store is not SQL (the caller reads the tracker)."""
    import sqlalchemy as sa
    from rasa.core.tracker_store import SQLTrackerStore

    inner = getattr(store, "_tracker_store", store)
    if not isinstance(inner, SQLTrackerStore):
        return None
    event = inner.SQLEvent
    with inner.session_scope() as session:
        # the newest event of each slot and of each kind of reset (two small indexed queries, whatever
        # the conversation's length)
        newest = (
            session.query(event.type_name, event.action_name, sa.func.max(event.id))
            .filter(event.sender_id == sender_id,
                    (event.type_name.in_(RESETS)) | ((event.type_name == "slot") & event.action_name.in_(names)))
            .group_by(event.type_name, event.action_name)
            .all()
        )
        reset = max((i for type_name, _, i in newest if type_name in RESETS), default=0)
        ids = [i for type_name, _, i in newest if type_name == "slot" and i > reset]
        rows = session.query(event.action_name, event.data).filter(event.id.in_(ids)).all() if ids else []
    values = {name: json.loads(data).get("value") for name, data in rows}
    return {name: values.get(name) for name in names}


STORED = "_tendik_stored_events"  # on a tracker: how many of its events _retrieve loaded from the store


def _retrieve(original: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    async def retrieve(self: Any, sender_id: Text, fetch_events_from_all_sessions: bool) -> Any:
        tracker = await original(self, sender_id, fetch_events_from_all_sessions)
        if tracker is not None and not fetch_events_from_all_sessions:
            setattr(tracker, STORED, len(tracker.events))
        return tracker

    return retrieve


def _additional_events(original: Callable[..., Any]) -> Callable[..., Any]:
    def additional_events(self: Any, session: Any, tracker: Any) -> Any:
        stored = tracker.__dict__.pop(STORED, None)  # once: a second save counts as Rasa does
        if stored is None or stored > len(tracker.events):
            return original(self, session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))

    return additional_events


def install() -> None:
    global _installed
    if _installed or os.environ.get("TENDIK_RASA_SPEEDUPS", "1").strip() == "0":
        return
    from rasa.core.actions.action import RemoteAction
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import Event
    from rasa.utils.endpoints import EndpointConfig

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    if os.environ.get("TENDIK_RASA_FAST_LOAD", "1").strip() != "0":
        Event.resolve_by_type = _resolve_by_type(Event.resolve_by_type)  # type: ignore[method-assign]
        SQLTrackerStore._retrieve = _retrieve_rows  # type: ignore[method-assign]
        import rasa.core.tracker_store as tracker_store_module

        tracker_store_module.json = _Utf8Json()  # type: ignore[assignment]
    if os.environ.get("TENDIK_RASA_STORED_COUNT", "1").strip() != "0":
        SQLTrackerStore._retrieve = _retrieve(SQLTrackerStore._retrieve)  # type: ignore[method-assign]
        SQLTrackerStore._additional_events = _additional_events(SQLTrackerStore._additional_events)  # type: ignore[method-assign]
    digest = os.environ.get("TENDIK_RASA_DOMAIN_DIGEST", "1").strip() != "0"
    RemoteAction._action_call_format = _action_call_format(  # type: ignore[method-assign]
        RemoteAction._action_call_format, digest=digest, user_turns=_action_events())
    if digest:
        EndpointConfig.request = _request(EndpointConfig.request)  # type: ignore[method-assign]
    _installed = True
    logger.debug("speedups installed")
