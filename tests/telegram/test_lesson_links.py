"""Outreach ties in with the course (issue 13, item 4): each card offers the lesson that teaches
its topic, and an answer's lesson button opens that lesson through /learn (with its quiz polls)."""

from __future__ import annotations

import pytest

from tendik.common.rasa_client import Button
from tendik.compose import lesson_button, short_topic_answer
from tendik.knowledge.explanations import load_knowledge
from tendik.learning.course import default_course
from tendik.telegram.cards import CardDeck
from tendik.telegram.context import Payloads
from tendik.telegram.keyboards import card_keyboard, lesson_callback, rasa_rows
from tendik.telegram.learn_keyboards import LearnAction

pytestmark = pytest.mark.unit

KB = load_knowledge()
COURSE = default_course()


def lesson_of(data: str | None) -> str | None:
    if not data or not data.startswith("lrn:"):
        return None
    action = LearnAction.unpack(data)
    assert action.action == "go"
    lesson = COURSE.by_number(action.n)
    return lesson.id if lesson else None


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_card_whose_topic_has_a_lesson_offers_it(lang: str) -> None:
    deck = CardDeck(KB)
    taught = {lesson.topic: lesson.id for lesson in reversed(COURSE.lessons)}
    offered = 0
    for card_id in deck.ids:
        card = deck.card(card_id, lang)
        rows = card_keyboard(card.intent, lang).inline_keyboard
        lessons = [lesson_of(b.callback_data) for row in rows for b in row if lesson_of(b.callback_data)]
        if card_id in taught:
            assert lessons == [taught[card_id]], card_id
            offered += 1
        else:
            assert not lessons, card_id
    assert offered >= 5


def test_an_answers_lesson_button_becomes_learn_callback_data() -> None:
    payload = short_topic_answer(KB, KB.explanations["exp-equal-pay"], "ru")
    button = next(b for b in payload.buttons if b.payload.startswith("/open_lesson"))
    rows = rasa_rows([Button(title=button.title, payload=button.payload)], Payloads())
    assert lesson_of(rows[0][0].callback_data) == "lesson-05-equal-pay"
    assert len(rows[0][0].callback_data.encode()) <= 64


@pytest.mark.parametrize("junk", ['/open_lesson{"lesson":"nope"}', "/open_lesson{", '/open_lesson[1]', '/open_lesson{"lesson":5}'])
def test_a_broken_lesson_payload_is_not_turned_into_learn_data(junk: str) -> None:
    assert lesson_callback(junk) is None


def test_only_topics_with_a_lesson_get_a_lesson_button() -> None:
    taught = {lesson.topic for lesson in COURSE.lessons}
    for exp_id in KB.explanations:
        assert bool(lesson_button(exp_id, "kk")) == (exp_id in taught), exp_id
    assert lesson_button("exp-nope", "ru") == []
