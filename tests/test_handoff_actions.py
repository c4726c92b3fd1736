"""Handing the conversation to a person, the bot's side (tendik/actions/handoff.py), run as the action
server runs it (real rasa-sdk Tracker + CollectingDispatcher, real knowledge, nothing mocked): the offer
shows what would be shared (masked; never a draft value or the self-check's free text), consent is asked
first, a contact only when chosen and only a phone or an e-mail, the submit sends the handoff order and
pauses the conversation only in the desk's channels; a refusal shares nothing."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from tendik.actions.handoff import (
    ActionHandoffConsent,
    ActionHandoffOffer,
    ActionHandoffSubmit,
    ValidateHandoffForm,
    last_messages,
    read_contact,
    summary_of,
)
from tendik.payload import AnswerPayload
from tendik.texts import text

pytestmark = pytest.mark.unit


def user(typed: str) -> dict[str, Any]:
    return {"event": "user", "text": typed, "parse_data": {}}


def slot(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "name": name, "value": value}


EVENTS = [
    user("меня уволили из-за возраста, мне 58"), user("/show_more{\"view\":\"law\"}"),
    slot("requested_slot", "sc_what"), user("начальник Иванов сказал, что старики не нужны"), slot("requested_slot", "sc_evidence"),
    user("есть приказ"), {"event": "active_loop", "name": None},
    slot("requested_slot", "draft_value"), user("Сидорова Анна Петровна"), {"event": "active_loop", "name": None},
    slot("requested_slot", None), user("позвоните мне 8 701 123 45 67"),
]


def tracker(latest: str = "", intent: str = "request_human", slots: dict[str, Any] | None = None, events: list | None = None,
            entities: list[dict[str, Any]] | None = None, channel: str = "telegram", requested: str | None = None,
            loop: str | None = None) -> Tracker:
    message = {"text": latest, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or [], "metadata": {}}
    evs = [*(events or []), {"event": "user", "text": latest, "parse_data": message, "input_channel": channel}]
    all_slots = {"language": "ru", "grounds": ["age"], "stage": "dismissal", "employer_kind": "other", "event_date": "2026-11-20",
                 "sc_stage": "dismissal", "sc_ground": "age", "sc_evidence": "documents", "sc_what": "начальник Иванов сказал...",
                 **(slots or {}), "requested_slot": requested}
    return Tracker("handoff-user", all_slots, message, evs, False, None, {"name": loop} if loop else {}, "action_listen")


def run(action: Any, t: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    return dispatcher.messages, events


def test_the_summary_is_masked_and_leaves_out_private_answers() -> None:
    t = tracker("/request_human", events=EVENTS)
    messages = last_messages(t)
    assert messages == ["меня уволили из-за возраста, мне 58", "есть приказ", "позвоните мне [PHONE]"]
    summary = summary_of(t, "ru")
    assert "возраст" in summary["situation"] and "20.11.2026" in summary["situation"]
    assert summary["selfcheck"] and "Иванов" not in str(summary) and "Сидорова" not in str(summary)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_offer_shows_what_is_shared_and_asks_consent(lang: str) -> None:
    said, events = run(ActionHandoffOffer(), tracker("/request_human", slots={"language": lang}, events=EVENTS))
    body = said[-1]["text"]
    assert body.startswith(text("handoff.offer_intro", lang)) and text("handoff.offer_question", lang) in body
    assert "позвоните мне [PHONE]" in body and "8 701" not in body
    assert [b["payload"] for b in said[-1]["buttons"]] == [f'/handoff_consent{{"handoff_share":"{c}"}}' for c in ("yes", "contact", "no")]
    assert {"event": "slot", "name": "handoff_share", "value": None, "timestamp": None} in events


def _slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_consent_choices() -> None:
    for choice, contact in (("yes", "-"), ("contact", None), ("no", "-"), ("garbage", "-")):
        entities = [{"entity": "handoff_share", "value": choice}]
        _, events = run(ActionHandoffConsent(), tracker("/handoff_consent", "handoff_consent", entities=entities))
        assert _slots(events)["handoff_contact"] == contact
        assert _slots(events)["handoff_share"] == (choice if choice != "garbage" else "no")


def test_the_contact_must_be_a_phone_or_an_email() -> None:
    assert read_contact("+7 (701) 123-45-67") == "+7 (701) 123-45-67" and read_contact("aigerim@example.kz")
    assert read_contact("позвоните") is None and read_contact("12345") is None
    said, events = run(ValidateHandoffForm(), tracker("завтра", "nlu_fallback", requested="handoff_contact", loop="handoff_form"))
    assert said[-1]["text"] == text("handoff.contact_invalid", "ru") and _slots(events) == {"handoff_contact": None}
    _, events = run(ValidateHandoffForm(), tracker("8 701 123 45 67", "nlu_fallback", requested="handoff_contact", loop="handoff_form"))
    assert _slots(events) == {"handoff_contact": "8 701 123 45 67"}


@pytest.mark.parametrize("channel, paused", [("telegram", True), ("web", True), ("rest", False)])
def test_submit_sends_the_order_and_pauses_in_the_desks_channels(channel: str, paused: bool) -> None:
    t = tracker("/handoff_consent", "handoff_consent", slots={"handoff_share": "contact", "handoff_contact": "a@b.kz"},
                events=EVENTS, channel=channel)
    said, events = run(ActionHandoffSubmit(), t)
    payload = AnswerPayload.from_dict(said[-1]["custom"])
    assert payload is not None and payload.handoff is not None and payload.handoff.contact == "a@b.kz"
    assert payload.handoff.summary["messages"][-1] == "позвоните мне [PHONE]"
    assert [b.payload for b in payload.buttons] == ["/handoff_cancel"]
    assert any(e.get("event") == "pause" for e in events) is paused


def test_a_refusal_shares_nothing() -> None:
    said, events = run(ActionHandoffSubmit(), tracker("/handoff_consent", "handoff_consent", slots={"handoff_share": "no"}))
    assert len(said) == 1 and said[0]["text"] == text("handoff.declined", "ru") and not said[0].get("custom")
    assert not any(e.get("event") == "pause" for e in events)
