"""The review web application (aiohttp + Jinja2, autoescape on everywhere).

Routes (everything but ``/login`` and the style sheet needs a session; ``/admin/*`` needs the
admin role; every POST needs the CSRF token):

    GET  /login, POST /login, POST /logout
    GET  /                          -> /conversations
    GET  /conversations             list + filters + search + keyset pagination
    GET  /transcript?id=<sender>    one conversation, every turn
    POST /judge                     save a verdict on one answer
    POST /sync                      index new tracker events now
    GET  /dashboard                 charts (served by the project: /static/charts.js)
    GET  /learning?lang=kk|ru       the course: completion per lesson, accuracy per quiz question (counts only)
    GET  /admin/users, POST /admin/users[/<action>]
    GET  /admin/exports, GET /admin/export/<file>, GET /admin/conversations.csv
    GET  /admin/content-fixes, POST /admin/content-fixes   answers flagged "needs a content fix"
    GET  /settings, POST /settings  the account's interface language (kk | ru | en)

Every page and message is in the account's language (:mod:`tendik.review.ui_texts`; the login page:
the browser's), intents are shown as topic names and times in Almaty time with the zone named.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import jinja2
from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from sqlalchemy import Engine

from tendik.common.feedback import reason_stats
from tendik.common.http import client_address, request_guard
from tendik.db.migrate import ensure_schema
from tendik.review import auth, exports, learning, project, queries, views
from tendik.review.judgements import REASONS, JudgementError, content_fixes, mark_content_fixed, save_judgement, verdict_stats
from tendik.review.settings import ReviewSettings
from tendik.review.sync import sync
from tendik.review.ui_texts import LANGUAGE_NAMES, TEXTS, install, ui, ui_language

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "tendik_review"
LOGIN_COOKIE = "tendik_review_login"
PUBLIC = {"/login", "/static/app.css", "/favicon.ico"}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

SETTINGS = web.AppKey("settings", ReviewSettings)
ENGINE = web.AppKey("engine", Engine)
JINJA = web.AppKey("jinja", jinja2.Environment)
SYNC_LOCK = web.AppKey("sync_lock", asyncio.Lock)
SYNC_TASK = web.AppKey("sync_task", asyncio.Task)
CACHE = web.AppKey("cache", dict)
CACHE_SECONDS = 60.0  # facets and dashboard: aggregate queries, refreshed after a sync indexes something

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def make_jinja() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every template, whatever its name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["ts"] = views.fmt_ts
    env.filters["pct"] = lambda x, total: f"{100 * x / total:.0f}%" if total else "–"
    env.globals["urlencode"] = urlencode
    env.globals["view_keys"] = frozenset(k for k in TEXTS if k.startswith("view."))
    env.globals["language_names"] = LANGUAGE_NAMES
    return install(env)  # T(), |ts in Almaty time, |topic, ...


def client(request: web.BaseRequest) -> str:
    """The client's address (behind a trusted proxy: the last X-Forwarded-For hop), for the
    login limits and the security log of this operators' app."""
    try:
        trust = request.app[SETTINGS].review_trust_proxy  # type: ignore[attr-defined]
    except (AttributeError, KeyError, RuntimeError):
        trust = False  # a request aiohttp refused before it reached the application
    return client_address(request, trust)


def who(request: web.BaseRequest) -> str:
    """Who made a request, for the log: the operator's account (if logged in) and the client."""
    user = request.get("user")
    return f"{user.username if user else 'anonymous'} at {client(request)}"


def _flash_sig(request: web.Request, msg: str) -> str:
    """A message shown after a redirect is signed for this session: a link with ``?msg=`` made
    by someone else (phishing text on a trusted page) shows nothing."""
    key = (request.app[SETTINGS].review_secret + "\0" + request.get("csrf", "")).encode()
    return hmac.new(key, b"flash:" + msg.encode(), hashlib.sha256).hexdigest()[:32]


def _flash(request: web.Request) -> str:
    msg = request.query.get("msg", "")[:300]
    if msg and request.get("csrf") and hmac.compare_digest(request.query.get("sig", ""), _flash_sig(request, msg)):
        return msg
    return ""


def render(request: web.Request, template: str, status: int = 200, **ctx: Any) -> web.Response:
    env = request.app[JINJA]
    ctx.setdefault("user", request.get("user"))
    ctx.setdefault("csrf", request.get("csrf", ""))
    ctx.setdefault("flash", _flash(request))
    ctx.setdefault("ui_lang", ui_language(request))
    html = env.get_template(template).render(**ctx)
    return web.Response(text=html, content_type="text/html", status=status)


