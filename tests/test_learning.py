"""The learning engine (tendik.learning): the course and its lookups, the lesson as a payload with
its verbatim norm, grading, the spaced review schedule, progress and the review queue stored on
SQLite and PostgreSQL, anonymised counts, and deletion with "delete my data"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, select

from tendik.common.db import delete_user_data, make_engine
from tendik.compose import short_citation
from tendik.db.migrate import ensure_schema
from tendik.knowledge.lessons import load_lessons
from tendik.learning import schedule
from tendik.learning.course import Course, default_course
from tendik.learning.service import Learning, UnknownQuestion
from tendik.learning.store import LearningStore
from tendik.learning.tables import answers, lessons, polls, progress

DAY = schedule.DAY
T0 = 1_750_000_000.0
LEARN_TABLES = ("tendik_learn_progress", "tendik_learn_lessons", "tendik_learn_answers", "tendik_learn_polls")


@pytest.fixture(scope="module")
def course() -> Course:
    return default_course()


def wrong(q) -> int:  # noqa: ANN001
    return (q.correct + 1) % len(q.options)


# ------------------------------------------------------------------ the course
@pytest.mark.unit
def test_course_is_the_lessons_in_order(course: Course) -> None:
    files = load_lessons()
    assert [lesson.id for lesson in course.lessons] == [lesson.id for lesson in sorted(files, key=lambda x: x.order)]
    assert len(course) == len(files) >= 12
    first = course.by_number(1)
    assert first is not None and course.number(first) == 1
    assert course.by_number(0) is None and course.by_number(len(course) + 1) is None
    assert course.next_after(course.lessons[-1]) is None
    assert course.next_after(first) is course.lessons[1]
    for lesson in course.lessons:
        for q in lesson.quiz:
            assert course.question(q.id) == (lesson, q)
    assert course.question("no-such-question") is None
    assert course.lesson("no-such-lesson") is None


@pytest.mark.unit
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_lesson_payload_quotes_its_norm_verbatim_with_the_edition(course: Course, lang: str) -> None:
    for lesson in course.lessons:
        p = course.payload(lesson, lang)
        version, _ = course.kb.norms[lesson.norm.norm_id].version(lang)
        assert len(p.citations) == 1
        c = p.citations[0]
        assert c.norm_id == lesson.norm.norm_id and c.edition
        assert c.text.strip() and c == short_citation(course.kb, lesson.norm, lang)
        assert all(line.strip() in version.text for line in c.text.splitlines())  # verbatim, line by line
        text = p.plain_text()
        assert lesson.title[lang] in text and lesson.body(lang) in text and c.edition in text
        assert f"{course.number(lesson)}" in p.sections[0].text


@pytest.mark.unit
def test_lesson_json_never_gives_the_answer_away(course: Course) -> None:
    for lesson in course.lessons:
        data = course.lesson_json(lesson, "ru")
        assert data["norm"]["text"] and data["norm"]["edition"]
        assert len(data["quiz"]) == len(lesson.quiz)
        for q in data["quiz"]:
            assert set(q) == {"id", "kind", "question", "options"}
    assert [x["number"] for x in course.outline("kk")] == list(range(1, len(course) + 1))


@pytest.mark.unit
def test_grading(course: Course) -> None:
    q = course.lessons[0].quiz[0]
    right = course.grade(q, q.correct, "kk")
    assert right.correct and right.correct_option == q.correct and right.explanation == q.explanation.text["kk"]
    miss = course.grade(q, wrong(q), "ru")
    assert not miss.correct and miss.explanation == q.explanation.text["ru"]


# ------------------------------------------------------------------ the review schedule
@pytest.mark.unit
def test_schedule_missed_comes_back_next_day_then_later_then_learned() -> None:
    assert schedule.next_step(None, True, T0) == schedule.Step(schedule.LEARNED, None)
    miss = schedule.next_step(None, False, T0)
    assert miss == schedule.Step(0, T0 + DAY)
    s1 = schedule.next_step(miss.box, True, T0 + DAY)
    assert s1.box == 1 and s1.due_at == T0 + DAY + schedule.REVIEW_DAYS[1] * DAY
    s2 = schedule.next_step(s1.box, True, T0 + 5 * DAY)
    assert s2.box == 2 and s2.due_at is not None and s2.due_at > s1.due_at
    assert schedule.next_step(s2.box, True, T0 + 20 * DAY) == schedule.Step(schedule.LEARNED, None)
    assert schedule.next_step(s2.box, False, T0 + 20 * DAY) == schedule.Step(0, T0 + 21 * DAY)


# ------------------------------------------------------------------ storage, SQLite and PostgreSQL
@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'tracker.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    eng = make_engine(url)
    ensure_schema(eng)
    try:
        yield eng
    finally:
        eng.dispose()


def test_tables_are_migrated_with_sender_id(engine: Engine) -> None:
    names = set(inspect(engine).get_table_names())
    assert set(LEARN_TABLES) <= names
    for table in LEARN_TABLES:
        assert "sender_id" in {c["name"] for c in inspect(engine).get_columns(table)}


def test_a_course_run_resume_and_spaced_review(engine: Engine, course: Course) -> None:
    learning = Learning(LearningStore(engine), course)
    me = "tg-" + "a" * 32
    first, second = course.lessons[0], course.lessons[1]
    assert learning.resume_lesson(me) is first  # a newcomer starts at lesson 1
    run = learning.open_lesson(me, first, "ru", T0)
    assert run.pending == first.quiz and not run.restarted
    q1, q2 = first.quiz[0], first.quiz[1]
    # a miss: graded, recorded, due the next day
    r = learning.answer(me, q1.id, wrong(q1), "ru", T0 + 10)
    assert not r.grade.correct and r.next_question is q2 and not r.lesson_done
    assert r.state.due_at == T0 + 10 + DAY and r.state.box == 0
    # resume in the middle: the same lesson, only what is left
    assert learning.resume_lesson(me) is first
    assert learning.open_lesson(me, first, "ru", T0 + 20).pending == [q2]
    for extra in first.quiz[2:]:
        learning.answer(me, extra.id, extra.correct, "ru", T0 + 25)
    r = learning.answer(me, q2.id, q2.correct, "ru", T0 + 30)
    assert r.grade.correct and r.state.due_at is None
    assert r.lesson_done and r.first_completion and r.next_question is None
    assert (r.run_correct, r.run_total) == (len(first.quiz) - 1, len(first.quiz))
    # completed: the course resumes at the next lesson; nothing due yet
    assert learning.resume_lesson(me) is second
    assert learning.review_queue(me, T0 + 60) == []
    ov = learning.overview(me, T0 + 60)
    assert ov.completed == {first.id} and ov.due == [] and ov.resume is second
    # the next day the missed question is due; right in review -> back after a longer pause
    assert learning.review_queue(me, T0 + 10 + DAY) == [(first, q1)]
    assert learning.store.next_due_at(me) == T0 + 10 + DAY
    r = learning.answer(me, q1.id, q1.correct, "ru", T0 + 2 * DAY, mode="review")
    assert r.grade.correct and r.state.box == 1 and r.due == [] and not r.lesson_done
    assert learning.review_queue(me, T0 + 3 * DAY) == []
    assert learning.review_queue(me, T0 + 2 * DAY + schedule.REVIEW_DAYS[1] * DAY) == [(first, q1)]
    # opening a completed lesson again is a new run of its quiz; completion is counted once
    again = learning.open_lesson(me, first, "kk", T0 + 3 * DAY)
    assert again.restarted and again.pending == first.quiz
    for q in first.quiz:
        r = learning.answer(me, q.id, q.correct, "kk", T0 + 3 * DAY + 1)
    assert r.lesson_done and not r.first_completion and r.run_correct == len(first.quiz)
    # every lesson done: nothing to resume
    for lesson in course.lessons[1:]:
        learning.open_lesson(me, lesson, "ru", T0 + 4 * DAY)
        for q in lesson.quiz:
            learning.answer(me, q.id, q.correct, "ru", T0 + 4 * DAY + 1)
    assert learning.resume_lesson(me) is None
    # another learner's progress is their own
    assert learning.resume_lesson("web-" + "b" * 32) is first


def test_bad_answers_are_refused(engine: Engine, course: Course) -> None:
    learning = Learning(LearningStore(engine), course)
    q = course.lessons[0].quiz[0]
    with pytest.raises(UnknownQuestion):
        learning.answer("tg-x", "no-such-question", 0, "ru", T0)
    with pytest.raises(ValueError):
        learning.answer("tg-x", q.id, len(q.options), "ru", T0)
    with pytest.raises(ValueError):
        learning.answer("tg-x", q.id, -1, "ru", T0)
    assert learning.store.answer_states("tg-x") == {}


def test_reminders_polls_and_anonymous_counts(engine: Engine, course: Course) -> None:
    learning = Learning(LearningStore(engine), course)
    store = learning.store
    q = course.lessons[0].quiz[0]
    a, b, c = "tg-" + "1" * 32, "tg-" + "2" * 32, "web-" + "3" * 32
    for who in (a, b, c):
        learning.open_lesson(who, course.lessons[0], "ru", T0)
    learning.answer(a, q.id, wrong(q), "ru", T0)
    learning.answer(b, q.id, wrong(q), "kk", T0)
    learning.answer(c, q.id, q.correct, "ru", T0)
    learning.set_reminders(a, True, 111, "ru", T0)
    learning.set_reminders(b, True, 222, "kk", T0)
    learning.set_reminders(b, False, 222, "kk", T0)  # opted out: the chat id is forgotten
    assert store.get_progress(b).chat_id is None  # type: ignore[union-attr]
    assert store.reminder_targets(T0 + 10) == []  # nothing due yet
    targets = store.reminder_targets(T0 + DAY + 1)
    assert [(t.sender_id, t.chat_id, t.language, t.due) for t in targets] == [(a, 111, "ru", 1)]
    store.mark_reminded(a, T0 + DAY + 1)
    assert store.reminder_targets(T0 + DAY + 100) == []  # at most one reminder a day
    assert [t.sender_id for t in store.reminder_targets(T0 + 2 * DAY + 2)] == [a]
    # a poll maps back to its learner and question once
    store.add_poll("5000000001", a, q.id, "review", T0)
    got = store.take_poll("5000000001")
    assert got is not None and (got.sender_id, got.question_id, got.mode) == (a, q.id, "review")
    assert store.take_poll("5000000001") is None
    store.add_poll("5000000002", a, q.id, "lesson", T0)
    assert store.prune_polls(T0 + 1) == 1
    # counts only
    stats = store.stats()
    assert stats.learners == 3 and stats.reminders_on == 1
    assert stats.lessons[course.lessons[0].id] == (3, 0)
    counts = stats.questions[q.id]
    assert (counts.learners, counts.first_correct, counts.attempts, counts.correct_attempts, counts.in_review) == (3, 1, 3, 1, 2)
    assert all(not isinstance(v, str) for v in vars(counts).values())


def test_delete_my_data_erases_learning_progress(engine: Engine, course: Course) -> None:
    learning = Learning(LearningStore(engine), course)
    me, other = "tg-" + "d" * 32, "tg-" + "e" * 32
    q = course.lessons[0].quiz[0]
    for who in (me, other):
        learning.open_lesson(who, course.lessons[0], "ru", T0)
        learning.answer(who, q.id, wrong(q), "ru", T0)
        learning.set_reminders(who, True, 42, "ru", T0)
        learning.store.add_poll(f"poll-{who}", who, q.id, "lesson", T0)
    deleted = delete_user_data(engine, me)
    assert {t: deleted.get(t) for t in LEARN_TABLES} == {t: 1 for t in LEARN_TABLES}
    with engine.connect() as conn:
        for table in (progress, lessons, answers, polls):
            assert conn.execute(select(table.c.sender_id)).scalars().all() == [other]
    assert learning.resume_lesson(me) is course.lessons[0]
    assert learning.overview(me, T0 + 2 * DAY).due == []


# ------------------------------------------------------------------ the review app's page (counts only)
def test_review_page_shows_counts_only_hardest_first(tmp_path: Path, course: Course) -> None:
    import asyncio

    import aiohttp
    from aiohttp import web

    from tendik.review.learning import page_data, page_handler

    eng = make_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    ensure_schema(eng)
    learning = Learning(LearningStore(eng), course)
    first = course.lessons[0]
    q_hard, q_easy = first.quiz[0], first.quiz[1]
    senders = [f"tg-{n:032d}" for n in range(4)]
    for n, who in enumerate(senders):
        learning.open_lesson(who, first, "ru", T0)
        learning.answer(who, q_hard.id, q_hard.correct if n == 0 else wrong(q_hard), "ru", T0)
        learning.answer(who, q_easy.id, q_easy.correct, "ru", T0)
        for q in first.quiz[2:]:
            learning.answer(who, q.id, q.correct, "ru", T0)
    data = page_data(course, learning.store.stats(), "kk")
    assert data["learners"] == 4
    assert data["lessons"][0] == {"number": 1, "title": first.title["kk"], "started": 4, "completed": 4, "completion": 100.0}
    assert data["lessons"][1]["started"] == 0 and data["lessons"][1]["completion"] is None
    top = data["questions"][0]
    assert (top["id"], top["learners"], top["first_correct"], top["accuracy"], top["in_review"]) == (q_hard.id, 4, 1, 25.0, 3)
    assert data["questions"][-1]["accuracy"] is None  # never answered: last

    async def fetch() -> str:
        app = web.Application()
        app.router.add_get("/learning", page_handler(eng, course))
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        try:
            async with aiohttp.ClientSession() as s, s.get(f"http://127.0.0.1:{port}/learning?lang=kk") as r:
                assert r.status == 200
                return await r.text()
        finally:
            await runner.cleanup()

    html = asyncio.run(fetch())
    assert first.title["kk"] in html and "25%" in html and 'lang="kk"' in html
    assert not any(who in html for who in senders)
    eng.dispose()
