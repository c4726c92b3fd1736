"""The guided self-check end to end through the REST channel (real Rasa with the trained form and
rules, real action server): started by a typed request or an answer's button, pre-filled from the
situation, one question at a time with buttons, typed answers and dates, a question in the middle
answered and the form resumed, an invalid date re-asked, one step back, stop; the result is one
typed payload (in messages of at most 4,096 characters) with the deadline as a date, the warning,
TK art. 160's Constitutional Court notes and the draft buttons."""

from __future__ import annotations

import datetime
import json
import urllib.parse
from zoneinfo import ZoneInfo

from tendik.compose_selfcheck import SelfCheck, deadline_for
from tendik.drafts.dates import format_date_long
from tendik.knowledge.situations import load_situations
from tendik.ops.services import Services
from tendik.texts import text
from tests.test_e2e_rest import new_sender, send
from tests.test_e2e_situation import payloads

SK = load_situations()


def today() -> datetime.date:
    return datetime.datetime.now(ZoneInfo("Asia/Almaty")).date()


def say(assistant: Services, sender: str, message: str, lang: str) -> list[dict]:
    return send(assistant, sender, message, metadata={"language": lang})


def texts(reply: list[dict]) -> list[str]:
    return [m["text"] for m in reply if m.get("text")]


def asked(reply: list[dict], slot: str, lang: str) -> dict:
    """The message that asks ``slot`` (with its buttons)."""
    question = text(f"selfcheck.ask.{slot}", lang)
    found = [m for m in reply if m.get("text") == question]
    assert found, (slot, texts(reply))
    return found[-1]


def button(message: dict, value: str) -> str:
    payload = next((b["payload"] for b in message.get("buttons") or [] if b["payload"].endswith(json.dumps(value) + "}")), None)
    assert payload, (value, message.get("buttons"))
    return payload


def tracker(assistant: Services, sender: str) -> dict:
    return assistant.api(f"/conversations/{urllib.parse.quote(sender, safe='')}/tracker", timeout=30)


def test_ru_a_whole_self_check_to_its_result(assistant: Services) -> None:
    lang, sender = "ru", new_sender("sc-ru")
    reply = say(assistant, sender, "проверить мою ситуацию", lang)
    assert text("selfcheck.form.intro", lang) in texts(reply)
    stage_q = asked(reply, "sc_stage", lang)
    assert [b["payload"] for b in stage_q["buttons"]][-1] == "/selfcheck_stop"
    ground_q = asked(say(assistant, sender, button(stage_q, "dismissal"), lang), "sc_ground", lang)
    assert "/selfcheck_back" in [b["payload"] for b in ground_q["buttons"]]
    asked(say(assistant, sender, "из-за беременности", lang), "sc_what", lang)
    asked(say(assistant, sender, "начальник сказал, что беременные им не нужны", lang), "sc_requirement", lang)
    protected_q = asked(say(assistant, sender, "нет", lang), "sc_protected", lang)
    employer_q = asked(say(assistant, sender, button(protected_q, "pregnancy"), lang), "sc_employer_kind", lang)
    order_q = asked(say(assistant, sender, button(employer_q, "other"), lang), "sc_order_date", lang)
    assert [b["payload"] for b in order_q["buttons"]][0] == '/inform_sc{"sc_order_date":"unknown"}'
    order = today() - datetime.timedelta(days=10)
    asked(say(assistant, sender, order.strftime("%d.%m.%Y"), lang), "sc_learned_date", lang)
    evidence_q = asked(say(assistant, sender, "не знаю", lang), "sc_evidence", lang)
    reply = say(assistant, sender, button(evidence_q, "documents"), lang)

    results = payloads(reply)
    assert results and all(p.source == "selfcheck" for p in results)
    whole = "\n\n".join(p.plain_text() for p in results)
    deadline = deadline_for(SelfCheck(stage="dismissal", ground="pregnancy", protected="pregnancy", employer_kind="other",
                                      order_date=order.isoformat()), today())
    assert deadline.last_day is not None and format_date_long(deadline.last_day, lang) in whole
    assert text("selfcheck.verify", lang).removeprefix("⚠️ ") in whole
    quoted = {f"{c.norm_id}:{c.paragraph}" for p in results for c in p.quoted()}
    assert {"tk-054:2", "uk-152:2", "tk-160:None"} <= quoted
    assert "№ 88-НП" in whole
    drafts = [b.payload for b in results[-1].buttons if b.payload.startswith("/request_draft")]
    assert '/request_draft{"draft_template":"request-reasons"}' in drafts
    assert '/request_draft{"draft_template":"commission-application"}' in drafts
    state = tracker(assistant, sender)
    assert state["active_loop"] in ({}, None) or not state["active_loop"].get("name")
    assert state["slots"]["sc_order_date"] == order.isoformat() and state["slots"]["sc_learned_date"] == "unknown"
    assert state["slots"]["stage"] == "dismissal" and state["slots"]["employer_kind"] == "other"


