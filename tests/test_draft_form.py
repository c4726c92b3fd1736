"""The draft form (draft_form, tendik/actions/drafts.py) as the action server runs it: real rasa-sdk
Tracker + CollectingDispatcher, the real templates and knowledge, nothing mocked. It pre-fills what the
self-check knows, asks the rest one value at a time, re-asks what it cannot take (in the user's
language), leaves blanks for "fill in by hand", goes back, stops and forgets, and ends with a payload
whose draft order makes real files with the values in them. The dialogue (rules) is tested by
nlu_data/tests/test_stories_drafts_*.yml and tests/test_e2e_drafts.py."""

from __future__ import annotations

import asyncio
import datetime
import io
import logging
from typing import Any

import docx
import pytest
from pypdf import PdfReader
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from tendik.actions.drafts import (
    DONE,
    ActionAskDraftValue,
    ActionDraftBack,
    ActionDraftFiles,
    ActionDraftStart,
    ActionDraftStop,
    ValidateDraftForm,
    known_values,
    to_ask,
)
from tendik.actions.selfcheck import today
from tendik.drafts.files import files_for
from tendik.drafts.render import BLANK_LINE, load_templates
from tendik.payload import BLANK, AnswerPayload
from tendik.redact import redact
from tendik.texts import text

pytestmark = pytest.mark.unit

LANGS = ("kk", "ru")
TEMPLATES = load_templates()
SELFCHECK = {"sc_stage": "dismissal", "sc_ground": "pregnancy", "sc_what": "сказали, что беременные им не нужны",
             "sc_requirement": "no", "sc_protected": "pregnancy", "sc_employer_kind": "other", "sc_evidence": "documents",
             "sc_order_date": "2026-11-20", "sc_learned_date": "unknown"}
NAME = {"kk": "Әсел Нұрланқызы Қасымова", "ru": "Иванова Мария Петровна"}


def tracker(typed: str, intent: str, slots: dict[str, Any] | None = None, template: str | None = None,
            requested: str | None = None, active: bool = True, confidence: float = 0.9) -> Tracker:
    entities = [{"entity": "draft_template", "value": template}] if template else []
    latest = {"text": typed, "intent": {"name": intent, "confidence": confidence}, "entities": entities, "metadata": {}}
    all_slots = {"language": "ru", **(slots or {}), "requested_slot": requested}
    return Tracker("draft-user", all_slots, latest, [], False, None, {"name": "draft_form"} if active else {}, "action_listen")


