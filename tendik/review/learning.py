"""The review app's page on the course (issue 13): which rights people get wrong. Per lesson, how
many learners started and completed it; per quiz question, how many answered, how many were right
the first time (the accuracy), all answers and right ones, and how many have it in review now.
Counts only (:meth:`tendik.learning.store.LearningStore.stats`): no learner is named or linked.

Labels, lesson titles and questions in Kazakh or Russian (``?lang=kk|ru``; by default the account's
language, Russian for English accounts). Registered by the
wiring patch: ``app.router.add_get("/learning", learning.page_handler(engine))`` in ``make_app``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web
from sqlalchemy import Engine

from tendik.learning.course import Course, default_course, lang_of
from tendik.learning.store import LearningStore, Stats
from tendik.review.ui_texts import install, ui_language
from tendik.texts import LANGS, section

logger = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _pct(part: int, total: int) -> float | None:
    return 100.0 * part / total if total else None


def page_data(course: Course, stats: Stats, lang: str) -> dict[str, Any]:
    """The rows of the page: lessons in course order, questions hardest first (lowest first-try
    accuracy; questions nobody answered yet last)."""
    lessons = []
    questions = []
    for n, lesson in enumerate(course.lessons, 1):
        started, completed = stats.lessons.get(lesson.id, (0, 0))
        lessons.append({"number": n, "title": lesson.title[lang], "started": started, "completed": completed,
                        "completion": _pct(completed, started)})
        for q in lesson.quiz:
            c = stats.questions.get(q.id)
            learners = c.learners if c else 0
            questions.append({
                "lesson": n, "id": q.id, "question": q.question[lang], "right": q.options[q.correct][lang],
                "learners": learners, "first_correct": c.first_correct if c else 0,
                "accuracy": _pct(c.first_correct, learners) if c else None,
                "attempts": c.attempts if c else 0, "correct_attempts": c.correct_attempts if c else 0,
                "in_review": c.in_review if c else 0,
            })
    questions.sort(key=lambda q: (q["accuracy"] is None, q["accuracy"] if q["accuracy"] is not None else 0.0, q["lesson"]))
    return {"learners": stats.learners, "reminders_on": stats.reminders_on, "lessons": lessons, "questions": questions}


def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["pct"] = lambda x: "–" if x is None else f"{x:.0f}%"
    return install(env)  # base.html's interface texts


def page_handler(engine: Engine, course: Course | None = None) -> Callable[[web.Request], Awaitable[web.Response]]:
    """``GET /learning`` (behind the app's login, like every page but /login)."""
    store = LearningStore(engine)
    env = _env()

    async def handler(request: web.Request) -> web.Response:
        ui_lang = ui_language(request)
        default = ui_lang if ui_lang in LANGS else "ru"  # the account's language, else Russian
        lang = lang_of(request.query.get("lang") if request.query.get("lang") in LANGS else default)
        the_course = course or default_course()
        stats = await asyncio.to_thread(store.stats)
        labels = {name: pair[lang] for name, pair in section("learn.review").items()}
        html = env.get_template("learning.html").render(
            d=page_data(the_course, stats, lang), t=labels, lang=lang, langs=LANGS,
            user=request.get("user"), csrf=request.get("csrf", ""), flash="", ui_lang=ui_lang,
        )
        return web.Response(text=html, content_type="text/html")

    return handler
