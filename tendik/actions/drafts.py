"""The draft form (``draft_form``, nlu_data/domain/drafts.yml): what a draft template needs that the
self-check does not know, asked one value at a time, then the draft as a typed payload whose
``draft`` order the front ends turn into DOCX and PDF files (tendik.drafts.files.files_for).

* ``action_draft_start``: started by the self-check result's buttons
  (``/request_draft{"draft_template":"request-reasons"}``) or a typed request; fills what is known
  (the self-check's answers: what happened, the dates, the evidence; values typed for an earlier
  draft in this conversation) and says how the values are kept;
* ``action_ask_draft_template`` / ``action_ask_draft_value``: the template (buttons) and the next
  value (its label from the template, "fill in by hand", "fill the rest by hand", back, stop);
* ``validate_draft_form``: takes the typed value (dates checked and read, lengths limited, a
  question re-asked), "fill in by hand" (``BLANK``: a line in the document), back/stop/another
  draft/the self-check are left to the rules;
* ``action_draft_back``, ``action_draft_stop`` (forgets the values), ``action_draft_files`` (the
  payload with the order).

Privacy: the values are the user's own data. They live only in this conversation's slots
(``draft_values``) and the final payload, are deleted with the conversation, are never logged
(only the template, the language and counts) and are hidden in the review app. The REST channel
keeps a value as typed (no name masking) only while this form asks for it. Personal numbers are
never asked (the IIN is left blank for the worker to write in).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Mapping
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from tendik.actions.actions import knowledge, situations
from tendik.actions.selfcheck import fold, language, language_events, today
from tendik.compose import MESSAGE_MAX
from tendik.compose_selfcheck import ORDER, SKIP, TEMPLATES, UNKNOWN, SelfCheck, option_title, selfcheck_result
from tendik.drafts.dates import parse_date_value
from tendik.drafts.files import program_fields
from tendik.drafts.render import DraftError, Template, fill, load_templates
from tendik.payload import BLANK, AnswerPayload, Button, DraftOrder, Section
from tendik.texts import text

logger = logging.getLogger(__name__)

FORM = "draft_form"
TEMPLATE_SLOT = "draft_template"
VALUE_SLOT = "draft_value"  # the form's question ("done" when every value is in)
FIELD_SLOT = "draft_field"  # the field being asked
VALUES_SLOT = "draft_values"  # {field: value}: the user's own data, this conversation only
ASKED_SLOT = "draft_asked"  # the fields asked so far, in order (for "back")
SLOTS = (TEMPLATE_SLOT, VALUE_SLOT, FIELD_SLOT, VALUES_SLOT, ASKED_SLOT)
DONE = "done"
PROGRAM = ("today", "ground", "norms")  # filled by the program
NEVER_ASKED = ("worker_iin",)  # personal numbers: a blank line the worker fills in by hand
LONG_FIELDS = ("event", "decision", "demands", "evidence", "calculation", "comparison", "reconciliation", "commission_info")
SHORT_MAX, LONG_MAX = 300, 1500
CONTROL_INTENTS = {"selfcheck_stop", "selfcheck_back", "selfcheck_restart", "start_selfcheck", "request_draft"}
SKIP_WORDS = {"пропустить", "пропуск", "заполню сам", "заполню сама", "сам заполню", "сама заполню", "заполню", "дальше",
              "өзім толтырамын", "өзім толтырам", "өзім жазамын", "өткізу", "өткізіп жіберу", "откизу", "озим толтырамын", "skip"}
SKIP_ALL_WORDS = {"остальное заполню сам", "остальное заполню сама", "остальное сам", "қалғанын өзім толтырамын",
                  "калганын озим толтырамын", "қалғанын өзім"}


# ---------------------------------------------------------------- what is known, what to ask
def _values(tracker: Tracker) -> dict[str, str]:
    raw = tracker.get_slot(VALUES_SLOT)
    return {k: v for k, v in raw.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(raw, Mapping) else {}


def _iso(value: Any) -> str | None:
    if not isinstance(value, str) or value in (UNKNOWN, SKIP):
        return None
    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        return None


def known_values(slots: Mapping[str, Any], lang: str) -> dict[str, str]:
    """The values the self-check's answers give (what happened in the user's words, the dates, the
    evidence) and the personal numbers that are never asked."""
    out: dict[str, str] = {name: BLANK for name in NEVER_ASKED}
    what = slots.get("sc_what")
    if isinstance(what, str) and what.strip() and what != SKIP:
        out["event"] = out["decision"] = what.strip()
    order, learned = _iso(slots.get("sc_order_date")), _iso(slots.get("sc_learned_date"))
    event = (order if slots.get("sc_stage") == "dismissal" else None) or learned or _iso(slots.get("event_date"))
    if event:
        out["event_date"] = event
    if order:
        out["order_date"] = order
    evidence = slots.get("sc_evidence")
    if isinstance(evidence, str) and evidence not in ("none", UNKNOWN, SKIP):
        try:
            out["evidence"] = option_title("sc_evidence", evidence, lang, situations())
        except KeyError:
            pass
    return out


def program_values(slots: Mapping[str, Any], lang: str) -> dict[str, str]:
    """``ground`` and ``norms`` from a completed self-check (the paragraphs its result quotes)."""
    check = SelfCheck.from_slots({slot: slots.get(slot) for slot in ORDER})
    if not check.stage and not check.grounds:
        return {}
    result = selfcheck_result(knowledge(), situations(), check, lang, today=today())
    refs = [f"{c.norm_id}:{c.paragraph or '0'}" for c in result.quoted()]
    return program_fields(check.grounds, refs, lang)


def to_ask(template: Template, values: Mapping[str, str]) -> list[str]:
    """The required fields not known yet, in the template's order."""
    return [name for name, f in template.fields.items()
            if f.required and name not in PROGRAM and not (values.get(name) or "").strip()]


