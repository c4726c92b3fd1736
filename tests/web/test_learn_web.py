"""The course in the widget service: the /api/learn routes (content, progress by the conversation
key, grading, review, deletion with /api/delete) and the quiz view (tendik-learn.js) in Chromium:
keyboard, live feedback, 360 px, resume after a reload.

The service runs in this process (the real aiohttp application of ``tendik.web.app.create_app``, on
its own SQLite database; Rasa is not needed); ``create_app`` adds the course's routes
(:func:`tendik.web.learn_api.add_learn_routes`).
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from web_helpers import free_port, request

from tendik.learning.course import default_course
from tendik.learning.schedule import DAY
from tendik.web import validate
from tendik.web.app import create_app
from tendik.web.learn_api import add_learn_routes
from tendik.web.settings import WebSettings
from tests.fakes.telegram_api import LoopThread

COURSE = default_course()
LEARN_TABLES = ("tendik_learn_progress", "tendik_learn_lessons", "tendik_learn_answers", "tendik_learn_polls")


class LearnService:
    def __init__(self, base: str, db: Path) -> None:
        self.base, self.db = base, db

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return request(self.base + path, body)

    def get(self, path: str) -> Any:
        return request(self.base + path)

    def rows(self, sql: str, *params: Any) -> list[tuple]:
        with sqlite3.connect(self.db, timeout=30) as conn:
            return conn.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LearnService]:
    tmp = tmp_path_factory.mktemp("learn-web")
    db = tmp / "tracker.db"
    settings = WebSettings(rasa_url="http://127.0.0.1:9", db_url=f"sqlite:///{db}", data_dir=tmp / "data", web_rate_limit=1000)
    app = create_app(settings)
    if not any(getattr(r, "canonical", "") == "/api/learn/course" for r in app.router.resources()):
        add_learn_routes(app)
    lt = LoopThread("learn-web")
    runner = web.AppRunner(app)
    port = free_port()

    async def up() -> None:
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()

    lt.run(up())
    try:
        yield LearnService(f"http://127.0.0.1:{port}", db)
    finally:
        lt.run(runner.cleanup())
        lt.close()


def new_key() -> str:
    return secrets.token_hex(32)


def wrong(q) -> int:  # noqa: ANN001
    return (q.correct + 1) % len(q.options)


# ------------------------------------------------------------------ the API
def test_content_is_public_and_never_gives_the_answer(svc: LearnService) -> None:
    r = svc.get("/api/learn/course?language=kk")
    assert r.status == 200
    data = r.json()
    assert [x["title"] for x in data["lessons"]] == [x.title["kk"] for x in COURSE.lessons]
    assert data["labels"]["check"] and "{done}" in data["labels"]["progress"]
    lesson = COURSE.lessons[3]
    got = svc.get(f"/api/learn/lesson/{lesson.id}?language=ru").json()
    c = COURSE.citation(lesson, "ru")
    assert got["title"] == lesson.title["ru"] and got["norm"]["text"] == c.text and got["norm"]["edition"] == c.edition
    assert "correct" not in repr(got)
    missing = svc.get("/api/learn/lesson/no-such-lesson?language=ru")
    assert missing.status == 404 and missing.json()["message"]


def test_a_lesson_answered_through_the_api_and_resumed(svc: LearnService) -> None:
    key = new_key()
    first, second = COURSE.lessons[0], COURSE.lessons[1]
    p = svc.post("/api/learn/progress", {"conversation_key": key, "language": "ru"}).json()
    assert p["resume"] == first.id and p["completed"] == 0 and p["due"] == 0 and p["total"] == len(COURSE)
    started = svc.post("/api/learn/start", {"conversation_key": key, "lesson_id": first.id, "language": "ru"}).json()
    assert started["pending"] == [q.id for q in first.quiz] and started["lesson"]["id"] == first.id
    q1 = first.quiz[0]
    a = svc.post("/api/learn/answer", {"conversation_key": key, "question_id": q1.id, "option": wrong(q1), "language": "ru"}).json()
    assert a["correct"] is False and a["correct_option"] == q1.correct and a["explanation"] == q1.explanation.text["ru"]
    assert q1.options[q1.correct]["ru"] in a["verdict"] and a["next_question"] == first.quiz[1].id and not a["lesson_done"]
    # resume in the middle: the rest of the lesson
    again = svc.post("/api/learn/start", {"conversation_key": key, "lesson_id": first.id, "language": "ru"}).json()
    assert again["pending"] == [q.id for q in first.quiz[1:]]
    for q in first.quiz[1:]:
        a = svc.post("/api/learn/answer", {"conversation_key": key, "question_id": q.id, "option": q.correct, "language": "ru"}).json()
    assert a["lesson_done"] and a["next_lesson"] == second.id and (a["run_correct"], a["run_total"]) == (len(first.quiz) - 1, len(first.quiz))
    p = svc.post("/api/learn/progress", {"conversation_key": key, "language": "ru"}).json()
    assert p["completed"] == 1 and p["resume"] == second.id and p["lessons"][0]["completed"]
    # stored under the hashed sender id, never the key
    sender = validate.sender_id(key)
    assert svc.rows("SELECT count(*) FROM tendik_learn_answers WHERE sender_id = ?", sender) == [(len(first.quiz),)]
    for table in LEARN_TABLES:
        assert key not in repr(svc.rows(f"SELECT * FROM {table}"))  # noqa: S608
    # the review: nothing due until the next day
    assert svc.post("/api/learn/review", {"conversation_key": key}).json()["questions"] == []
    with sqlite3.connect(svc.db) as conn:
        conn.execute("UPDATE tendik_learn_answers SET due_at = due_at - ? WHERE sender_id = ? AND due_at IS NOT NULL", (2 * DAY, sender))
    due = svc.post("/api/learn/review", {"conversation_key": key, "language": "kk"}).json()["questions"]
    assert [(q["id"], q["question"]) for q in due] == [(q1.id, q1.question["kk"])]
    a = svc.post("/api/learn/answer", {"conversation_key": key, "question_id": q1.id, "option": q1.correct, "mode": "review"}).json()
    assert a["correct"] and a["mode"] == "review" and a["due"] == 0
    # /api/delete with the same key erases the progress
    deleted = svc.post("/api/delete", {"conversation_key": key, "language": "ru"})
    assert deleted.status == 200
    assert {t: deleted.json()["deleted"].get(t) for t in LEARN_TABLES[:3]} == {
        "tendik_learn_progress": 1, "tendik_learn_lessons": 1, "tendik_learn_answers": len(first.quiz)}
    assert svc.post("/api/learn/progress", {"conversation_key": key}).json()["completed"] == 0


@pytest.mark.parametrize(("body", "status"), [
    ({"conversation_key": "not-a-key", "question_id": "q01-definition", "option": 0}, 400),
    ({"conversation_key": None, "question_id": "q01-definition", "option": 0}, 400),
    ({"question_id": "q01-definition", "option": 7}, 400),
    ({"question_id": "q01-definition", "option": -1}, 400),
    ({"question_id": "q01-definition", "option": True}, 400),
    ({"question_id": "q01-definition", "option": "1"}, 400),
    ({"question_id": "q01-definition", "option": 0, "mode": "exam"}, 400),
    ({"question_id": "no-such-question", "option": 0}, 404),
])
def test_bad_answers_are_refused_in_the_users_language(svc: LearnService, body: dict, status: int) -> None:
    key = new_key()
    payload = {k: v for k, v in {"conversation_key": key, "language": "kk", **body}.items() if v is not None}
    r = svc.post("/api/learn/answer", payload)
    assert r.status == status and r.json()["message"]
    assert svc.rows("SELECT count(*) FROM tendik_learn_answers WHERE sender_id = ?", validate.sender_id(key)) == [(0,)]
    assert svc.post("/api/learn/start", {"conversation_key": key, "lesson_id": "nope"}).status == 404


# ------------------------------------------------------------------ the quiz view in Chromium
def view_text(page) -> str:  # noqa: ANN001
    return page.evaluate("() => document.querySelector('[data-tendik-learn]').shadowRoot.textContent")


def focused(page) -> dict:  # noqa: ANN001
    return page.evaluate("""() => { const r = document.querySelector('[data-tendik-learn]').shadowRoot;
        const el = r.activeElement; return el ? {tag: el.tagName.toLowerCase(), text: (el.textContent || '').trim(),
        type: el.getAttribute('type') || ''} : {}; }""")


def test_quiz_view_keyboard_live_feedback_360px_and_resume(browser, svc: LearnService) -> None:  # noqa: ANN001
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="ru-RU")
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    try:
        first = COURSE.lessons[0]
        page.goto(svc.base + "/ru/learn")
        start = page.locator("button.tl-primary")
        start.first.wait_for()
        assert first.title["ru"] in start.first.text_content()
        start.first.click()
        page.locator("figure.tl-norm").wait_for()
        c = COURSE.citation(first, "ru")
        assert c.edition in page.locator("figcaption").text_content()
        assert focused(page)["tag"] == "h2"  # the lesson's heading takes the focus
        page.locator("button.tl-primary").click()
        results = []
        for n, q in enumerate(first.quiz):
            page.locator("fieldset input[type=radio]").first.wait_for()
            assert q.question["ru"] in page.locator("legend").text_content()
            assert page.locator("fieldset input[type=radio]").count() == len(q.options)
            # keyboard only: focus the group, arrows move the choice, Enter checks
            page.locator("fieldset input[type=radio]").first.focus()
            page.keyboard.press("Space")
            for _ in range(wrong(q) if n == 0 else q.correct):
                page.keyboard.press("ArrowDown")
            page.keyboard.press("Enter")
            page.locator(".tl-feedback strong").wait_for()
            page.wait_for_function("() => document.querySelector('[data-tendik-learn]').shadowRoot"
                                   ".querySelector('[aria-live=polite]').textContent.length > 0")
            live = page.evaluate("() => document.querySelector('[data-tendik-learn]').shadowRoot"
                                 ".querySelector('[aria-live=polite]').textContent")
            results.append(live)
            assert q.explanation.text["ru"] in live
            assert focused(page)["tag"] == "button"  # next step focused
            if n + 1 < len(first.quiz):
                page.keyboard.press("Enter")
        assert results[0].startswith("Неверно") and all(r.startswith("Верно") for r in results[1:])
        assert "Урок пройден" in view_text(page)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360  # no sideways scrolling
        # a reload resumes: lesson 1 done, lesson 2 next
        page.reload()
        page.locator("button.tl-lesson-btn.tl-done").first.wait_for()
        assert COURSE.lessons[1].title["ru"] in page.locator("button.tl-primary").first.text_content()
        assert "1 из" in view_text(page)
        assert problems == []
    finally:
        context.close()
