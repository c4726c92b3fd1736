"""The guided self-check (selfcheck_form): its validation, start/back/restart/stop and its result,
run as the action server runs them (real rasa-sdk Tracker + CollectingDispatcher, real knowledge,
the real deadline calculator; nothing mocked). The dialogue itself (rules, interruptions) is tested
by nlu_data/tests/test_stories_selfcheck_*.yml and tests/test_e2e_selfcheck.py."""

from __future__ import annotations

import asyncio
import datetime
import json
import re
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from tendik.actions.actions import ActionAnswer, situations
from tendik.actions.selfcheck import (
    ActionSelfcheckBack,
    ActionSelfcheckResult,
    ActionSelfcheckStart,
    ActionSelfcheckStop,
    ValidateSelfcheckForm,
    today,
    valid_value,
)
from tendik.build import responses
from tendik.compose_selfcheck import CHOICES, DATE_SLOTS, ORDER, SKIP, UNKNOWN, SelfCheck, deadline_for
from tendik.drafts.dates import format_date_long
from tendik.paths import NLU
from tendik.payload import AnswerPayload
from tendik.texts import text

pytestmark = pytest.mark.unit

LANGS = ("kk", "ru")
SK = situations()


def tracker(typed: str, intent: str, slots: dict[str, Any] | None = None, entities: list[tuple[str, Any]] | None = None,
            requested: str | None = None, active: bool = True) -> Tracker:
    latest = {
        "text": typed,
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": [{"name": intent, "confidence": 0.9}],
        "entities": [{"entity": name, "value": value} for name, value in entities or []],
        "metadata": {},
    }
    all_slots = {"language": "ru", **(slots or {}), "requested_slot": requested}
    loop = {"name": "selfcheck_form"} if active else {}
    return Tracker("selfcheck-user", all_slots, latest, [], False, None, loop, "action_listen")