def run(action: Any, t: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


class Conversation:
    """The slots of one conversation, updated by the actions' events as Rasa would."""

    def __init__(self, lang: str, **slots: Any) -> None:
        self.slots: dict[str, Any] = {"language": lang, **slots}
        self.lang = lang
        self.said: list[dict[str, Any]] = []

    def do(self, action: Any, typed: str = "", intent: str = "nlu_fallback", template: str | None = None) -> dict[str, Any]:
        requested = self.slots.get("requested_slot")
        messages, events = run(action, tracker(typed, intent, self.slots, template, requested))
        self.slots.update(events)
        self.said += messages
        return events

    def start(self, template: str) -> None:
        self.do(ActionDraftStart(), f'/request_draft{{"draft_template":"{template}"}}', "request_draft", template)
        self.slots["requested_slot"] = "draft_value" if self.slots.get("draft_value") is None else None

    def ask(self) -> dict[str, Any]:
        self.said.clear()
        self.do(ActionAskDraftValue())
        return self.said[-1]

    def answer(self, typed: str, intent: str = "nlu_fallback") -> dict[str, Any]:
        self.said.clear()
        return self.do(ValidateDraftForm(), typed, intent)


# ---------------------------------------------------------------- what is known, what is asked
@pytest.mark.parametrize("lang", LANGS)
def test_the_self_check_fills_what_it_knows_and_personal_numbers_are_never_asked(lang: str) -> None:
    known = known_values(SELFCHECK, lang)
    assert known["event"] == known["decision"] == SELFCHECK["sc_what"]
    assert known["event_date"] == known["order_date"] == "2026-11-20"  # a dismissal: the order's date
    assert known["evidence"] and known["worker_iin"] == BLANK
    claim = to_ask(TEMPLATES["claim-outline"], known)
    assert "worker_iin" not in claim and "event" not in claim and "evidence" not in claim and "today" not in claim
    assert claim[:2] == ["court_name", "worker_name"] and "demands" in claim
    assert to_ask(TEMPLATES["request-reasons"], known) == ["worker_name", "worker_address", "employer_name"]
    # without a self-check everything required is asked, in the template's order
    assert to_ask(TEMPLATES["request-reasons"], known_values({}, lang)) == ["worker_name", "worker_address", "employer_name", "decision"]


@pytest.mark.parametrize("lang", LANGS)
def test_start_says_how_the_values_are_kept_and_counts_the_questions(lang: str) -> None:
    c = Conversation(lang, **SELFCHECK)
    c.start("request-reasons")
    intro = c.said[0]["text"]
    assert intro == text("drafts.form.intro", lang, title=TEMPLATES["request-reasons"].title[lang], n=3)
    assert "/delete" in intro
    assert c.slots["draft_template"] == "request-reasons" and c.slots["draft_field"] == "worker_name"
    question = c.ask()
    assert question["text"] == text("drafts.form.ask", lang, i=1, n=3, label=TEMPLATES["request-reasons"].fields["worker_name"].label[lang])
    payloads = [b["payload"] for b in question["buttons"]]
    assert payloads == ["/draft_skip", "/draft_skip_all", "/selfcheck_stop"]  # no "back" on the first question


# ---------------------------------------------------------------- the whole form, then real files
@pytest.mark.parametrize("lang", LANGS)
def test_a_whole_draft_with_names_dates_a_blank_and_the_files(lang: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    c = Conversation(lang, **SELFCHECK)
    c.start("commission-application")
    asked = []
    answers = {"worker_name": NAME[lang], "worker_address": "Алматы, Абай даңғылы 10, 5-пәтер" if lang == "kk" else "Алматы, пр. Абая 10, кв. 5",
               "position": "бухгалтер", "employer_name": "«Алма-Сервис» ЖШС" if lang == "kk" else "ТОО «Алма-Сервис»",
               "demands": "жұмысқа қайта алу" if lang == "kk" else "восстановить на работе"}
    while c.slots.get("draft_value") != DONE:
        field = c.slots["draft_field"]
        asked.append(field)
        c.ask()
        if field == "worker_address":
            c.answer("/draft_skip", "draft_skip")
        else:
            events = c.answer(answers[field])
            assert not c.said, c.said  # taken without a re-ask
            assert events["draft_values"][field] == answers[field]
    assert asked == ["worker_name", "worker_address", "position", "employer_name", "demands"]
    assert c.slots["draft_values"]["worker_address"] == BLANK
    c.said.clear()
    c.do(ActionDraftFiles())
    payload = AnswerPayload.from_dict(c.said[-1]["custom"])
    assert payload is not None and payload.draft is not None
    assert payload.draft.template == "commission-application" and payload.draft.lang == lang
    assert payload.draft.fields["worker_name"] == NAME[lang] and payload.draft.fields["ground"]  # the program's ground
    assert "статья 54" in payload.draft.fields["norms"] or "54-бабы" in payload.draft.fields["norms"]  # protected at dismissal
    assert text("drafts.form.ready", lang) in payload.plain_text() and "/delete" in payload.plain_text()
    assert all("commission-application" not in b.payload for b in payload.buttons)  # the others, and the self-check
    assert c.slots["draft_value"] is None and c.slots["requested_slot"] is None
    # the order makes real files: the name with its Kazakh letters, the blank line, the draft mark
    files = {f.name.rsplit(".", 1)[1]: f for f in files_for(payload.draft, today=datetime.date(2026, 12, 1))}
    document = "\n".join(p.text for p in docx.Document(io.BytesIO(files["docx"].data)).paragraphs)
    pdf = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(files["pdf"].data)).pages)
    for body in (document, pdf):
        assert NAME[lang] in " ".join(body.split()) and answers["employer_name"] in " ".join(body.split())
        assert BLANK_LINE in body.replace(" ", "")
    assert files["pdf"].name == f"commission-application-{lang}.pdf"
    # the values never reach the logs
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert NAME[lang] not in logged and answers["employer_name"] not in logged and SELFCHECK["sc_what"] not in logged


@pytest.mark.parametrize("lang", LANGS)
def test_invalid_answers_are_re_asked_in_the_users_language(lang: str) -> None:
    c = Conversation(lang, **SELFCHECK)
    c.start("claim-outline")
    c.slots["draft_field"] = "worker_birth_date"
    for typed, key in (("   ", "drafts.form.empty"), ("32.13.1990", "drafts.form.invalid_date"), ("давным-давно", "drafts.form.invalid_date"),
                       ((today() + datetime.timedelta(days=30)).strftime("%d.%m.%Y"), "drafts.form.future_date")):
        events = c.answer(typed)
        assert events == {"draft_value": None}, typed
        assert c.said[-1]["text"] == text(key, lang), typed
    events = c.answer("05.04.1990")
    assert events["draft_values"]["worker_birth_date"] == "1990-04-05"
    c.slots["draft_field"] = "court_name"
    c.answer("а какой суд?")
    label = TEMPLATES["claim-outline"].fields["court_name"].label[lang]
    assert c.said[-1]["text"] == text("drafts.form.question", lang, label=label)
    c.answer("x" * 301)
    assert c.said[-1]["text"] == text("drafts.form.too_long", lang, limit=300)
    c.answer("/draft_skip_all", "draft_skip_all")  # the rest by hand: done at once
    assert c.slots["draft_value"] == DONE
    assert all(c.slots["draft_values"][f] == BLANK for f in ("court_name", "worker_name", "worker_address", "employer_name", "demands"))


