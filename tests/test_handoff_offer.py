"""When the bot offers a person (issue 14 item 1), as action_answer runs it (real knowledge and
retrieval, nothing mocked): the "👤" button on every answer, and after two answers in a row that found
nothing, the offer in words too; an answer that found something starts the count again."""

from __future__ import annotations

import pytest

from tendik.actions.actions import ActionAnswer
from tendik.payload import AnswerPayload
from tendik.texts import text
from tests.test_actions import make_tracker, payloads, run, slot_events

pytestmark = pytest.mark.unit

NOTHING = ("как приготовить бешбармак из баранины", "nlu_fallback", 0.2)
RANKING = [{"name": "nlu_fallback", "confidence": 0.2}, {"name": "out_of_scope", "confidence": 0.2}]


def answer(typed: str, intent: str, confidence: float, unanswered: float | None, lang: str = "ru") -> tuple[AnswerPayload, float]:
    dispatcher, events = run(ActionAnswer(), make_tracker(typed, intent, confidence, {"language": lang, "unanswered_turns": unanswered},
                                                          ranking=RANKING if intent == "nlu_fallback" else None))
    [payload] = [p for p in (AnswerPayload.from_dict(c) for c in payloads(dispatcher)) if p]
    return payload, slot_events(events)["unanswered_turns"]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_two_answers_that_found_nothing_offer_a_person_in_words(lang: str) -> None:
    first, count = answer(*NOTHING, None, lang)
    assert count == 1.0 and text("handoff.after_fallbacks", lang) not in first.plain_text()
    assert [b.payload for b in first.buttons][-1] == "/request_human"
    second, count = answer(*NOTHING, count, lang)
    assert count == 2.0 and text("handoff.after_fallbacks", lang) in second.plain_text()
    found, count = answer("меня уволили беременную", "ask_pregnant_dismissal", 0.95, count, lang)
    assert count == 0.0 and text("handoff.after_fallbacks", lang) not in found.plain_text()
    assert found.knowledge_ids and "/request_human" in [b.payload for b in found.buttons]
