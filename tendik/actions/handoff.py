"""Handing the conversation to a person (issue 14), the bot's side:

* ``action_handoff_offer`` (the user asked for a person, pressed "👤" on an answer, or the bot could
  not answer twice in a row): shows exactly what would be shared (the situation, the self-check's
  answers, the last messages; personal data redacted) and asks consent with three buttons: share,
  share with a contact, do not share;
* ``action_handoff_consent`` records the choice; ``handoff_form`` asks the contact when the user
  chose to leave one (``validate_handoff_form``: a phone or an e-mail);
* ``action_handoff_submit``: declined -> says so; agreed -> a typed payload with the handoff order
  (:class:`tendik.payload.HandoffOrder`) and, in the channels that carry the operators' desk
  (Telegram, the widget), Rasa's conversation is paused: the front end opens the case, routes the
  user's messages to it and resumes the bot when the operator closes it.

Nothing here logs user text; the summary's messages are the tracker's (already masked by the REST
channel) masked again, and a value typed for a draft or the self-check's free text is never in it.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from tendik.actions.actions import situations
from tendik.actions.selfcheck import known_parts, language, language_events
from tendik.compose_selfcheck import ORDER
from tendik.payload import AnswerPayload, Button, HandoffOrder, Section
from tendik.redact import redact
from tendik.texts import text

logger = logging.getLogger(__name__)

FORM = "handoff_form"
SHARE_SLOT = "handoff_share"  # yes | contact | no
CONTACT_SLOT = "handoff_contact"
NO_CONTACT = "-"
DESK_CHANNELS = ("telegram", "web")  # the front ends that open cases and deliver the operators' replies
PRIVATE_QUESTIONS = ("sc_what", "draft_value", CONTACT_SLOT)  # answers to these never go into a summary
LAST_MESSAGES = 5
_PHONE = re.compile(r"^\+?[\d\s\-()]{10,20}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,24}$")


def consent_buttons(lang: str) -> list[dict[str, str]]:
    return [{"title": text(f"handoff.consent.{choice}", lang), "payload": f'/handoff_consent{{"{SHARE_SLOT}":"{choice}"}}'}
            for choice in ("yes", "contact", "no")]


def last_messages(tracker: Tracker, limit: int = LAST_MESSAGES) -> list[str]:
    """The user's last typed messages (not buttons), masked, without the answers to private questions."""
    out: list[str] = []
    requested: str | None = None
    for event in tracker.events:
        if event.get("event") == "slot" and event.get("name") == "requested_slot":
            requested = event.get("value")
        elif event.get("event") == "active_loop" and not (event.get("name")):
            requested = None
        elif event.get("event") == "user":
            typed = str(event.get("text") or "").strip()
            if typed and not typed.startswith("/") and requested not in PRIVATE_QUESTIONS:
                out.append(redact(typed)[:500])
    return out[-limit:]