def run(action: Any, t: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def validate(typed: str, requested: str, lang: str = "ru", intent: str = "nlu_fallback",
             entities: list[tuple[str, Any]] | None = None, **slots: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    return run(ValidateSelfcheckForm(), tracker(typed, intent, {"language": lang, **slots}, entities, requested))


FULL = {"sc_stage": "dismissal", "sc_ground": "pregnancy", "sc_what": "сказали, что беременные им не нужны",
        "sc_requirement": "no", "sc_protected": "pregnancy", "sc_employer_kind": "other", "sc_evidence": "documents"}


# ---------------------------------------------------------------- start and pre-fill
@pytest.mark.parametrize("lang", LANGS)
def test_start_prefills_from_the_situation_slots_and_says_what_it_knows(lang: str) -> None:
    yesterday = (today() - datetime.timedelta(days=1)).isoformat()
    messages, slots = run(ActionSelfcheckStart(), tracker("/start_selfcheck", "start_selfcheck", {
        "language": lang, "stage": "dismissal", "grounds": ["pregnancy", "age"], "employer_kind": "micro", "event_date": yesterday,
    }, active=False))
    assert slots["sc_stage"] == "dismissal" and slots["sc_ground"] == "pregnancy" and slots["sc_protected"] == "pregnancy"
    assert slots["sc_employer_kind"] == "micro" and slots["sc_learned_date"] == yesterday
    assert slots["sc_what"] is None and slots["sc_order_date"] is None and slots["requested_slot"] is None
    assert messages[0]["text"] == text("selfcheck.form.intro", lang)
    assert SK.stages["dismissal"].name[lang] in messages[1]["text"]


def test_start_without_a_situation_asks_everything_and_skips_the_order_date_unless_dismissed() -> None:
    messages, slots = run(ActionSelfcheckStart(), tracker("проверить мою ситуацию", "start_selfcheck", active=False))
    assert all(slots[s] is None for s in ORDER) and len(messages) == 1
    _, slots = run(ActionSelfcheckStart(), tracker("/start_selfcheck", "start_selfcheck", {"stage": "pay"}, active=False))
    assert slots["sc_stage"] == "pay" and slots["sc_order_date"] == SKIP


@pytest.mark.parametrize("lang", LANGS)
def test_restart_clears_every_answer(lang: str) -> None:
    messages, slots = run(ActionSelfcheckStart(), tracker("заново", "selfcheck_restart", {"language": lang, **FULL}, requested="sc_evidence"))
    assert messages[0]["text"] == text("selfcheck.form.restarted", lang)
    assert all(slots[s] is None for s in ORDER)


# ---------------------------------------------------------------- answers
def test_a_button_answer_is_taken_and_a_stage_other_than_dismissal_skips_the_order_date() -> None:
    _, slots = validate('/inform_sc{"sc_stage":"dismissal"}', "sc_stage", intent="inform_sc", entities=[("sc_stage", "dismissal")])
    assert slots == {"sc_stage": "dismissal"}
    _, slots = validate('/inform_sc{"sc_stage":"pay"}', "sc_stage", intent="inform_sc", entities=[("sc_stage", "pay")])
    assert slots == {"sc_stage": "pay", "sc_order_date": SKIP}


@pytest.mark.parametrize(("typed", "requested", "expected"), [
    ("меня уволили", "sc_stage", "dismissal"),
    ("жұмыстан шығарды", "sc_stage", "dismissal"),
    ("Увольнение", "sc_stage", "dismissal"),
    ("7", "sc_stage", "dismissal"),
    ("из-за беременности", "sc_ground", "pregnancy"),
    ("жасым үшін", "sc_ground", "age"),
    ("не знаю", "sc_ground", UNKNOWN),
    ("да", "sc_requirement", "yes"),
    ("жоқ", "sc_requirement", "no"),
    ("білмеймін", "sc_requirement", UNKNOWN),
    ("Ничего из этого", "sc_protected", "none"),
    ("у меня ребёнку 2 года", "sc_protected", "children_under_3"),
    ("нас 5 человек", "sc_employer_kind", "micro"),
    ("Мемлекеттік қызмет", "sc_employer_kind", "civil_service"),
    ("есть переписка в ватсапе", "sc_evidence", "messages"),
    ("документы и свидетели", "sc_evidence", "several"),
    ("пока ничего", "sc_evidence", "none"),
])
def test_typed_answers_are_read(typed: str, requested: str, expected: str) -> None:
    messages, slots = validate(typed, requested)
    assert slots[requested] == expected and not messages


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("requested", ["sc_stage", "sc_requirement", "sc_protected", "sc_employer_kind", "sc_evidence"])
def test_free_text_where_a_choice_is_needed_is_re_asked_in_the_users_language(lang: str, requested: str) -> None:
    messages, slots = validate("абырвалг", requested, lang)
    assert slots == {requested: None}
    assert [m["text"] for m in messages] == [text("selfcheck.form.invalid_choice", lang)]


def test_a_forged_button_value_is_re_asked() -> None:
    messages, slots = validate('/inform_sc{"sc_stage":"holiday"}', "sc_stage", intent="inform_sc", entities=[("sc_stage", "holiday")])
    assert slots == {"sc_stage": None} and messages[0]["text"] == text("selfcheck.form.invalid_choice", "ru")


def _dmy(day: datetime.date) -> str:
    return day.strftime("%d.%m.%Y")


@pytest.mark.parametrize("requested", DATE_SLOTS)
def test_dates_are_read_in_kk_and_ru_and_dont_know_is_allowed(requested: str) -> None:
    on = today()
    yesterday = on - datetime.timedelta(days=1)
    assert validate("вчера", requested)[1] == {requested: yesterday.isoformat()}
    assert validate("кеше", requested, "kk")[1] == {requested: yesterday.isoformat()}
    assert validate(_dmy(on - datetime.timedelta(days=40)), requested)[1] == {requested: (on - datetime.timedelta(days=40)).isoformat()}
    assert validate("екі апта бұрын", requested, "kk")[1] == {requested: (on - datetime.timedelta(days=14)).isoformat()}
    assert validate("не знаю", requested)[1] == {requested: UNKNOWN}
    assert validate("Білмеймін", requested, "kk")[1] == {requested: UNKNOWN}
    assert validate(f'/inform_sc{{"{requested}":"unknown"}}', requested, intent="inform_sc", entities=[(requested, UNKNOWN)])[1] == {requested: UNKNOWN}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("typed", "key"), [
    ("31.02.2026", "selfcheck.form.impossible_date"),
    ("когда-то давно", "selfcheck.form.invalid_date"),
    ("FUTURE", "selfcheck.form.future_date"),
])
def test_impossible_unreadable_and_future_dates_are_re_asked(lang: str, typed: str, key: str) -> None:
    if typed == "FUTURE":
        typed = _dmy(today() + datetime.timedelta(days=20))
    messages, slots = validate(typed, "sc_learned_date", lang)
    assert slots == {"sc_learned_date": None}
    assert [m["text"] for m in messages] == [text(key, lang)]


def test_a_future_date_from_a_forged_button_is_refused() -> None:
    future = (today() + datetime.timedelta(days=3)).isoformat()
    assert valid_value("sc_order_date", future, today()) is None
    messages, slots = validate(f'/inform_sc{{"sc_order_date":"{future}"}}', "sc_order_date", intent="inform_sc", entities=[("sc_order_date", future)])
    assert slots == {"sc_order_date": None} and messages


def test_the_employers_words_are_taken_as_written_and_an_empty_answer_is_re_asked() -> None:
    words = "Начальник сказал: «нам не нужны беременные»"
    assert validate(words, "sc_what", intent="ask_pregnant_dismissal")[1] == {"sc_what": words}
    messages, slots = validate("..", "sc_what", "kk")
    assert slots == {"sc_what": None} and messages[0]["text"] == text("selfcheck.form.empty_text", "kk")


# ---------------------------------------------------------------- not answers: questions, other buttons, controls
@pytest.mark.parametrize(("typed", "intent", "requested"), [
    ("а какие сроки?", "ask_time_limits", "sc_requirement"),
    ("что такое законное различие?", "ask_lawful_distinctions", "sc_requirement"),
    ("мерзімдер қандай?", "ask_time_limits", "sc_learned_date"),
    ("куда жаловаться?", "ask_how_to_complain", "sc_what"),
    ('/show_more{"view":"law","topic":"exp-time-limits"}', "show_more", "sc_stage"),
    ("назад", "selfcheck_back", "sc_ground"),
    ("стоп", "selfcheck_stop", "sc_ground"),
    ("заново", "selfcheck_restart", "sc_ground"),
])
def test_a_question_a_more_button_or_a_control_is_not_an_answer(typed: str, intent: str, requested: str) -> None:
    """Nothing set, nothing said: the form rejects and the rules answer (then the form resumes)."""
    assert validate(typed, requested, intent=intent) == ([], {})


def test_small_talk_in_the_middle_is_re_asked_not_answered() -> None:
    """Small talk has no rule inside the form: the question is asked again instead."""
    messages, slots = validate("как дела?", "sc_requirement", intent="chitchat")
    assert slots == {"sc_requirement": None} and messages[0]["text"] == text("selfcheck.form.invalid_choice", "ru")
    messages, slots = validate("это законно?", "sc_what", intent="nlu_fallback")
    assert (messages, slots) == ([], {})  # a question: answered by retrieval, then asked again


def test_a_button_of_an_earlier_question_corrects_it() -> None:
    _, slots = validate('/inform_sc{"sc_stage":"hiring"}', "sc_learned_date", intent="inform_sc", entities=[("sc_stage", "hiring")], **FULL)
    assert slots == {"sc_stage": "hiring", "sc_order_date": SKIP}


@pytest.mark.parametrize("lang", LANGS)
def test_a_typed_correction_of_another_answer_is_taken_and_said(lang: str) -> None:
    messages, slots = validate("ой, у нас ИП, 5 человек", "sc_requirement", lang, intent="inform_situation",
                               entities=[("employer_kind", "micro"), ("employer_size", 5)], **FULL)
    assert slots == {"sc_employer_kind": "micro"}
    assert messages[0]["text"] == text("selfcheck.form.corrected", lang, known=SK.routes["micro"].name[lang].lower())


# ---------------------------------------------------------------- back and stop
@pytest.mark.parametrize("lang", LANGS)
def test_back_clears_the_previous_answer(lang: str) -> None:
    filled = {k: FULL[k] for k in ("sc_stage", "sc_ground", "sc_what")}
    messages, slots = run(ActionSelfcheckBack(), tracker("назад", "selfcheck_back", {"language": lang, **filled}, requested="sc_requirement"))
    assert slots == {"sc_what": None, "requested_slot": None}
    assert messages[0]["text"] == text("selfcheck.form.back", lang)


def test_back_skips_a_question_that_does_not_apply_and_says_so_on_the_first() -> None:
    filled = {**FULL, "sc_stage": "pay", "sc_order_date": SKIP}
    _, slots = run(ActionSelfcheckBack(), tracker("назад", "selfcheck_back", filled, requested="sc_learned_date"))
    assert slots == {"sc_employer_kind": None, "requested_slot": None}
    messages, slots = run(ActionSelfcheckBack(), tracker("артқа", "selfcheck_back", {"language": "kk"}, requested="sc_stage"))
    assert slots == {} and messages[0]["text"] == text("selfcheck.form.back_first", "kk")


@pytest.mark.parametrize("lang", LANGS)
def test_stop_forgets_every_answer(lang: str) -> None:
    messages, slots = run(ActionSelfcheckStop(), tracker("стоп", "selfcheck_stop", {"language": lang, **FULL}, requested="sc_learned_date"))
    assert all(slots[s] is None for s in ORDER) and slots["requested_slot"] is None
    assert messages[0]["text"] == text("selfcheck.form.stopped", lang)


# ---------------------------------------------------------------- the result
def result(lang: str, **answers: Any) -> tuple[list[AnswerPayload], str, dict[str, Any]]:
    messages, slots = run(ActionSelfcheckResult(), tracker("", "inform_sc", {"language": lang, **answers}, active=False))
    payloads = []
    for m in messages:
        payload = AnswerPayload.from_dict(m["custom"])
        assert payload is not None and m["text"] == payload.plain_text() and len(m["text"]) <= 4096
        assert [b["payload"] for b in m["buttons"]] == [b.payload for b in payload.buttons]
        payloads.append(payload)
    return payloads, "\n\n".join(p.plain_text() for p in payloads), slots


def _outside_quotes(payloads: list[AnswerPayload]) -> str:
    """The result's own words (everything but the verbatim norms)."""
    out = []
    for p in payloads:
        out += [s.text + " " + " ".join(s.items) for s in p.sections if s.kind != "law"]
    return "\n".join(out)


THREE_MONTHS = re.compile(r"тр[её]хмесяч|три месяц|3 месяц|3-месяч|үш ай", re.IGNORECASE)


@pytest.mark.parametrize("lang", LANGS)
def test_result_for_a_dismissed_pregnant_worker_with_a_commission(lang: str) -> None:
    order = today() - datetime.timedelta(days=10)
    payloads, whole, slots = result(lang, **FULL, sc_order_date=order.isoformat(), sc_learned_date=order.isoformat())
    deadline = deadline_for(SelfCheck.from_slots({**FULL, "sc_order_date": order.isoformat(), "sc_learned_date": order.isoformat()}), today())
    assert deadline.last_day is not None
    assert format_date_long(deadline.last_day, lang) in whole  # the deadline as a date
    assert text("selfcheck.verify", lang).removeprefix("⚠️ ") in whole  # the warning
    quoted = {f"{c.norm_id}:{c.paragraph}" for p in payloads for c in p.quoted()}
    assert {"tk-054:2", "uk-152:2", "tk-160:None"} <= quoted  # protected status, criminal route, TK 160's court notes
    notes = next(c.text for p in payloads for c in p.quoted() if c.norm_id == "tk-160")
    assert "88-" in notes and "81-" in notes
    assert SK.routes["other"].phrase.text[lang] in whole and SK.channels["inspection"].phrase.text[lang] in whole
    assert SK.channels["mediation"].phrase.text[lang] in whole
    buttons = [b.payload for b in payloads[-1].buttons]
    assert [json.loads(b.removeprefix("/request_draft"))["draft_template"] for b in buttons if b.startswith("/request_draft")] == [
        "request-reasons", "commission-application", "inspection-complaint", "claim-outline"]
    assert any(b.startswith('/show_more{"view":"route"') for b in buttons) and "/start_selfcheck" in buttons
    assert FULL["sc_what"] not in whole  # the user's own words are not echoed
    assert slots["stage"] == "dismissal" and slots["grounds"] == ["pregnancy"] and slots["employer_kind"] == "other"
    assert payloads[0].source == "selfcheck"


@pytest.mark.parametrize("lang", LANGS)
def test_result_never_states_a_three_month_reinstatement_limit(lang: str) -> None:
    """Straight to court (a micro-enterprise): one year from learning of it (88-НП); three months is
    only ever named together with the Court's finding."""
    learned = today() - datetime.timedelta(days=30)
    answers = {**FULL, "sc_employer_kind": "micro", "sc_order_date": UNKNOWN, "sc_learned_date": learned.isoformat()}
    payloads, whole, _ = result(lang, **answers)
    deadline = deadline_for(SelfCheck.from_slots(answers), today())
    assert deadline.items[0].provision == "160.5.2/88-НП" and deadline.last_day is not None
    assert deadline.last_day - learned >= datetime.timedelta(days=365)
    assert format_date_long(deadline.last_day, lang) in whole
    for sentence in re.split(r"(?<=[.!?])\s+|\n", _outside_quotes(payloads)):
        if THREE_MONTHS.search(sentence):
            assert "88-" in sentence, sentence
    assert not any("commission-application" in b.payload for b in payloads[-1].buttons)


@pytest.mark.parametrize("lang", LANGS)
def test_a_named_job_requirement_is_a_possible_lawful_distinction_not_a_verdict(lang: str) -> None:
    payloads, whole, _ = result(lang, **{**FULL, "sc_requirement": "yes", "sc_stage": "hiring", "sc_ground": "age",
                                         "sc_protected": "none", "sc_order_date": SKIP, "sc_learned_date": UNKNOWN})
    quoted = {f"{c.norm_id}:{c.paragraph}" for p in payloads for c in p.quoted()}
    assert {"tk-006:2", "tk-006:3", "tk-026:1.1"} <= quoted
    assert text("selfcheck.form.requirement", lang) in whole and text("selfcheck.form.not_verdict", lang) in whole
    # no date is known: the result says which one is missing instead of a date
    assert text("selfcheck.field.learned_date", lang) in whole


def test_the_result_of_a_long_case_is_split_into_messages_within_the_limit() -> None:
    payloads, _, _ = result("kk", **{**FULL, "sc_requirement": "yes", "sc_employer_kind": "other",
                                     "sc_order_date": (today() - datetime.timedelta(days=3)).isoformat(), "sc_learned_date": UNKNOWN})
    assert len(payloads) >= 2 and len({p.answer_id for p in payloads}) == len(payloads)
    assert all(not p.buttons for p in payloads[:-1]) and payloads[-1].buttons


# ---------------------------------------------------------------- the start button on answers
def test_answers_carry_the_start_button_and_offer_it_when_the_stage_is_missing() -> None:
    t = tracker("меня дискриминируют из-за возраста", "inform_situation", {"grounds": ["age"]},
                [("ground", "age")], active=False)
    messages, _ = run(ActionAnswer(), t)
    payload = AnswerPayload.from_dict(messages[0]["custom"])
    assert payload is not None and [b.payload for b in payload.buttons[-2:]] == ["/start_selfcheck", "/request_human"]
    assert payload.buttons[-2].title == text("selfcheck.form.button", "ru") and payload.buttons[-1].title == text("handoff.button", "ru")
    assert text("selfcheck.form.offer", "ru") in payload.plain_text()
    # a full situation: the button, no offer in words
    t = tracker("меня уволили из-за возраста", "inform_situation", {"grounds": ["age"], "stage": "dismissal"},
                [("ground", "age"), ("stage", "dismissal")], active=False)
    payload = AnswerPayload.from_dict(run(ActionAnswer(), t)[0][0]["custom"])
    assert payload is not None and "/start_selfcheck" in [b.payload for b in payload.buttons]
    assert text("selfcheck.form.offer", "ru") not in payload.plain_text()
    # inside the form: no button to start it again
    t = tracker("а какие сроки?", "ask_time_limits", requested="sc_requirement")
    payload = AnswerPayload.from_dict(run(ActionAnswer(), t)[0][0]["custom"])
    assert payload is not None and "/start_selfcheck" not in [b.payload for b in payload.buttons]


# ---------------------------------------------------------------- the domain and the generated questions
def test_the_form_asks_the_questions_in_order_and_every_question_has_kk_ru_and_bilingual_texts() -> None:
    domain = yaml.safe_load((NLU / "domain" / "selfcheck.yml").read_text(encoding="utf-8"))
    assert domain["forms"]["selfcheck_form"]["required_slots"] == list(ORDER)
    assert set(ORDER) <= set(domain["slots"])
    committed = (NLU / "domain" / "selfcheck_responses.yml").read_text(encoding="utf-8")
    assert committed == responses.render_selfcheck(), "run python -m tendik.build.responses"
    data = yaml.safe_load(committed)["responses"]
    assert list(data) == [f"utter_ask_{s}" for s in ORDER]
    for slot in ORDER:
        kk, ru, both = data[f"utter_ask_{slot}"]
        assert kk["text"] == text(f"selfcheck.ask.{slot}", "kk") and ru["text"] == text(f"selfcheck.ask.{slot}", "ru")
        assert "condition" not in both and both["text"] == kk["text"] + "\n\n" + ru["text"]
        for variation in (kk, ru, both):
            payloads = [b["payload"] for b in variation["buttons"]]
            assert payloads[-1] == "/selfcheck_stop" and ("/selfcheck_back" in payloads) == (slot != ORDER[0])
            for p in payloads:
                if p.startswith("/inform_sc"):
                    ((name, value),) = json.loads(p.removeprefix("/inform_sc")).items()
                    assert name == slot and valid_value(slot, value, today()) == value
        options = [b for b in ru["buttons"] if b["payload"].startswith("/inform_sc")]
        assert len(options) == len(CHOICES.get(slot, (UNKNOWN,) if slot in DATE_SLOTS else ()))
