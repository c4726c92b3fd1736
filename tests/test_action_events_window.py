"""The events a call to the action server carries (tendik.rasa.speedups.action_events_window): the
recent history plus what still decides the state, so the actions read the same slots and form as
from the whole history; the actions that read the history themselves get all of it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from typing import Any

from rasa_sdk import Action

import tendik.actions as actions_package
from tendik.rasa.speedups import ACTION_USER_TURNS, FULL_HISTORY_ACTIONS, action_events_window


def user(text: str) -> dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": "x"}}}


def slot(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "name": name, "value": value}


def loop(name: str | None) -> dict[str, Any]:
    return {"event": "active_loop", "name": name}


ACTION = {"event": "action", "name": "action_listen"}


def conversation(turns: int) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = [{"event": "action", "name": "action_session_start"}, {"event": "session_started"}, ACTION]
    for i in range(turns):
        events += [user(f"message {i}"), {"event": "bot", "text": f"answer {i}"}, ACTION]
    return events


def test_a_short_conversation_goes_whole() -> None:
    events = conversation(ACTION_USER_TURNS)
    assert action_events_window(events) is events
    assert action_events_window(conversation(50), user_turns=0) == conversation(50)


def test_a_long_conversation_keeps_the_last_user_turns_and_the_state_before_them() -> None:
    events = conversation(3)
    events += [slot("language", "kk"), slot("grounds", ["age"]), loop("selfcheck_form"), slot("requested_slot", "sc_stage"),
               slot("language", "ru"), loop(None)]
    events += conversation(20)[2:]
    events += [slot("grounds", ["sex"])]
    window = action_events_window(events)
    assert len(window) < len(events) // 2
    assert all(any(w is e for e in events) for w in window)  # only the tracker's own events
    users = [e["text"] for e in window if e["event"] == "user"]
    assert users == [f"message {i}" for i in range(20 - ACTION_USER_TURNS, 20)]
    # the state at the cut: each slot's last value and the form's last (de)activation, in their order
    head = window[: window.index(next(e for e in window if e["event"] == "user"))]
    assert head == [slot("grounds", ["age"]), loop("selfcheck_form"), slot("requested_slot", "sc_stage"), slot("language", "ru"), loop(None)]
    assert window[-1] == slot("grounds", ["sex"])


def replay(events: list[dict[str, Any]]) -> tuple[dict[str, Any], str | None]:
    """The slots and the active form as a reader of the events in order sees them at the end."""
    slots: dict[str, Any] = {}
    form: str | None = None
    for e in events:
        if e["event"] == "slot":
            slots[e["name"]] = e["value"]
        elif e["event"] == "active_loop":
            form = e["name"]
    return slots, form


def test_the_state_read_from_the_window_is_the_state_of_the_whole_history() -> None:
    for tail in ([], [loop(None)], [loop(None), loop("draft_form")], [loop("draft_form"), loop(None)]):
        events = conversation(2) + [loop("selfcheck_form"), slot("requested_slot", "sc_what"), *tail]
        events += [user(f"x {i}") for i in range(30)] + [slot("requested_slot", None), slot("stage", "hiring")]
        events += conversation(4)[2:]
        window = action_events_window(events)
        assert len(window) < len(events)
        assert replay(window) == replay(events)


def test_every_action_that_reads_the_history_gets_all_of_it() -> None:
    readers = set()
    modules = [importlib.import_module(f"{actions_package.__name__}.{m.name}") for m in pkgutil.iter_modules(actions_package.__path__)]
    assert len(modules) >= 4
    for module in modules:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Action) and cls.__module__ == module.__name__ and "run" in cls.__dict__:
                source = inspect.getsource(cls.run)
                if re.search(r"\.events\b|summary_of\(|last_messages\(", source):
                    readers.add(cls().name())
    assert readers == FULL_HISTORY_ACTIONS