def summary_of(tracker: Tracker, lang: str) -> dict[str, Any]:
    """What the operator will see: the situation and the self-check in words, the last messages."""
    sk = situations()
    parts: list[str] = []
    grounds = tracker.get_slot("grounds") or []
    for g in grounds if isinstance(grounds, list) else [grounds]:
        if g in sk.grounds:
            parts.append(sk.grounds[g].name[lang])
    stage = tracker.get_slot("stage")
    if stage in sk.stages:
        parts.append(sk.stages[stage].name[lang])
    kind = tracker.get_slot("employer_kind")
    if kind in sk.routes:
        parts.append(sk.routes[kind].name[lang])
    date = tracker.get_slot("event_date")
    if isinstance(date, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        parts.append(".".join(reversed(date.split("-"))))
    check = known_parts({slot: tracker.get_slot(slot) for slot in ORDER}, lang)
    return {"lang": lang, "situation": ", ".join(dict.fromkeys(parts)), "selfcheck": ", ".join(dict.fromkeys(check)),
            "messages": last_messages(tracker)}


def summary_lines(summary: dict[str, Any], lang: str) -> list[str]:
    lines = []
    if summary.get("situation"):
        lines.append(text("handoff.summary.situation", lang, text=summary["situation"]))
    if summary.get("selfcheck"):
        lines.append(text("handoff.summary.selfcheck", lang, text=summary["selfcheck"]))
    if summary.get("messages"):
        lines.append(text("handoff.summary.messages", lang))
        lines += [f"• {m}" for m in summary["messages"]]
    return lines or [text("handoff.summary.nothing", lang)]


class ActionHandoffOffer(Action):
    def name(self) -> str:
        return "action_handoff_offer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        lang = language(tracker)
        summary = summary_of(tracker, lang)
        body = "\n".join([text("handoff.offer_intro", lang), *summary_lines(summary, lang), "", text("handoff.offer_question", lang)])
        dispatcher.utter_message(text=body, buttons=consent_buttons(lang))
        logger.info("handoff: offered (%d messages in the summary)", len(summary["messages"]))
        return [*language_events(tracker, lang), SlotSet(SHARE_SLOT, None), SlotSet(CONTACT_SLOT, None)]


class ActionHandoffConsent(Action):
    """The user's choice: share (the form completes at once), share with a contact (the form asks
    it), or not (the form completes and the submit says nothing was shared)."""

    def name(self) -> str:
        return "action_handoff_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        choice = next((e.get("value") for e in (tracker.latest_message or {}).get("entities") or []
                       if isinstance(e, dict) and e.get("entity") == SHARE_SLOT), None)
        if choice not in ("yes", "contact", "no"):
            choice = "no"
        logger.info("handoff: consent %s", choice)
        return [SlotSet(SHARE_SLOT, choice), SlotSet(CONTACT_SLOT, None if choice == "contact" else NO_CONTACT),
                SlotSet("requested_slot", None)]


class ActionAskHandoffContact(Action):
    def name(self) -> str:
        return f"action_ask_{CONTACT_SLOT}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        lang = language(tracker)
        no = consent_buttons(lang)[-1]
        dispatcher.utter_message(text=text("handoff.ask_contact", lang), buttons=[no])
        return []


def read_contact(typed: str) -> str | None:
    value = " ".join(typed.split())
    if _EMAIL.match(value):
        return value
    if _PHONE.match(value) and sum(c.isdigit() for c in value) >= 10:
        return value
    return None


class ValidateHandoffForm(FormValidationAction):
    def name(self) -> str:
        return f"validate_{FORM}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        typed = str((tracker.latest_message or {}).get("text") or "").strip()
        if tracker.get_slot("requested_slot") != CONTACT_SLOT or typed.startswith("/"):
            return []  # the activation, or a button (no, stop): the rules act
        contact = read_contact(typed)
        if contact is None:
            dispatcher.utter_message(text=text("handoff.contact_invalid", language(tracker)))
            return [SlotSet(CONTACT_SLOT, None)]
        return [SlotSet(CONTACT_SLOT, contact)]


class ActionHandoffSubmit(Action):
    def name(self) -> str:
        return "action_handoff_submit"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        lang = language(tracker)
        share, contact = tracker.get_slot(SHARE_SLOT), tracker.get_slot(CONTACT_SLOT)
        reset = [SlotSet(SHARE_SLOT, None), SlotSet(CONTACT_SLOT, None), SlotSet("requested_slot", None)]
        if share not in ("yes", "contact"):
            dispatcher.utter_message(text=text("handoff.declined", lang))
            return reset
        summary = summary_of(tracker, lang)
        order = HandoffOrder(summary, contact if isinstance(contact, str) and contact != NO_CONTACT else None)
        payload = AnswerPayload(lang=lang, sections=[Section("lead", text=text("handoff.submitted", lang))], source="handoff",
                                view="handoff", handoff=order)
        payload.buttons = [Button(text("handoff.cancel_button", lang), "/handoff_cancel")]
        dispatcher.utter_message(text=payload.plain_text(), json_message=payload.to_dict(), buttons=[b.to_dict() for b in payload.buttons])
        channel = tracker.get_latest_input_channel()
        logger.info("handoff: submitted from %s (%s contact)", channel, "with" if order.contact else "no")
        return [*reset, *([ConversationPaused()] if channel in DESK_CHANNELS else [])]


class ActionHandoffStop(Action):
    def name(self) -> str:
        return "action_handoff_stop"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=text("handoff.declined", language(tracker)))
        return [SlotSet(SHARE_SLOT, None), SlotSet(CONTACT_SLOT, None), SlotSet("requested_slot", None)]
