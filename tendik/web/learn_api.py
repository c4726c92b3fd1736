"""The course in the widget service (issue 13): JSON routes for the quiz view
(``/widget/tendik-learn.js``) and a page that shows it (``/learn``, ``/ru/learn``).

    GET  /api/learn/course             the lessons (number, title) and the view's labels
    GET  /api/learn/lesson/<id>        one lesson: text, the verbatim norm with its edition, questions
                                       (never the right answer: the server grades)
    POST /api/learn/progress           {conversation_key}: lessons completed, where to resume, questions due
    POST /api/learn/start              {conversation_key, lesson_id[, restart]}: make it current, the questions left
    POST /api/learn/answer             {conversation_key, question_id, option[, mode]}: graded and recorded
    POST /api/learn/review             {conversation_key}: the questions due for review

Content is public (GET); everything about a learner is POSTed with the learner's **conversation
key**, like the chat (:mod:`tendik.web.validate`: 64 hex digits only the browser holds; the server
stores progress under ``web-`` + a one-way hash of it, so ``POST /api/delete`` with the same key
erases the progress too). The quiz view keeps its own key (localStorage ``tendik-learn:v1``).

:func:`add_learn_routes` registers all of it on the widget application (see the wiring patch).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from tendik.learning.course import lang_of
from tendik.learning.service import MODES, Learning, UnknownQuestion
from tendik.texts import LANGS, text, variants
from tendik.web import validate
from tendik.web.api import ENGINE
from tendik.web.assets import STATIC, Asset
from tendik.web.errors import ApiError, json_response, request_language

logger = logging.getLogger(__name__)

LEARNING = web.AppKey("learning", Learning)
SCRIPT = STATIC / "tendik-learn.js"
# The view's own labels (the catalog's keys, sent in the asked language).
LABELS = {
    "title": "learn.web.title", "progress": "learn.web.progress", "start": "learn.web.start", "question": "learn.web.question",
    "check": "learn.web.check", "choose": "learn.web.choose", "nextQuestion": "learn.web.next_question",
    "source": "learn.web.source", "delete": "learn.web.delete", "deleted": "learn.web.deleted", "offline": "learn.web.offline",
    "correct": "learn.correct", "wrong": "learn.wrong", "rightAnswer": "learn.right_answer", "law": "answer.law",
    "lessonDone": "learn.lesson_done", "reviewLater": "learn.review_later", "courseDone": "learn.course_done",
    "reviewIntro": "learn.review_intro", "reviewNone": "learn.review_none", "reviewDone": "learn.review_done",
    "dueWaiting": "learn.due_waiting", "next": "learn.button.next", "review": "learn.button.review",
    "continue": "learn.button.continue", "contents": "learn.contents", "lessonNumber": "learn.lesson_number",
}
PAGE = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="/demo/logo.svg" type="image/svg+xml">
<link rel="stylesheet" href="/demo/demo.css">
</head>
<body>
<main id="main" class="wrap section">
<div data-tendik-learn data-language="{lang}"></div>
</main>
<script src="/widget/tendik-learn.js" defer></script>
</body>
</html>
"""


def labels(lang: str) -> dict[str, str]:
    """The labels with their ``{placeholders}`` left for the view to fill."""
    return {name: variants(key)[lang] for name, key in LABELS.items()}


def _lang(request: web.Request, body_lang: str | None = None) -> str:
    return lang_of(body_lang or request_language(request))


async def _run(lang: str | None, fn: Callable[..., Any], *args: Any) -> Any:
    """A blocking call of the engine in a thread; the database being down is a polite 503."""
    try:
        return await asyncio.to_thread(fn, *args)
    except SQLAlchemyError as exc:
        logger.error("database unavailable: %s", type(exc).__name__)
        raise ApiError("storage_unavailable", 503, lang) from exc


async def _learner(request: web.Request) -> tuple[dict[str, Any], str, str]:
    body, lang = await validate.json_body(request)
    key = validate.conversation_key(body.get("conversation_key"), lang)
    return body, validate.sender_id(key), lang_of(lang)


# ------------------------------------------------------------------ content (public)
async def course(request: web.Request) -> web.Response:
    learning = request.app[LEARNING]
    lang = _lang(request)
    return json_response({"language": lang, "lessons": learning.course.outline(lang), "labels": labels(lang)})


async def lesson(request: web.Request) -> web.Response:
    learning = request.app[LEARNING]
    lang = _lang(request)
    found = learning.course.lesson(request.match_info["lesson_id"])
    if found is None:
        raise ApiError("not_found", 404, lang)
    return json_response(learning.course.lesson_json(found, lang))