async def db(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a blocking database call off the event loop."""
    return await asyncio.to_thread(fn, *args, **kwargs)


async def cached(app: web.Application, key: tuple, fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` (a blocking aggregate query), kept for CACHE_SECONDS or until the next sync
    that indexes something."""
    cache = app[CACHE]
    hit = cache.get(key)
    if hit and hit[0] > time.monotonic():
        return hit[1]
    value = await db(fn, *args)
    cache[key] = (time.monotonic() + CACHE_SECONDS, value)
    return value


def redirect(request: web.Request, location: str, msg: str | None = None, fragment: str = "") -> web.HTTPFound:
    if msg:
        msg = msg[:300]
        location += ("&" if "?" in location else "?") + urlencode({"msg": msg, "sig": _flash_sig(request, msg)})
    return web.HTTPFound(location + (f"#{fragment}" if fragment else ""))


# ------------------------------------------------------------------ middlewares
@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")  # "no-referrer" makes Chromium send Origin: null
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if not request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")
    if isinstance(response, web.HTTPException):
        raise response
    return response


def _origin_ok(request: web.Request) -> bool:
    """A POST from another site's page is refused even before the token check."""
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.host


OPERATOR_PATHS = ("/inbox", "/settings", "/logout", "/static/")


def _operator_path(path: str) -> bool:
    return path == "/" or any(path == p or path.startswith(p.rstrip("/") + "/") for p in OPERATOR_PATHS)


@web.middleware
async def auth_and_csrf(request: web.Request, handler: Handler) -> web.StreamResponse:
    app = request.app
    settings = app[SETTINGS]
    if request.path in PUBLIC:
        if request.method == "POST":
            form = await request.post()
            pre = request.cookies.get(LOGIN_COOKIE, "")
            if not _origin_ok(request) or not pre or not auth.same_token(str(form.get("csrf_token", "")), auth.login_csrf(settings.review_secret, pre)):
                logger.warning("POST %s refused for %s: bad CSRF token or foreign origin", request.path, who(request))
                lang = ui_language(request)
                return render(request, "error.html", status=403, title=ui("error.forbidden", lang), message=ui("error.csrf", lang))
        return await handler(request)
    token = request.cookies.get(SESSION_COOKIE, "")
    session = await db(auth.load_session, app[ENGINE], settings.review_secret, token) if token else None
    if session is None:
        if request.method == "GET" and not request.path.startswith(("/admin/export", "/admin/conversations.csv")):
            nxt = request.path_qs if request.path != "/" else "/conversations"
            raise web.HTTPFound("/login?" + urlencode({"next": nxt}))
        raise web.HTTPUnauthorized(text="login required")
    request["user"], request["csrf"] = session
    if request.method not in ("GET", "HEAD"):
        form = await request.post()
        if not _origin_ok(request) or not auth.same_token(str(form.get("csrf_token", "")), session[1]):
            logger.warning("POST %s refused for %s: bad CSRF token or foreign origin", request.path, who(request))
            lang = ui_language(request)
            return render(request, "error.html", status=403, title=ui("error.forbidden", lang), message=ui("error.csrf", lang))
    if request["user"].role == "operator" and not _operator_path(request.path):
        # an operator sees handed-off cases only (the inbox), not the conversations the bot had
        logger.warning("%s %s refused for %s: operators see the inbox only", request.method, request.path, who(request))
        if request.method == "GET" and request.path in ("/", "/conversations"):
            raise web.HTTPFound("/inbox")
        lang = ui_language(request)
        return render(request, "error.html", status=403, title=ui("error.forbidden", lang), message=ui("error.forbidden", lang))
    if request.path.startswith("/admin") and not request["user"].is_admin:
        logger.warning("%s %s refused for %s: not an admin", request.method, request.path, who(request))
        lang = ui_language(request)
        return render(request, "error.html", status=403, title=ui("error.forbidden", lang), message=ui("error.admin_only", lang))
    return await handler(request)


# ------------------------------------------------------------------ login
_LOCAL_PATH = re.compile(r"^/(?![/\\])[\x21-\x7e]{0,2000}$")


def _safe_next(value: str | None) -> str:
    """Only a path on this site: no scheme, no "//host", no backslash, no white space or control
    characters (browsers drop tabs and newlines, which would turn "/\t/evil" into "//evil")."""
    if value and _LOCAL_PATH.match(value) and "\\" not in value:
        return value
    return "/conversations"


async def login_page(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    pre = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
    resp = render(request, "login.html", csrf=auth.login_csrf(settings.review_secret, pre), error="",
                  next=_safe_next(request.query.get("next")), user=None)
    resp.set_cookie(LOGIN_COOKIE, pre, httponly=True, samesite="Strict", secure=settings.review_cookie_secure, path="/login",
                    max_age=3600)
    return resp


async def login_post(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    form = await request.post()
    username = str(form.get("username", "")).strip()[:64]
    password = str(form.get("password", ""))[:1024]
    result = await db(auth.authenticate, request.app[ENGINE], username, password, settings.login_limits(), client(request))
    if result.user is None:
        pre = request.cookies.get(LOGIN_COOKIE, "")
        error = ui("login.locked" if result.locked else "login.wrong", ui_language(request))
        return render(request, "login.html", status=401, csrf=auth.login_csrf(settings.review_secret, pre), error=error,
                      next=_safe_next(str(form.get("next", ""))), user=None)
    token, _ = await db(auth.create_session, request.app[ENGINE], settings.review_secret, result.user, settings.review_session_hours)
    resp = web.HTTPFound(_safe_next(str(form.get("next", ""))))
    resp.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="Strict", secure=settings.review_cookie_secure, path="/",
                    max_age=int(settings.review_session_hours * 3600))
    resp.del_cookie(LOGIN_COOKIE, path="/login")
    raise resp


async def logout(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    await db(auth.end_session, request.app[ENGINE], settings.review_secret, request.cookies.get(SESSION_COOKIE, ""))
    logger.info("logout of %s", who(request))
    resp = web.HTTPFound("/login")
    resp.del_cookie(SESSION_COOKIE, path="/")
    raise resp


# ------------------------------------------------------------------ pages
async def index(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/conversations")


async def conversation_list(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    engine = request.app[ENGINE]
    filters = queries.Filters.from_query(request.query)
    started = time.perf_counter()
    page = await db(queries.list_page, engine, filters, settings.review_page_size, request.query.get("after"),
                    request.query.get("before"))
    elapsed = (time.perf_counter() - started) * 1000
    facets = await cached(request.app, ("facets",), queries.facet_values, engine)
    params = filters.as_params()
    for row in page.rows:
        row["preview"] = views.redact(row["preview"])
    return render(
        request, "list.html", filters=filters, page=page, params=params, facets=facets, intents=project.intents(),
        low_confidence=settings.review_low_confidence, elapsed_ms=elapsed,
        next_url=("/conversations?" + urlencode({**params, "after": page.next_cursor})) if page.next_cursor else None,
        prev_url=("/conversations?" + urlencode({**params, "before": page.prev_cursor})) if page.prev_cursor else None,
        csv_url="/admin/conversations.csv?" + urlencode(params),
    )


TURNS_PER_PAGE = 100


async def transcript_page(request: web.Request) -> web.Response:
    """One conversation, ``TURNS_PER_PAGE`` turns at a time (``start``, or the page holding ``turn``)."""
    sender_id = request.query.get("id", "")
    lang = ui_language(request)
    data = await db(views.transcript, request.app[ENGINE], sender_id, lang) if sender_id else None
    if data is None:
        return render(request, "error.html", status=404, title=ui("error.not_found", lang), message=ui("error.no_conversation", lang))
    turns = data["turns"]
    try:
        start = max(0, int(request.query.get("start", "0")))
    except ValueError:
        start = 0
    wanted = request.query.get("turn")
    if wanted and wanted.isdigit():
        index = next((i for i, x in enumerate(turns) if x["event_id"] == int(wanted)), None)
        if index is not None:
            start = index - index % TURNS_PER_PAGE
    start = min(start, max(0, len(turns) - 1) - max(0, len(turns) - 1) % TURNS_PER_PAGE)
    base = {"id": sender_id}
    pager = {
        "total": len(turns), "first": start + 1, "last": min(start + TURNS_PER_PAGE, len(turns)),
        "prev": "/transcript?" + urlencode({**base, "start": start - TURNS_PER_PAGE}) if start > 0 else None,
        "next": "/transcript?" + urlencode({**base, "start": start + TURNS_PER_PAGE}) if start + TURNS_PER_PAGE < len(turns) else None,
    }
    data = {**data, "turns": turns[start : start + TURNS_PER_PAGE]}
    return render(request, "transcript.html", c=data, pager=pager, intents=project.intents(), reasons=REASONS,
                  knowledge=list(project.knowledge_titles()), back=_safe_next(request.query.get("back")))


async def judge(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    sender_id = str(form.get("sender_id", ""))
    back = "/transcript?" + urlencode({"id": sender_id, "turn": str(form.get("turn_event_id", ""))[:20]})
    try:
        event_id = int(str(form.get("turn_event_id", "")))
        await db(
            save_judgement, request.app[ENGINE], sender_id, event_id, str(form.get("verdict", "")), request["user"].username,
            right_intent=str(form.get("right_intent", "")), knowledge_ids=[str(v) for v in form.getall("knowledge_ids", [])],
            comment=str(form.get("comment", "")), reason=str(form.get("reason", "")),
            content_fix=form.get("content_fix") == "1", require_reason=True,
        )
    except (ValueError, JudgementError) as exc:
        lang = ui_language(request)
        msg = ui(f"judge.{exc.code}", lang) if isinstance(exc, JudgementError) and exc.code else str(exc) \
            if isinstance(exc, JudgementError) else ui("msg.bad_input", lang)
        raise redirect(request, back, ui("msg.not_saved", lang, msg=msg)) from None
    raise redirect(request, back, ui("msg.saved", ui_language(request)), fragment=f"turn-{event_id}")


async def sync_now(request: web.Request) -> web.StreamResponse:
    result = await run_sync(request.app)
    raise redirect(request, "/conversations", ui("msg.indexed", ui_language(request), events=result.events, votes=result.votes))


async def dashboard_page(request: web.Request) -> web.Response:
    try:
        days = min(max(int(request.query.get("days", "30")), 1), 366)
    except ValueError:
        days = 30
    data = await cached(request.app, ("dashboard", days), queries.dashboard, request.app[ENGINE], days)
    unanswered = [{**u, "text": views.redact(u["text"])} for u in data["unanswered"]]
    since = queries._epoch(queries.date.fromisoformat(data["start_day"]))
    verdicts = await cached(request.app, ("verdicts", days), verdict_stats, request.app[ENGINE], since)
    user_reasons = await cached(request.app, ("vote_reasons", days), reason_stats, request.app[ENGINE], since)
    data = {**data, "unanswered": unanswered, "verdicts": verdicts, "user_reasons": user_reasons}
    return render(request, "dashboard.html", d=data, reasons=REASONS)


# ------------------------------------------------------------------ admin
async def users_page(request: web.Request) -> web.Response:
    users = await db(auth.list_users, request.app[ENGINE])
    return render(request, "users.html", users=users, roles=auth.ROLES)


async def users_post(request: web.Request) -> web.StreamResponse:
    engine = request.app[ENGINE]
    form = await request.post()
    action = request.match_info.get("action", "add")
    username = str(form.get("username", "")).strip()
    me = request["user"]
    lang = ui_language(request)
    try:
        if action == "add":
            await db(auth.add_user, engine, username, str(form.get("password", "")), str(form.get("role", "reviewer")),
                     str(form.get("language", "") or "en"))
        elif action in ("disable", "enable"):
            if username == me.username:
                raise auth.AccountError("you cannot disable your own account", "self_disable")
            await db(auth.set_disabled, engine, username, action == "disable")
        elif action == "password":
            await db(auth.set_password, engine, username, str(form.get("password", "")))
        elif action == "role":
            if username == me.username:
                raise auth.AccountError("you cannot change your own role", "self_role")
            await db(auth.set_role, engine, username, str(form.get("role", "")))
        elif action == "language":
            await db(auth.set_language, engine, username, str(form.get("language", "")))
            if username == me.username:
                lang = str(form.get("language", ""))
        else:
            raise web.HTTPNotFound()
    except auth.AccountError as exc:
        logger.warning("account change %s of %r refused for %s: %s", action, username[:64], who(request), exc)
        raise redirect(request, "/admin/users", ui("msg.not_done", lang, msg=account_error(exc, lang))) from None
    logger.info("account change %s of %r by %s", action, username[:64], who(request))
    raise redirect(request, "/admin/users", ui(f"msg.{action}", lang, name=username))


def account_error(exc: auth.AccountError, lang: str) -> str:
    """An account error in the operator's language."""
    return ui(f"account.{exc.code}", lang, **exc.fields) if f"account.{exc.code}" in TEXTS else str(exc)


async def settings_page(request: web.Request) -> web.Response:
    return render(request, "settings.html")


async def settings_post(request: web.Request) -> web.StreamResponse:
    """The account's own interface language."""
    form = await request.post()
    user = request["user"]
    try:
        await db(auth.set_language, request.app[ENGINE], user.username, str(form.get("language", "")))
    except auth.AccountError as exc:
        lang = ui_language(request)
        raise redirect(request, "/settings", ui("msg.not_done", lang, msg=account_error(exc, lang))) from None
    logger.info("interface language changed by %s", who(request))
    raise redirect(request, "/settings", ui("msg.settings_saved", str(form.get("language", ""))))


async def content_fixes_page(request: web.Request) -> web.Response:
    """Answers flagged "harmful / needs a content fix": the content owner's list (and the fixed ones)."""
    engine = request.app[ENGINE]
    open_items = await db(content_fixes, engine, False)
    done_items = await db(content_fixes, engine, True, 100)
    return render(request, "content_fixes.html", open_items=open_items, done_items=done_items)


async def content_fixes_post(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    lang = ui_language(request)
    try:
        judgement_id = int(str(form.get("id", "")))
    except ValueError:
        raise redirect(request, "/admin/content-fixes", ui("msg.not_done", lang, msg=ui("msg.bad_input", lang))) from None
    fixed = form.get("action") != "reopen"
    if not await db(mark_content_fixed, request.app[ENGINE], judgement_id, request["user"].username, fixed):
        raise redirect(request, "/admin/content-fixes", ui("msg.not_done", lang, msg=ui("msg.bad_input", lang)))
    logger.info("content fix %s by %s", "done" if fixed else "reopened", who(request))
    raise redirect(request, "/admin/content-fixes", ui("msg.fix_done" if fixed else "msg.fix_reopened", lang))


async def exports_page(request: web.Request) -> web.Response:
    engine = request.app[ENGINE]
    nlu = await db(exports.nlu_yaml, engine)
    stories = await db(exports.stories_yaml, engine)
    unanswered = await db(exports.unanswered, engine)
    verdicts = await db(exports.verdicts, engine)
    ul = ui_language(request)
    files = [(f"nlu-{lang}.yml", ui("exp.nlu", ul, code=lang), text.count("\n    - ")) for lang, text in nlu.items()]
    files += [(f"stories-{lang}.yml", ui("exp.stories", ul, code=lang), text.count("- story:")) for lang, text in stories.items()]
    files += [("unanswered.csv", ui("exp.unanswered_csv", ul), len(unanswered)), ("unanswered.md", ui("exp.unanswered_md", ul),
                                                                                   len(unanswered))]
    files += [("verdicts.csv", ui("exp.verdicts", ul), len(verdicts))]
    return render(request, "exports.html", files=files)


async def export_file(request: web.Request) -> web.Response:
    engine = request.app[ENGINE]
    name = request.match_info["name"]
    content: str | None = None
    try:
        if name.startswith("nlu-") and name.endswith(".yml"):
            content = (await db(exports.nlu_yaml, engine)).get(name[4:-4])
            exports.assert_clean(exports.user_texts("nlu", content or ""), name)
            ctype = "application/yaml"
        elif name.startswith("stories-") and name.endswith(".yml"):
            content = (await db(exports.stories_yaml, engine)).get(name[8:-4])
            exports.assert_clean(exports.user_texts("stories", content or ""), name)
            ctype = "application/yaml"
        elif name in ("unanswered.csv", "unanswered.md"):
            items = await db(exports.unanswered, engine)
            exports.assert_clean((u.question for u in items), name)
            content = exports.unanswered_csv(items) if name.endswith(".csv") else exports.unanswered_md(items)
            ctype = "text/csv" if name.endswith(".csv") else "text/markdown"
        elif name == "verdicts.csv":
            content = exports.verdicts_csv(await db(exports.verdicts, engine))
            ctype = "text/csv"
    except exports.ExportRefused as exc:
        lang = ui_language(request)
        message = str(exc) if lang == "en" else ui("error.export_refused_msg", lang)
        return render(request, "error.html", status=409, title=ui("error.export_refused", lang), message=message)
    if content is None:
        raise web.HTTPNotFound(text="no such export")
    logger.info("export %s downloaded by %s", name, who(request))
    return web.Response(body=content.encode("utf-8"), content_type=ctype, charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="tendik-{name}"'})


async def conversations_csv(request: web.Request) -> web.StreamResponse:
    engine = request.app[ENGINE]
    filters = queries.Filters.from_query(request.query)
    resp = web.StreamResponse(headers={"Content-Type": "text/csv; charset=utf-8",
                                       "Content-Disposition": 'attachment; filename="tendik-conversations.csv"'})
    await resp.prepare(request)
    gen = exports.conversations_csv(engine, filters)
    sentinel = object()
    while True:
        chunk = await asyncio.to_thread(next, gen, sentinel)
        if chunk is sentinel:
            break
        await resp.write(chunk.encode("utf-8"))
    await resp.write_eof()
    logger.info("conversation list exported as CSV by %s", who(request))
    return resp


# ------------------------------------------------------------------ sync in the background
async def run_sync(app: web.Application):  # noqa: ANN201
    async with app[SYNC_LOCK]:
        result = await db(sync, app[ENGINE])
    if result.events or result.votes:
        app[CACHE].clear()
    return result


async def _sync_loop(app: web.Application) -> None:
    interval = app[SETTINGS].review_sync_seconds
    while True:
        try:
            await run_sync(app)
        except Exception:  # noqa: BLE001 - keep serving; the next round retries
            logger.exception("background sync failed")
        await asyncio.sleep(interval)


async def _start_background(app: web.Application) -> None:
    if app[SETTINGS].review_sync_seconds > 0:
        app[SYNC_TASK] = asyncio.create_task(_sync_loop(app))


async def _stop_background(app: web.Application) -> None:
    task = app.get(SYNC_TASK)
    if task:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def favicon(request: web.Request) -> web.Response:
    """No icon; answered without a redirect to the login page, which would reset its CSRF cookie."""
    return web.Response(status=204)


async def not_found(request: web.Request) -> web.Response:
    lang = ui_language(request)
    return render(request, "error.html", status=404, title=ui("error.not_found", lang), message=ui("error.no_page", lang))


class AccessLogger(AbstractAccessLogger):
    """Who (account, client address) and where (method, path without the query), status, time."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info("%s %s %s %.0f ms by %s", request.method, request.path, response.status, time * 1000, who(request))

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)


def make_app(settings: ReviewSettings, engine: Engine,
             features: Iterable[Callable[[web.Application, Engine], None]] = ()) -> web.Application:
    """The application; nothing is started until it runs. ``features`` add their routes before the
    catch-all (the operators' inbox: ``tendik.review.inbox.register``, which uses this module's
    helpers, so this module does not import it)."""
    ensure_schema(engine)
    queries.ensure_search_index(engine)
    guard = request_guard(settings.http_request_timeout, who)
    app = web.Application(middlewares=[security_headers, guard, auth_and_csrf], client_max_size=256 * 1024)
    app[SETTINGS] = settings
    app[ENGINE] = engine
    app[JINJA] = make_jinja()
    app[SYNC_LOCK] = asyncio.Lock()
    app[CACHE] = {}
    app.router.add_get("/login", login_page)
    app.router.add_post("/login", login_post)
    app.router.add_post("/logout", logout)
    app.router.add_get("/", index)
    app.router.add_get("/favicon.ico", favicon)
    app.router.add_get("/conversations", conversation_list)
    app.router.add_get("/transcript", transcript_page)
    app.router.add_post("/judge", judge)
    app.router.add_post("/sync", sync_now)
    app.router.add_get("/dashboard", dashboard_page)
    app.router.add_get("/learning", learning.page_handler(engine))
    app.router.add_get("/admin/users", users_page)
    app.router.add_post("/admin/users", users_post)
    app.router.add_post("/admin/users/{action}", users_post)
    app.router.add_get("/admin/exports", exports_page)
    app.router.add_get("/admin/export/{name}", export_file)
    app.router.add_get("/admin/conversations.csv", conversations_csv)
    app.router.add_get("/admin/content-fixes", content_fixes_page)
    app.router.add_post("/admin/content-fixes", content_fixes_post)
    app.router.add_get("/settings", settings_page)
    app.router.add_post("/settings", settings_post)
    app.router.add_static("/static/", HERE / "static", show_index=False, follow_symlinks=False)
    for register in features:
        register(app, engine)
    app.router.add_route("*", "/{tail:.*}", not_found)
    app.on_startup.append(_start_background)
    app.on_cleanup.append(_stop_background)
    return app