def test_short_control_words_go_to_the_rules_but_a_long_answer_is_a_value() -> None:
    c = Conversation("ru")
    c.start("request-reasons")
    assert c.answer("стоп", "selfcheck_stop") == {}  # the form rejects; the rules stop it
    assert c.answer("назад", "selfcheck_back") == {}
    # an employer name the classifier happens to read as a control intent is still a value
    events = c.answer("ТОО Назад в будущее Плюс", "selfcheck_back")
    assert events["draft_values"]["worker_name"] == "ТОО Назад в будущее Плюс"
    # a forged button is not a value
    c.slots["draft_field"] = "worker_address"
    assert c.answer('/inform_sc{"sc_stage":"pay"}', "inform_sc") == {"draft_value": None}
    assert "worker_address" not in c.slots["draft_values"]


@pytest.mark.parametrize("lang", LANGS)
def test_back_clears_the_last_value_and_stop_forgets_everything(lang: str) -> None:
    c = Conversation(lang, **SELFCHECK)
    c.start("request-reasons")
    run_back = c.do(ActionDraftBack())
    assert run_back == {} and c.said[-1]["text"] == text("drafts.form.back_first", lang)
    c.answer(NAME[lang])
    c.answer("Астана")
    assert c.slots["draft_field"] == "employer_name"
    c.said.clear()
    c.do(ActionDraftBack())
    assert c.said[-1]["text"] == text("drafts.form.back", lang)
    assert c.slots["draft_field"] == "worker_address" and "worker_address" not in c.slots["draft_values"]
    assert c.slots["draft_values"]["worker_name"] == NAME[lang]
    assert c.ask()["buttons"][2]["payload"] == "/selfcheck_back"  # not the first question any more
    c.said.clear()
    c.do(ActionDraftStop(), "/selfcheck_stop", "selfcheck_stop")
    assert c.said[-1]["text"] == text("drafts.form.stopped", lang)
    assert all(c.slots[s] is None for s in ("draft_template", "draft_value", "draft_field", "draft_values", "draft_asked"))


def test_values_from_an_earlier_draft_are_reused() -> None:
    c = Conversation("ru", **SELFCHECK)
    c.start("request-reasons")
    for value in (NAME["ru"], "Астана, ул. Кенесары 1", "ТОО «Дала»"):
        c.answer(value)
    assert c.slots["draft_value"] == DONE
    c.do(ActionDraftFiles())
    c.said.clear()
    c.start("inspection-complaint")  # needs the employer's address too: only that is asked
    assert c.slots["draft_field"] == "employer_address"
    assert c.said[0]["text"] == text("drafts.form.intro", "ru", title=TEMPLATES["inspection-complaint"].title["ru"], n=1)


def test_a_typed_request_without_a_template_lets_the_form_ask_which() -> None:
    c = Conversation("kk")
    events = c.do(ActionDraftStart(), "өтініштің жобасын жасап бер", "request_draft")
    assert events["draft_template"] is None and not c.said
    c.slots["requested_slot"] = "draft_template"
    c.said.clear()
    c.answer("бір нәрсе")
    assert c.said[-1]["text"] == text("drafts.form.invalid_choice", "kk")
    assert [b["payload"] for b in c.said[-1]["buttons"]][0] == '/request_draft{"draft_template":"request-reasons"}'
    c.said.clear()
    c.do(ValidateDraftForm(), '/request_draft{"draft_template":"inspection-complaint"}', "request_draft", "inspection-complaint")
    assert c.slots["draft_template"] == "inspection-complaint" and c.slots["draft_field"] == "worker_name"


def test_names_are_kept_only_for_a_draft_value_numbers_never() -> None:
    typed = "Иванова Мария Петровна, тел. 8 701 123 45 67, ИИН 900101300123"
    assert "Иванова Мария Петровна" not in redact(typed)
    kept = redact(typed, keep_names=True)
    assert "Иванова Мария Петровна" in kept and "[PHONE]" in kept and "[IIN]" in kept