def _template(tracker: Tracker) -> Template | None:
    tid = tracker.get_slot(TEMPLATE_SLOT)
    return load_templates().get(tid) if isinstance(tid, str) else None


def _requested_template(tracker: Tracker) -> str | None:
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if isinstance(entity, dict) and entity.get("entity") == TEMPLATE_SLOT and entity.get("value") in load_templates():
            return str(entity["value"])
    return None


def _start_events(tracker: Tracker, template: Template, lang: str, dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    """The values for ``template`` (earlier drafts' values, then what the self-check gives) and its
    first question; says how the values are kept."""
    slots = {name: tracker.get_slot(name) for name in (*ORDER, "event_date")}
    values = {**_values(tracker), **known_values(slots, lang)}
    missing = to_ask(template, values)
    title = template.title[lang]
    if missing:
        dispatcher.utter_message(text=text("drafts.form.intro", lang, title=title, n=len(missing)))
    else:
        dispatcher.utter_message(text=text("drafts.form.intro_none", lang, title=title))
    logger.info("draft form: %s (%s), %d values known, %d to ask", template.id, lang, len(values), len(missing))
    return [SlotSet(TEMPLATE_SLOT, template.id), SlotSet(VALUES_SLOT, values), SlotSet(ASKED_SLOT, []),
            SlotSet(FIELD_SLOT, missing[0] if missing else None), SlotSet(VALUE_SLOT, None if missing else DONE),
            SlotSet("requested_slot", None)]


def _buttons(lang: str, first: bool) -> list[dict[str, str]]:
    out = [{"title": text("drafts.form.skip", lang), "payload": "/draft_skip"},
           {"title": text("drafts.form.skip_all", lang), "payload": "/draft_skip_all"}]
    if not first:
        out.append({"title": text("drafts.form.back_button", lang), "payload": "/selfcheck_back"})
    out.append({"title": text("drafts.form.stop_button", lang), "payload": "/selfcheck_stop"})
    return out


def template_buttons(lang: str) -> list[dict[str, str]]:
    return [{"title": text(f"selfcheck.form.draft.{t.replace('-', '_')}", lang), "payload": f'/request_draft{{"draft_template":"{t}"}}'}
            for t in TEMPLATES]


def read_value(template: Template, field: str, typed: str, on: datetime.date, lang: str) -> tuple[str | None, str]:
    """(the value to keep, "") or (None, the re-ask in the user's language)."""
    label = template.fields[field].label[lang]
    value = " ".join(typed.split()) if field not in LONG_FIELDS else typed.strip()
    folded = fold(value)
    if not folded:
        return None, text("drafts.form.empty", lang)
    if value.endswith("?"):
        return None, text("drafts.form.question", lang, label=label)
    limit = LONG_MAX if field in LONG_FIELDS else SHORT_MAX
    if len(value) > limit:
        return None, text("drafts.form.too_long", lang, limit=limit)
    if field in template.date_fields():
        day = parse_date_value(value, on)
        if day is None:
            return None, text("drafts.form.invalid_date", lang)
        if day > on:
            return None, text("drafts.form.future_date", lang)
        return day.isoformat(), ""
    return value, ""


def _after_answer(template: Template, values: dict[str, str], asked: list[str], field: str) -> list[dict[str, Any]]:
    nxt = to_ask(template, values)
    return [SlotSet(VALUES_SLOT, values), SlotSet(ASKED_SLOT, [*asked, field]), SlotSet(FIELD_SLOT, nxt[0] if nxt else None),
            SlotSet(VALUE_SLOT, None if nxt else DONE)]


# ---------------------------------------------------------------- the actions
class ValidateDraftForm(FormValidationAction):
    def name(self) -> str:
        return f"validate_{FORM}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        message = tracker.latest_message or {}
        intent = str((message.get("intent") or {}).get("name") or "")
        typed = str(message.get("text") or "").strip()
        requested = tracker.get_slot("requested_slot")
        lang = language(tracker)
        folded = fold(typed)
        if typed.startswith("/"):  # a button
            if requested == TEMPLATE_SLOT and intent == "request_draft" and (chosen := _requested_template(tracker)):
                return _start_events(tracker, load_templates()[chosen], lang, dispatcher)
            if intent in CONTROL_INTENTS or requested not in (TEMPLATE_SLOT, VALUE_SLOT):
                return []  # back, stop, another draft, the self-check: the rules act (or the form's activation)
        elif requested not in (TEMPLATE_SLOT, VALUE_SLOT):
            return []  # the form's activation by a typed request
        elif intent in CONTROL_INTENTS and len(folded.split()) <= 3 and folded not in SKIP_WORDS | SKIP_ALL_WORDS:
            if float((message.get("intent") or {}).get("confidence") or 0) >= 0.7:
                return []  # "стоп", "назад" typed: the rules act; anything longer is an answer
        if requested == TEMPLATE_SLOT:
            dispatcher.utter_message(text=text("drafts.form.invalid_choice", lang), buttons=template_buttons(lang))
            return [SlotSet(TEMPLATE_SLOT, None)]
        if requested != VALUE_SLOT:
            return []
        template, field = _template(tracker), tracker.get_slot(FIELD_SLOT)
        if template is None or not isinstance(field, str) or field not in template.fields:
            logger.warning("draft form: no template or field to fill; the form starts again")
            return [SlotSet(TEMPLATE_SLOT, None), SlotSet(VALUE_SLOT, None)]
        values, asked = _values(tracker), list(tracker.get_slot(ASKED_SLOT) or [])
        if (intent == "draft_skip_all" and typed.startswith("/")) or folded in SKIP_ALL_WORDS:
            for name in to_ask(template, values):
                values[name] = BLANK
            logger.info("draft form: %s, the rest left blank", template.id)
            return _after_answer(template, values, asked, field)
        if (intent == "draft_skip" and typed.startswith("/")) or folded in SKIP_WORDS:
            values[field] = BLANK
            return _after_answer(template, values, asked, field)
        if typed.startswith("/"):
            return [SlotSet(VALUE_SLOT, None)]  # a stale or forged button: the question again
        value, error = read_value(template, field, typed, today(), lang)
        if value is None:
            logger.info("draft form: %s, the answer for %s re-asked", template.id, field)
            dispatcher.utter_message(text=error)
            return [SlotSet(VALUE_SLOT, None)]
        values[field] = value
        return _after_answer(template, values, asked, field)


class ActionDraftStart(Action):
    def name(self) -> str:
        return "action_draft_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        lang = language(tracker)
        chosen = _requested_template(tracker)
        if chosen is None:  # typed ("хочу составить жалобу"): the form asks which draft
            return [*language_events(tracker, lang), SlotSet(TEMPLATE_SLOT, None), SlotSet(VALUE_SLOT, None), SlotSet(FIELD_SLOT, None),
                    SlotSet("requested_slot", None)]
        return [*language_events(tracker, lang), *_start_events(tracker, load_templates()[chosen], lang, dispatcher)]


class ActionAskDraftTemplate(Action):
    def name(self) -> str:
        return f"action_ask_{TEMPLATE_SLOT}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        lang = language(tracker)
        buttons = [*template_buttons(lang), {"title": text("drafts.form.stop_button", lang), "payload": "/selfcheck_stop"}]
        dispatcher.utter_message(text=text("drafts.form.choose", lang), buttons=buttons)
        return []


class ActionAskDraftValue(Action):
    def name(self) -> str:
        return f"action_ask_{VALUE_SLOT}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        lang = language(tracker)
        template, field = _template(tracker), tracker.get_slot(FIELD_SLOT)
        if template is None or not isinstance(field, str) or field not in template.fields:
            dispatcher.utter_message(text=text("drafts.form.choose", lang), buttons=template_buttons(lang))
            return []
        asked = list(tracker.get_slot(ASKED_SLOT) or [])
        values = _values(tracker)
        remaining = to_ask(template, values)
        n = len(asked) + len(remaining)
        label = template.fields[field].label[lang]
        question = text("drafts.form.ask", lang, i=len(asked) + 1, n=max(n, len(asked) + 1), label=label)
        if field in template.date_fields():
            question = f"{question} {text('drafts.form.date_hint', lang)}"
        dispatcher.utter_message(text=question, buttons=_buttons(lang, first=not asked))
        return []


class ActionDraftBack(Action):
    """The value before the question being asked is cleared and asked again."""

    def name(self) -> str:
        return "action_draft_back"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        lang = language(tracker)
        asked = list(tracker.get_slot(ASKED_SLOT) or [])
        if not asked:
            dispatcher.utter_message(text=text("drafts.form.back_first", lang))
            return []
        values = _values(tracker)
        previous = asked.pop()
        values.pop(previous, None)
        dispatcher.utter_message(text=text("drafts.form.back", lang))
        return [SlotSet(VALUES_SLOT, values), SlotSet(ASKED_SLOT, asked), SlotSet(FIELD_SLOT, previous), SlotSet(VALUE_SLOT, None),
                SlotSet("requested_slot", None)]


class ActionDraftStop(Action):
    """Stops the draft and forgets every value typed for drafts (the rules deactivate the form)."""

    def name(self) -> str:
        return "action_draft_stop"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        if tracker.active_loop_name == FORM and tracker.latest_message.get("intent", {}).get("name") == "selfcheck_stop":
            dispatcher.utter_message(text=text("drafts.form.stopped", language(tracker)))
        logger.info("draft form: stopped")
        return [*(SlotSet(slot, None) for slot in SLOTS), SlotSet("requested_slot", None)]


class ActionDraftFiles(Action):
    """The finished draft: a typed payload (what it is, the check-with-a-lawyer warning, how the
    values are kept) carrying the order the front ends turn into files."""

    def name(self) -> str:
        return "action_draft_files"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        lang = language(tracker)
        template = _template(tracker)
        reset = [SlotSet(VALUE_SLOT, None), SlotSet(FIELD_SLOT, None), SlotSet(ASKED_SLOT, None), SlotSet("requested_slot", None)]
        if template is None:
            dispatcher.utter_message(text=text("drafts.form.choose", lang), buttons=template_buttons(lang))
            return reset
        slots = {name: tracker.get_slot(name) for name in ORDER}
        values = {k: v for k, v in _values(tracker).items() if k in template.fields}
        fields = {**values, **program_values(slots, lang)}
        try:
            fill(template, fields, lang, today=today())  # checked here, made into files by the front end
        except DraftError as err:
            logger.info("draft form: %s (%s) cannot be filled: %d fields", template.id, lang, len(err.fields))
            dispatcher.utter_message(text=err.message(lang))
            return reset
        title = template.title[lang]
        payload = AnswerPayload(lang=lang, sections=[
            Section("title", text=text("drafts.form.ready_title", lang, title=title)),
            Section("lead", text=text("drafts.form.ready", lang)),
            Section("note", text=text("drafts.form.privacy", lang)),
            Section("see_also", text=text("drafts.form.other", lang)),
            Section("disclaimer", text=text("answer.disclaimer", lang)),
        ], source="draft", view="draft", draft=DraftOrder(template.id, lang, fields))
        payload.buttons = [Button(b["title"], b["payload"]) for b in template_buttons(lang) if template.id not in b["payload"]]
        payload.buttons.append(Button(text("selfcheck.form.button", lang), "/start_selfcheck"))
        for part in payload.parts(MESSAGE_MAX):
            dispatcher.utter_message(text=part.plain_text(), json_message=part.to_dict(), buttons=[b.to_dict() for b in part.buttons])
        blanks = sum(v == BLANK for v in fields.values())
        logger.info("draft form: %s (%s) ready, %d values, %d blank", template.id, lang, len(fields), blanks)
        return reset


