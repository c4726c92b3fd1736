"""The guided self-check's actions (the Rasa form ``selfcheck_form``, nlu_data/domain/selfcheck.yml):

* ``action_selfcheck_start``: (re)starts: clears the ``sc_`` slots, pre-fills them from the
  situation slots (stage, grounds, employer kind, the event's date) and says what is known;
* ``validate_selfcheck_form``: reads each answer, from a button (``/inform_sc{"sc_stage":"dismissal"}``,
  also a correction of an earlier question) or typed text (kk/ru: option names, yes/no/don't know,
  the situation extractor, dates with :func:`tendik.situation.parse_date`), and re-asks in the
  user's language when it is invalid (free text for a choice, an impossible or future date). A
  legal question, another button, back, restart or stop is not an answer: the validation sets
  nothing, the form rejects, and the rules answer it (the form then resumes);
* ``action_selfcheck_back`` (one step back), ``action_selfcheck_stop`` (clears the answers);
* ``action_selfcheck_result``: the result (tendik.compose_selfcheck.selfcheck_result) as one typed
  payload (split into messages of at most 4,096 characters).

No user text is logged: the answers are category ids, and what the user wrote about the employer
(``sc_what``) stays in the conversation's slots only.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from tendik.actions.actions import knowledge, situations
from tendik.compose import MESSAGE_MAX
from tendik.compose_selfcheck import (
    CHOICES,
    DATE_SLOTS,
    FORM,
    FREE_TEXT,
    ORDER,
    PROTECTED,
    SKIP,
    UNKNOWN,
    SelfCheck,
    option_title,
    selfcheck_result,
)
from tendik.lang import LANGS
from tendik.situation import GROUNDS, STAGES, parse_date
from tendik.situation_model import read
from tendik.texts import text

logger = logging.getLogger(__name__)

TIMEZONE = ZoneInfo("Asia/Almaty")
CONTROL_INTENTS = {"start_selfcheck", "selfcheck_stop", "selfcheck_back", "selfcheck_restart"}
QUESTION_INTENTS = {"show_more", "open_lesson"}
# Intents the self-check's rules do not answer in the middle of the form (small talk): re-asked.
SMALL_TALK = {"greet", "goodbye", "thanks", "help", "out_of_scope", "chitchat", "switch_language", "more_topics"}
# Typed answers (compared after folding: lower case, no punctuation); the option names come from
# the same sources as the buttons (tendik.compose_selfcheck.option_title).
YES = {"да", "иә", "ия", "ие", "иа", "yes", "ага", "угу", "конечно", "назвал", "атады", "иә атады"}
NO = {"нет", "жоқ", "жок", "no", "неа", "не называл", "не назвал", "атаған жоқ", "атамады", "ничего", "ештеңе", "ештеңе жоқ",
      "ничего из этого", "никакого", "никаких", "нету", "пока ничего"}
DONT_KNOW = {"не знаю", "незнаю", "не помню", "білмеймін", "билмеймин", "білмеймін ғой", "есімде жоқ", "хз", "unknown",
             "не уверен", "не уверена", "без понятия"}
EVIDENCE_WORDS = {
    "documents": ("документ", "приказ", "договор", "письм", "справк", "акт", "құжат", "бұйрық", "шарт", "анықтама"),
    "witnesses": ("свидетел", "коллег", "куә", "әріптес"),
    "messages": ("переписк", "сообщен", "аудио", "видео", "запис", "скрин", "чат", "whatsapp", "ватсап", "telegram", "телеграм",
                 "хат", "бейне", "жазба"),
}
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[./-](\d{1,2})(?:[./-](\d{2,4}))?\b")
_FOLD = re.compile(r"[^\w\s]+")


def today() -> datetime.date:
    return datetime.datetime.now(TIMEZONE).date()


def fold(value: str) -> str:
    return " ".join(_FOLD.sub(" ", value.lower().replace("ё", "е")).split())


def language(tracker: Tracker) -> str:
    lang = tracker.get_slot("language")
    if lang in LANGS:
        return str(lang)
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    return str(metadata.get("language")) if metadata.get("language") in LANGS else "ru"


def language_events(tracker: Tracker, lang: str) -> list[dict[str, Any]]:
    """The ``language`` slot set to the reply language when it is not: a button's ``/intent``
    payload skips the NLU pipeline that sets it (tendik.rasa.language), so a conversation that
    starts with a button (/check, the widget's entry) would get the bilingual questions."""
    return [] if tracker.get_slot("language") == lang else [SlotSet("language", lang)]


def _intent(tracker: Tracker) -> str:
    return str(((tracker.latest_message or {}).get("intent") or {}).get("name") or "")


def _entities(tracker: Tracker) -> list[tuple[str, Any]]:
    return [(e["entity"], e.get("value")) for e in (tracker.latest_message or {}).get("entities") or []
            if isinstance(e, dict) and isinstance(e.get("entity"), str)]


# ---------------------------------------------------------------- reading one answer
def valid_value(slot: str, value: Any, on: datetime.date) -> str | None:
    """A button's value for ``slot`` when it is one the question allows (dates: ISO, not future)."""
    if not isinstance(value, str):
        return None
    if slot in CHOICES:
        allowed = set(CHOICES[slot]) | (set(GROUNDS) if slot == "sc_ground" else set())
        return value if value in allowed else None
    if slot in DATE_SLOTS:
        if value == UNKNOWN:
            return value
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            return None
        return value if day <= on else None
    return None


def _titles(slot: str) -> dict[str, str]:
    sk = situations()
    out: dict[str, str] = {}
    for option in CHOICES[slot]:
        for lang in LANGS:
            out[fold(option_title(slot, option, lang, sk))] = option
    return out


def read_choice(slot: str, typed: str, on: datetime.date) -> str | None:
    """The option a typed answer names (its title in kk or ru, its number, yes/no/don't know, or what
    the situation extractor reads in it), or None."""
    folded = fold(typed)
    if not folded:
        return None
    options = CHOICES[slot]
    titles = _titles(slot)
    if folded in titles:
        return titles[folded]
    if folded.isdigit() and 1 <= int(folded) <= len(options):
        return options[int(folded) - 1]
    if folded in DONT_KNOW and UNKNOWN in options:
        return UNKNOWN
    if slot == "sc_requirement":
        return "yes" if folded in YES else "no" if folded in NO else None
    if slot == "sc_protected" and folded in NO:
        return "none"
    if slot == "sc_evidence":
        if folded in NO:
            return "none"
        kinds = [kind for kind, stems in EVIDENCE_WORDS.items() if any(s in folded for s in stems)]
        return kinds[0] if len(kinds) == 1 else "several" if kinds else None
    situation = read(typed, on)
    if slot == "sc_stage":
        return situation.stage
    if slot == "sc_ground":
        return situation.grounds[0] if situation.grounds else None
    if slot == "sc_protected":
        return next((g for g in situation.grounds if g in PROTECTED), None)
    if slot == "sc_employer_kind":
        return situation.employer_kind
    return None


def read_date(typed: str, on: datetime.date) -> tuple[str | None, str]:
    """(ISO date or "unknown", "") or (None, the catalog key of the re-ask)."""
    folded = fold(typed)
    if folded in DONT_KNOW:
        return UNKNOWN, ""
    found = parse_date(typed, on)
    if found is not None:
        return found[0].isoformat(), ""
    numeric = _NUMERIC_DATE.search(typed)
    if numeric:
        day, month, year = int(numeric.group(1)), int(numeric.group(2)), numeric.group(3)
        full_year = (int(year) + (2000 if len(year) == 2 else 0)) if year else on.year
        try:
            date = datetime.date(full_year, month, day)
        except ValueError:
            return None, "selfcheck.form.impossible_date"
        if date > on:
            return None, "selfcheck.form.future_date"
    return None, "selfcheck.form.invalid_date"


def follow_ups(slot: str, value: str, tracker: Tracker) -> list[dict[str, Any]]:
    """What an answer changes elsewhere: the order date applies only to a dismissal."""
    if slot != "sc_stage":
        return []
    order = tracker.get_slot("sc_order_date")
    if value != "dismissal" and order != SKIP:
        return [SlotSet("sc_order_date", SKIP)]
    if value == "dismissal" and order == SKIP:
        return [SlotSet("sc_order_date", None)]
    return []


def _known(slots: dict[str, Any], lang: str) -> str:
    """The pre-filled or corrected answers in words."""
    return ", ".join(known_parts(slots, lang))


def known_parts(slots: Mapping[str, Any], lang: str) -> list[str]:
    """The self-check's answers in words, in the questions' order (the free text left out)."""
    sk = situations()
    parts = []
    for slot in ORDER:
        value = slots.get(slot)
        if not isinstance(value, str) or value in (SKIP, UNKNOWN):
            continue
        if slot in CHOICES and value in CHOICES[slot]:
            parts.append(option_title(slot, value, lang, sk).lower())
        elif slot == "sc_ground" and value in sk.grounds:
            parts.append(sk.grounds[value].name[lang])
        elif slot in DATE_SLOTS:
            parts.append(".".join(reversed(value.split("-"))))
    return parts


# ---------------------------------------------------------------- the actions
class ValidateSelfcheckForm(FormValidationAction):
    def name(self) -> str:
        return f"validate_{FORM}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        intent = _intent(tracker)
        if intent in CONTROL_INTENTS:
            return []  # not an answer: the form rejects and the rules act
        lang = language(tracker)
        on = today()
        # Buttons, also those of an earlier question (a correction).
        events: list[dict[str, Any]] = []
        for name, value in _entities(tracker):
            if name in ORDER and (checked := valid_value(name, value, on)) is not None:
                events += [SlotSet(name, checked), *follow_ups(name, checked, tracker)]
        if events:
            return events
        requested = tracker.get_slot("requested_slot")
        typed = ((tracker.latest_message or {}).get("text") or "").strip()
        if requested in ORDER and intent == "inform_sc" and typed.startswith("/"):
            dispatcher.utter_message(text=text("selfcheck.form.invalid_choice", lang))  # a forged or stale button
            return [SlotSet(requested, None)]
        if requested not in ORDER or typed.startswith("/"):
            return []  # the form's activation, or another button (a "more" view): answered by the rules
        asking_question = intent.startswith("ask_") or intent in QUESTION_INTENTS or (typed.endswith("?") and intent not in SMALL_TALK)
        if requested in FREE_TEXT:
            if asking_question and typed.endswith("?"):
                return []
            if len(fold(typed)) < 3:
                dispatcher.utter_message(text=text("selfcheck.form.empty_text", lang))
                return [SlotSet(requested, None)]
            return [SlotSet(requested, typed)]
        if requested in DATE_SLOTS:
            value, error = read_date(typed, on)
        else:
            value = read_choice(requested, typed, on)
            error = "selfcheck.form.invalid_choice"
        if value is not None:
            return [SlotSet(requested, value), *follow_ups(requested, value, tracker)]
        corrections = self._corrections(tracker, requested)
        if corrections:
            dispatcher.utter_message(text=text("selfcheck.form.corrected", lang, known=_known(corrections, lang)))
            events = [SlotSet(k, v) for k, v in corrections.items()]
            for k, v in corrections.items():
                events += follow_ups(k, v, tracker)
            return events
        if asking_question:
            logger.info("selfcheck: a question (%s) while asking %s; answered, then the form resumes", intent, requested)
            return []
        logger.info("selfcheck: invalid answer for %s (%s); re-asked", requested, error)
        dispatcher.utter_message(text=text(error, lang))
        return [SlotSet(requested, None)]

    @staticmethod
    def _corrections(tracker: Tracker, requested: str) -> dict[str, str]:
        """A typed message that names another question's answer (a stage, ground or employer the
        situation extractor found): those answers, when they change something."""
        found: dict[str, str] = {}
        for name, value in _entities(tracker):
            slot = {"stage": "sc_stage", "ground": "sc_ground", "employer_kind": "sc_employer_kind"}.get(name)
            if slot and slot != requested and slot not in found and isinstance(value, str):
                checked = valid_value(slot, value, today())
                if checked is not None and tracker.get_slot(slot) != checked:
                    found[slot] = checked
        return found


class ActionSelfcheckStart(Action):
    """Starts (or restarts) the self-check: clears its answers and pre-fills what the situation
    slots know."""

    def name(self) -> str:
        return "action_selfcheck_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        lang = language(tracker)
        filled = prefill(tracker)
        restart = _intent(tracker) == "selfcheck_restart" or tracker.active_loop_name == FORM
        dispatcher.utter_message(text=text("selfcheck.form.restarted" if restart else "selfcheck.form.intro", lang))
        known = _known(filled, lang)
        if known:
            dispatcher.utter_message(text=text("selfcheck.form.known", lang, known=known))
        logger.info("selfcheck: %s, %d answers pre-filled", "restart" if restart else "start", sum(v not in (None, SKIP) for v in filled.values()))
        return [*language_events(tracker, lang), *(SlotSet(slot, filled.get(slot)) for slot in ORDER), SlotSet("requested_slot", None)]


def prefill(tracker: Tracker) -> dict[str, Any]:
    """The answers the situation slots already give."""
    out: dict[str, Any] = {}
    stage = tracker.get_slot("stage")
    if stage in STAGES:
        out["sc_stage"] = stage
        if stage != "dismissal":
            out["sc_order_date"] = SKIP
    grounds = tracker.get_slot("grounds") or []
    grounds = [g for g in (grounds if isinstance(grounds, list) else [grounds]) if g in GROUNDS]
    if grounds:
        out["sc_ground"] = grounds[0]
    protected = next((g for g in grounds if g in PROTECTED), None)
    if protected:
        out["sc_protected"] = protected
    kind = tracker.get_slot("employer_kind")
    if kind in CHOICES["sc_employer_kind"]:
        out["sc_employer_kind"] = kind
    event = tracker.get_slot("event_date")
    if isinstance(event, str) and valid_value("sc_learned_date", event, today()):
        out["sc_learned_date"] = event
    return out


class ActionSelfcheckBack(Action):
    """One step back: the answer before the question being asked is cleared and asked again."""

    def name(self) -> str:
        return "action_selfcheck_back"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        lang = language(tracker)
        requested = tracker.get_slot("requested_slot")
        position = ORDER.index(requested) if requested in ORDER else len(ORDER)
        earlier = [slot for slot in ORDER[:position] if tracker.get_slot(slot) != SKIP]
        if not earlier:
            dispatcher.utter_message(text=text("selfcheck.form.back_first", lang))
            return []
        dispatcher.utter_message(text=text("selfcheck.form.back", lang))
        return [SlotSet(earlier[-1], None), SlotSet("requested_slot", None)]


class ActionSelfcheckStop(Action):
    """Stops the self-check and forgets its answers (the rules then deactivate the form)."""

    def name(self) -> str:
        return "action_selfcheck_stop"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=text("selfcheck.form.stopped", language(tracker)))
        logger.info("selfcheck: stopped")
        return [*(SlotSet(slot, None) for slot in ORDER), SlotSet("requested_slot", None)]


class ActionSelfcheckResult(Action):
    """The result of a completed self-check as one typed payload; the situation slots take its
    answers so later answers (and the route view) are for this case."""

    def name(self) -> str:
        return "action_selfcheck_result"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        lang = language(tracker)
        check = SelfCheck.from_slots({slot: tracker.get_slot(slot) for slot in ORDER})
        payload = selfcheck_result(knowledge(), situations(), check, lang, today=today())
        for part in payload.parts(MESSAGE_MAX):
            dispatcher.utter_message(text=part.plain_text(), json_message=part.to_dict(), buttons=[b.to_dict() for b in part.buttons])
        events: list[dict[str, Any]] = [SlotSet("last_knowledge", payload.knowledge_ids or None)]
        if check.stage:
            events.append(SlotSet("stage", check.stage))
        if check.grounds:
            events.append(SlotSet("grounds", list(check.grounds)))
        if check.employer_kind:
            events.append(SlotSet("employer_kind", check.employer_kind))
        return events
