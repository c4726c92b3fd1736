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

:func:`install` is called by ``tendik.rasa.server`` before Rasa starts; ``TENDIK_RASA_SPEEDUPS=0`` leaves
Rasa as it is (for a before/after measurement, or if a Rasa upgrade changes the patched method);
``TENDIK_RASA_DOMAIN_DIGEST=0`` keeps only the digest part off, ``TENDIK_RASA_STORED_COUNT=0`` only the
tracker store part.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
from typing import Any, Awaitable, Callable, Dict, Text

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


def _action_call_format(original: Callable[..., Dict[Text, Any]]) -> Callable[..., Dict[Text, Any]]:
    def call_format(self: Any, tracker: Any, domain: Any) -> Dict[Text, Any]:
        result = original(self, tracker, domain)
        if "domain" in result:
            result["domain_digest"] = _domain_digest(domain, result.pop("domain"))
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
    from rasa.utils.endpoints import EndpointConfig

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    if os.environ.get("TENDIK_RASA_STORED_COUNT", "1").strip() != "0":
        from rasa.core.tracker_store import SQLTrackerStore

        SQLTrackerStore._retrieve = _retrieve(SQLTrackerStore._retrieve)  # type: ignore[method-assign]
        SQLTrackerStore._additional_events = _additional_events(SQLTrackerStore._additional_events)  # type: ignore[method-assign]
    if os.environ.get("TENDIK_RASA_DOMAIN_DIGEST", "1").strip() != "0":
        RemoteAction._action_call_format = _action_call_format(RemoteAction._action_call_format)  # type: ignore[method-assign]
        EndpointConfig.request = _request(EndpointConfig.request)  # type: ignore[method-assign]
    _installed = True
    logger.debug("speedups installed")
