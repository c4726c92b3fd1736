"""A turn that got no reply because the action server could not be reached is not stored.

Rasa 3.6 catches a custom action's failure, goes on without its events and stores the turn at the
end: the user's message is in the conversation although the front end tells the user "temporarily
unavailable, send it again" (tendik.rasa.rest_channel). The resend then stores the same message a
second time, two user turns in a row without an answer between them (bench/load: 409 and 437 such
messages when the action server was killed for 13 s under the full load).

Here, while a REST turn runs (:func:`watch_turn`), a custom action that fails because the action
server is unreachable (connection refused or reset, a timeout, or the proxy in front of it saying
so: 502/503/504) marks the turn; if the turn then has nothing to say (no text, no custom payload:
what the channel answers "unavailable" to), the tracker store's ``save`` raises
:class:`ActionServerUnreachable` instead of storing it. The channel answers "temporarily
unavailable" as before, and nothing of the turn is stored: the same rule as for a tracker store
that fails (``TrackerStoreUnavailable``). A turn that did say something (a rule's response before
the failing action) is stored as Rasa stores it. An action server that answers with an error of its
own (a bug, HTTP 500) is not "unreachable": that turn is stored as before, for the operator to find.
"""

from __future__ import annotations

import asyncio
import contextvars
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Iterator, Optional


class ActionServerUnreachable(Exception):
    """The turn got no reply because the action server could not be reached (it is not stored)."""


@dataclass
class TurnWatch:
    """One REST turn: where its replies are collected, and whether an action found no server."""

    replies: list
    unreachable: bool = False


_TURN: contextvars.ContextVar[Optional[TurnWatch]] = contextvars.ContextVar("tendik_turn_watch", default=None)
_installed = False


def causes(exc: BaseException, depth: int = 5) -> Iterator[BaseException]:
    """``exc`` and the exceptions it was raised from or during (at most ``depth``)."""
    current: Optional[BaseException] = exc
    while current is not None and depth > 0:
        yield current
        current = current.__cause__ or current.__context__
        depth -= 1


# What a proxy in front of the action server answers when it cannot reach it (nginx in the
# production-shaped stack: 502 while the action server is down, 504 when it does not answer in time).
GATEWAY_STATUSES = frozenset({502, 503, 504})


def unreachable(exc: BaseException) -> bool:
    """Whether the action server could not be reached, directly or through a proxy (not: it answered
    with an error of its own)."""
    import aiohttp

    return any(isinstance(e, (aiohttp.ClientConnectionError, asyncio.TimeoutError, ConnectionError))
               or (isinstance(e, aiohttp.ClientError) and getattr(e, "status", None) in GATEWAY_STATUSES)
               for e in causes(exc))


def said_something(replies: list) -> bool:
    """Whether the collected replies show the user anything (a text or a custom payload)."""
    return any(m.get("text") or m.get("custom") for m in replies)


def not_stored(exc: BaseException) -> bool:
    return any(isinstance(e, ActionServerUnreachable) for e in causes(exc))


def watch_turn(replies: list) -> contextvars.Token:
    """Watch the turn this task is about to run (``replies``: the collector's list of messages)."""
    return _TURN.set(TurnWatch(replies))


def end_turn(token: contextvars.Token) -> None:
    _TURN.reset(token)


def watched_run(run: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """``run`` (an action's), marking the watched turn when it fails for want of an action server."""
    async def watched(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await run(self, *args, **kwargs)
        except Exception as exc:
            watch = _TURN.get()
            if watch is not None and unreachable(exc):
                watch.unreachable = True
            raise

    watched.__wrapped__ = run  # type: ignore[attr-defined]
    return watched


def guard_save(store: Any) -> None:
    """Make ``store.save`` refuse a watched turn that found no action server and said nothing."""
    save = store.save

    async def guarded(tracker: Any, *args: Any, **kwargs: Any) -> Any:
        watch = _TURN.get()
        if watch is not None and watch.unreachable and not said_something(watch.replies):
            raise ActionServerUnreachable("no reply: the action server could not be reached")
        return await save(tracker, *args, **kwargs)

    store.save = guarded


def install() -> None:
    """Mark the watched turn when a custom action (or a form's validation) finds no action server."""
    global _installed
    if _installed:
        return
    from rasa.core.actions.action import RemoteAction

    RemoteAction.run = watched_run(RemoteAction.run)  # type: ignore[method-assign]
    _installed = True