# ------------------------------------------------------------------ the learner's (POST, by key)
def _progress(learning: Learning, sender_id: str, lang: str) -> dict[str, Any]:
    ov = learning.overview(sender_id, time.time())
    return {
        "language": lang,
        "lessons": [{**item, "completed": item["id"] in ov.completed} for item in learning.course.outline(lang)],
        "resume": ov.resume.id if ov.resume else None,
        "current": ov.current.id if ov.current else None,
        "completed": len(ov.completed), "total": len(learning.course), "due": len(ov.due),
    }


async def progress(request: web.Request) -> web.Response:
    learning = request.app[LEARNING]
    _, sender, lang = await _learner(request)
    return json_response(await _run(lang, _progress, learning, sender, lang))


async def start(request: web.Request) -> web.Response:
    learning = request.app[LEARNING]
    body, sender, lang = await _learner(request)
    found = learning.course.lesson(body.get("lesson_id") if isinstance(body.get("lesson_id"), str) else None)
    if found is None:
        raise ApiError("not_found", 404, lang)
    run = await _run(lang, learning.open_lesson, sender, found, lang, time.time(), body.get("restart") is True)
    logger.info("learn %s: lesson %d opened", sender[len(validate.SENDER_PREFIX):][:8], learning.course.number(found))
    return json_response({"lesson": learning.course.lesson_json(found, lang), "pending": [q.id for q in run.pending]})


async def answer(request: web.Request) -> web.Response:
    learning = request.app[LEARNING]
    body, sender, lang = await _learner(request)
    question_id, option, mode = body.get("question_id"), body.get("option"), body.get("mode", "lesson")
    if not isinstance(question_id, str) or not isinstance(option, int) or isinstance(option, bool) or mode not in MODES:
        raise ApiError("malformed", 400, lang)
    try:
        result = await _run(lang, learning.answer, sender, question_id, option, lang, time.time(), mode)
    except UnknownQuestion as exc:
        raise ApiError("not_found", 404, lang) from exc
    except ValueError as exc:
        raise ApiError("malformed", 400, lang) from exc
    g = result.grade
    verdict = text("learn.correct", lang) if g.correct else (
        text("learn.wrong", lang) + " " + text("learn.right_answer", lang, option=result.question.options[g.correct_option][lang]))
    out: dict[str, Any] = {
        "question_id": result.question.id, "lesson_id": result.lesson.id, "correct": g.correct, "chosen": g.chosen,
        "correct_option": g.correct_option, "verdict": verdict, "explanation": g.explanation, "mode": result.mode,
        "due": len(result.due),
    }
    if result.mode == "lesson":
        nxt = learning.course.next_after(result.lesson)
        out.update({
            "next_question": result.next_question.id if result.next_question else None, "lesson_done": result.lesson_done,
            "run_correct": result.run_correct, "run_total": result.run_total, "next_lesson": nxt.id if nxt else None,
        })
    logger.info("learn %s: answer recorded (%s)", sender[len(validate.SENDER_PREFIX):][:8], "right" if g.correct else "wrong")
    return json_response(out)


async def review(request: web.Request) -> web.Response:
    learning = request.app[LEARNING]
    _, sender, lang = await _learner(request)
    queue = await _run(lang, learning.review_queue, sender, time.time())
    return json_response({
        "language": lang,
        "questions": [{**learning.course.question_json(q, lang), "lesson_id": lsn.id, "lesson_title": lsn.title[lang]}
                      for lsn, q in queue],
    })


# ------------------------------------------------------------------ the script and the page
class LearnAssets:
    def __init__(self) -> None:
        self.script = Asset.load(SCRIPT, "public, max-age=300")
        self.pages = {lang: PAGE.format(lang=lang, title=text("learn.web.title", lang)).encode("utf-8") for lang in LANGS}

    async def script_js(self, request: web.Request) -> web.Response:
        return self.script.response(request)

    def page(self, lang: str) -> Callable[[web.Request], Any]:
        async def handler(request: web.Request) -> web.Response:
            return web.Response(body=self.pages[lang], content_type="text/html", charset="utf-8")

        return handler


def add_learn_routes(app: web.Application) -> None:
    """Register the course on the widget application (call after its resources are set up:
    the engine comes from the app's ``ENGINE`` at start)."""

    async def resources(app_: web.Application) -> AsyncIterator[None]:
        app_[LEARNING] = Learning.for_engine(app_[ENGINE])
        yield

    app.cleanup_ctx.append(resources)
    assets = LearnAssets()
    app.router.add_get("/widget/tendik-learn.js", assets.script_js)
    app.router.add_get("/learn", assets.page("kk"))
    app.router.add_get("/ru/learn", assets.page("ru"))
    app.router.add_get("/api/learn/course", course)
    app.router.add_get("/api/learn/lesson/{lesson_id}", lesson)
    app.router.add_post("/api/learn/progress", progress)
    app.router.add_post("/api/learn/start", start)
    app.router.add_post("/api/learn/answer", answer)
    app.router.add_post("/api/learn/review", review)
