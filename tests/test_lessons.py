"""The course (knowledge/lessons): every lesson and quiz in both languages, within the limits of a
phone screen and of Telegram's quiz polls, every norm link valid, and every statement checked like
the explanations' (rests on a paragraph, the statutes' terms, no three-month reinstatement limit)."""

from __future__ import annotations

import copy

import pytest

from tendik.knowledge.explanations import ParagraphRef, load_knowledge
from tendik.knowledge.lessons import LESSONS_DIR, TEXT_LIMIT, lesson_findings, load_lessons

pytestmark = pytest.mark.unit  # no services: `make test-unit`

KB = load_knowledge()
LESSONS = load_lessons()


def test_the_course_passes_the_content_check() -> None:
    files = {f.stem: f for f in LESSONS_DIR.glob("*.yml")}
    findings = lesson_findings(KB, LESSONS, files)
    assert not findings, "\n".join(map(str, findings))


def test_the_course_covers_the_topics_in_order() -> None:
    assert len(LESSONS) >= 12
    assert [lesson.order for lesson in LESSONS] == sorted(lesson.order for lesson in LESSONS)
    topics = {lesson.topic for lesson in LESSONS}
    for needed in ("exp-discrimination-definition", "exp-protected-grounds", "exp-lawful-distinctions", "exp-pregnant-dismissal",
                   "exp-equal-pay", "exp-job-ads", "exp-sexual-harassment", "exp-disability", "exp-language-at-work",
                   "exp-ilo-conventions", "exp-how-to-complain", "exp-time-limits", "exp-employer-liability"):
        assert needed in topics, needed


def test_the_check_catches_a_broken_lesson() -> None:
    broken = copy.deepcopy(LESSONS[0])
    broken.norm = ParagraphRef("tk-006", "9")
    broken.quiz[0].correct = 7
    problems = "\n".join(map(str, lesson_findings(KB, [broken])))
    assert "has no such paragraph" in problems and "correct option out of range" in problems
    wordy = copy.deepcopy(LESSONS[0])
    wordy.text[0].text["kk"] = "Қызметкер " + "ұзын мәтін " * 80
    wordy.text[0].text["ru"] = "Иск о восстановлении на работе подаётся в течение трёх месяцев."
    problems = "\n".join(map(str, lesson_findings(KB, [wordy])))
    assert f"limit {TEXT_LIMIT}" in problems and "жұмыскер" in problems and "three-month" in problems