def test_kk_prefilled_from_a_situation_a_question_in_between_an_invalid_date_back_and_stop(assistant: Services) -> None:
    lang, sender = "kk", new_sender("sc-kk")
    answer = payloads(say(assistant, sender, "жүктілігім үшін жұмыстан шығарды", lang))[0]
    start = [b for b in answer.buttons if b.payload == "/start_selfcheck"]
    assert start and start[0].title == text("selfcheck.form.button", lang)
    reply = say(assistant, sender, start[0].payload, lang)
    known = [t for t in texts(reply) if t.startswith(text("selfcheck.form.known", lang, known="").split(":")[0])]
    assert known and SK.stages["dismissal"].name[lang] in known[0]
    asked(reply, "sc_what", lang)  # stage and ground were known

    # a question in the middle: answered, then the same question again
    reply = say(assistant, sender, "мерзімдер қандай?", lang)
    assert payloads(reply), texts(reply)
    asked(reply, "sc_what", lang)
    requirement_q = asked(say(assistant, sender, "бастық жүкті әйелдер бізге керек емес деді", lang), "sc_requirement", lang)
    # pregnancy was known from the situation: the protected status is not asked
    employer_q = asked(say(assistant, sender, button(requirement_q, "no"), lang), "sc_employer_kind", lang)
    asked(say(assistant, sender, button(employer_q, "micro"), lang), "sc_order_date", lang)

    # an impossible and a future date are asked again, in Kazakh
    reply = say(assistant, sender, "31.02.2026", lang)
    assert text("selfcheck.form.impossible_date", lang) in texts(reply)
    asked(reply, "sc_order_date", lang)
    reply = say(assistant, sender, (today() + datetime.timedelta(days=30)).strftime("%d.%m.%Y"), lang)
    assert text("selfcheck.form.future_date", lang) in texts(reply)
    asked(reply, "sc_order_date", lang)

    # one step back: the employer is asked again; then stop forgets every answer
    reply = say(assistant, sender, "артқа", lang)
    assert text("selfcheck.form.back", lang) in texts(reply)
    asked(reply, "sc_employer_kind", lang)
    reply = say(assistant, sender, "тоқтату", lang)
    assert text("selfcheck.form.stopped", lang) in texts(reply)
    state = tracker(assistant, sender)
    assert not (state.get("active_loop") or {}).get("name")
    assert all(state["slots"][s] is None for s in ("sc_stage", "sc_what", "sc_requirement", "sc_employer_kind"))
    assert state["slots"]["stage"] == "dismissal"  # the situation itself stays


def test_a_conversation_that_starts_with_the_button_is_asked_in_its_language(assistant: Services) -> None:
    """/check in Telegram or the widget's entry: the first message is the button's payload, which Rasa
    reads without the NLU pipeline; the questions still come in the user's language only."""
    for lang in ("kk", "ru"):
        sender = new_sender(f"sc-button-{lang}")
        reply = say(assistant, sender, "/start_selfcheck", lang)
        question = asked(reply, "sc_stage", lang)
        other = text("selfcheck.ask.sc_stage", "ru" if lang == "kk" else "kk")
        assert other not in question["text"] and not any(other in t for t in texts(reply))
        assert tracker(assistant, sender)["slots"]["language"] == lang
