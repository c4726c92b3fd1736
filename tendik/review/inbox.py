"""The operators' inbox (issue 14): the handoff cases of :mod:`tendik.handoff.store` in the review app.

Routes (behind the app's login and CSRF check like every page; the inbox needs the role
``operator`` or ``admin``, the audit log ``admin``):

    GET  /inbox?show=open|closed           the queue: waiting cases first, the oldest first; who took which
    GET  /inbox/<case>                     one case: the consented summary, the contact (only when shared),
                                           the thread, the operators' notes, the forms below
    POST /inbox/<case>/claim|reply|close|note
    GET  /admin/audit[?case=<case>]        the audit log (who read, took, answered, noted, closed which case)

Two operators taking the same case: the store's conditional UPDATE lets exactly one win; the other
is told who was first. Only the operator who took a case answers in it; they (or an administrator)
close it. Every read of a case page and every action, refused ones too, is a line of the audit log
(:func:`tendik.handoff.store.log`; the store writes the successful claim, reply, note and close
itself). Nothing of a case (summary, contact, thread, notes) is logged anywhere. Times are shown
in Asia/Almaty with the offset. The page language: :func:`tendik.review.inbox_texts.language_of`.

Registered by :func:`register`, which the review CLI gives to :func:`tendik.review.web.make_app`.
"""

from __future__ import annotations

import datetime
import logging
import os
import re
import time
from typing import Any

from aiohttp import web
from sqlalchemy import Engine, select

from tendik.handoff import store
from tendik.handoff.hours import DEFAULT as DEFAULT_HOURS
from tendik.handoff.hours import TIMEZONE, Hours
from tendik.handoff.tables import handoffs
from tendik.review import web as app_web
from tendik.review.inbox_texts import COOKIE, LANGS, labels, language_of, text

logger = logging.getLogger(__name__)

ROLES = ("operator", "admin")
ACTIONS = ("claim", "reply", "close", "note")
CASE_ID = re.compile(r"^[0-9a-f]{32}$")
CLOSED_SHOWN = 100
AUDIT_SHOWN = 500
HOURS = web.AppKey("handoff_hours", Hours)
HOURS_SPEC = web.AppKey("handoff_hours_spec", str)


# ------------------------------------------------------------------ formatting
def local_time(ts: float | None) -> str:
    """A moment in Asia/Almaty with its offset: ``02.12.2026 04:15 (UTC+05:00)``."""
    if not ts:
        return ""
    dt = datetime.datetime.fromtimestamp(ts, TIMEZONE)
    offset = dt.strftime("%z")
    return f"{dt:%d.%m.%Y %H:%M} (UTC{offset[:3]}:{offset[3:]})"


def iso_time(ts: float | None) -> str:
    return datetime.datetime.fromtimestamp(ts, TIMEZONE).isoformat(timespec="seconds") if ts else ""


def duration(seconds: float, lang: str) -> str:
    minutes = int(max(0.0, seconds) // 60)
    if minutes < 1:
        return text("duration.now", lang)
    if minutes < 60:
        return text("duration.min", lang, m=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return text("duration.hours", lang, h=hours, m=minutes)
    days, hours = divmod(hours, 24)
    return text("duration.days", lang, d=days, h=hours)


def _status(case: store.Case, lang: str) -> str:
    return text(f"status.{case.status}", lang) if case.status in store.STATUSES else case.status


def _summary_items(summary: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The consented summary as (label, text or list of texts); keys the inbox does not know are
    shown under their own names."""
    items: list[dict[str, Any]] = []
    known = {"situation": "case.situation", "selfcheck": "case.selfcheck", "messages": "case.messages"}
    for key, value in summary.items():
        if key == "lang" or value in (None, "", [], {}):
            continue
        label = text(known[key], lang) if key in known else str(key)
        if isinstance(value, list):
            items.append({"label": label, "list": [_plain(v) for v in value]})
        else:
            items.append({"label": label, "text": _plain(value)})
    return items


def _plain(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    return str(value)


def _row(case: store.Case, lang: str, me: str, now: float) -> dict[str, Any]:
    if case.status == store.WAITING:
        waiting = duration(now - case.created_at, lang)
    elif case.claimed_at:
        waiting = text("waited", lang, time=duration(case.claimed_at - case.created_at, lang))
    else:
        waiting = ""
    return {
        "id": case.id, "short": case.id[:8], "status": case.status, "status_text": _status(case, lang),
        "claimed_by": case.claimed_by or "", "mine": bool(case.claimed_by and case.claimed_by == me),
        "channel": case.channel, "language": case.language, "opened": local_time(case.created_at),
        "opened_iso": iso_time(case.created_at), "waiting": waiting, "contact": bool(case.contact),
    }


# ------------------------------------------------------------------ helpers
def _lang(request: web.Request) -> str:
    return language_of(request.query, request.cookies, request.get("user"))


def _page(request: web.Request, template: str, lang: str, status: int = 200, **ctx: Any) -> web.Response:
    hours: Hours = request.app[HOURS]
    now = datetime.datetime.now(TIMEZONE)
    is_open = hours.is_open(now)
    resp = app_web.render(
        request, template, status=status, t=labels(lang), lang=lang, ui_lang=lang, langs=LANGS, here=request.path,
        keep=f"?lang={lang}" if request.query.get("lang") in LANGS else "",  # a language chosen here stays on the inbox's links
        hours_text=text("hours", lang, spec=request.app[HOURS_SPEC] if hours.spans else text("hours.always", lang)),
        hours_open=is_open, out_of_hours="" if is_open else text("hours.closed", lang, when=local_time(hours.next_open(now).timestamp())),
        **ctx,
    )
    if request.query.get("lang") in LANGS:
        settings = request.app[app_web.SETTINGS]
        resp.set_cookie(COOKIE, lang, httponly=True, samesite="Strict", secure=settings.review_cookie_secure, path="/",
                        max_age=365 * 24 * 3600)
    return resp


def _refused(request: web.Request, lang: str) -> web.Response | None:
    """The error page for an account that may not use the inbox (None: it may)."""
    user = request["user"]
    if user.role in ROLES:
        return None
    logger.warning("%s %s refused for %s: not an operator", request.method, request.path, app_web.who(request))
    return _page(request, "inbox_error.html", lang, status=403, title=text("forbidden.title", lang), message=text("forbidden", lang))


def _case_id(request: web.Request) -> str:
    case_id = request.match_info.get("case_id", "")
    return case_id if CASE_ID.match(case_id) else ""


def _not_found(request: web.Request, lang: str) -> web.Response:
    return _page(request, "inbox_error.html", lang, status=404, title=text("not_found.title", lang), message=text("not_found", lang))


def _engine(request: web.Request) -> Engine:
    return request.app[app_web.ENGINE]


def _closed_cases(engine: Engine, limit: int) -> list[store.Case]:
    """The latest closed or ended cases, the most recent first."""
    with engine.connect() as conn:
        ids = conn.execute(select(handoffs.c.id).where(handoffs.c.status.in_((store.CLOSED, store.CANCELLED)))
                           .order_by(handoffs.c.closed_at.desc(), handoffs.c.created_at.desc()).limit(limit)).scalars().all()
    cases = [store.get(engine, case_id) for case_id in ids]
    return [c for c in cases if c is not None]


# ------------------------------------------------------------------ pages
async def queue_page(request: web.Request) -> web.Response:
    lang = _lang(request)
    if (refused := _refused(request, lang)) is not None:
        return refused
    engine = _engine(request)
    show = "closed" if request.query.get("show") == "closed" else "open"
    if show == "open":
        cases = await app_web.db(store.queue, engine, store.OPEN)
        cases.sort(key=lambda c: (c.status != store.WAITING, c.created_at))
    else:
        cases = await app_web.db(_closed_cases, engine, CLOSED_SHOWN)
    counts = await app_web.db(store.counts, engine)
    me = request["user"].username
    now = time.time()
    return _page(request, "inbox.html", lang, show=show, rows=[_row(c, lang, me, now) for c in cases],
                 waiting=counts.get(store.WAITING, 0), claimed=counts.get(store.CLAIMED, 0))


async def case_page(request: web.Request) -> web.Response:
    lang = _lang(request)
    if (refused := _refused(request, lang)) is not None:
        return refused
    engine = _engine(request)
    case_id = _case_id(request)
    case = await app_web.db(store.get, engine, case_id) if case_id else None
    if case is None:
        return _not_found(request, lang)
    user = request["user"]
    await app_web.db(store.log, engine, user.username, "read", case.id)
    lines = await app_web.db(store.thread, engine, case.id)
    notes = await app_web.db(store.notes_for, engine, case.id)
    thread = []
    for line in lines:
        if line.author == "user":
            who, body = text("line.user", lang), line.text
        elif line.author == "operator":
            who, body = text("line.operator", lang, name=line.operator or ""), line.text
        elif line.kind in ("claimed", "closed"):
            who, body = "", text(f"line.{line.kind}", lang, name=line.operator or "")
        else:
            who, body = "", text("line.cancelled", lang)
        thread.append({
            "id": line.id, "author": line.author, "kind": line.kind, "who": who, "text": body, "at": local_time(line.created_at),
            "at_iso": iso_time(line.created_at), "delivered": line.delivered_at is not None,
        })
    mine = case.claimed_by == user.username
    return _page(
        request, "inbox_case.html", lang, title=text("case.title", lang, id=case.id[:8]), case=_row(case, lang, user.username, time.time()), thread=thread,
        notes=[{**n, "at": local_time(n["created_at"]), "at_iso": iso_time(n["created_at"])} for n in notes],
        summary=_summary_items(case.summary, lang), contact=case.contact or "",
        claimed_line=text("case.claimed_by", lang, name=case.claimed_by, when=local_time(case.claimed_at)) if case.claimed_by else "",
        closed_line=(text("case.closed_by", lang, name=case.closed_by, when=local_time(case.closed_at)) if case.closed_by
                     else text("case.ended", lang, when=local_time(case.closed_at)) if case.closed_at else ""),
        can_claim=case.status == store.WAITING, can_reply=case.status == store.CLAIMED and mine,
        can_close=case.is_open and (mine or case.status == store.WAITING or user.is_admin),
        text_max=store.TEXT_MAX, note_max=store.NOTE_MAX,
    )


async def case_action(request: web.Request) -> web.StreamResponse:
    lang = _lang(request)
    if (refused := _refused(request, lang)) is not None:
        return refused
    engine = _engine(request)
    case_id = _case_id(request)
    action = request.match_info.get("action", "")
    case = await app_web.db(store.get, engine, case_id) if case_id and action in ACTIONS else None
    if case is None:
        return _not_found(request, lang)
    me = request["user"].username
    form = await request.post()
    msg, refusal = await _act(engine, case, action, me, request["user"].is_admin, str(form.get("text", "")), lang)
    if refusal:
        await app_web.db(store.log, engine, me, f"{action}_refused", case.id, refusal)
        logger.info("inbox: %s of case %s refused for %s (%s)", action, case.id[:8], app_web.who(request), refusal)
    else:
        logger.info("inbox: %s of case %s by %s", action, case.id[:8], app_web.who(request))
    raise app_web.redirect(request, f"/inbox/{case.id}?lang={lang}", msg)


async def _act(engine: Engine, case: store.Case, action: str, me: str, admin: bool, body: str, lang: str) -> tuple[str, str]:
    """Does ``action``: (the message for the operator, the reason it was refused or "")."""
    if action == "claim":
        if await app_web.db(store.claim, engine, case.id, me):
            return text("msg.claimed", lang), ""
        now = await app_web.db(store.get, engine, case.id)
        if now is not None and now.status == store.CLAIMED and now.claimed_by == me:
            return text("msg.claimed", lang), "already_yours"
        if now is not None and now.status == store.CLAIMED and now.claimed_by:
            return text("msg.taken", lang, name=now.claimed_by), "taken"
        return text("msg.not_waiting", lang, status=_status(now or case, lang)), "not_waiting"
    if action == "reply":
        try:
            await app_web.db(store.reply, engine, case.id, me, body)
        except store.HandoffError as exc:
            return _refusal(exc.reason, case, lang, empty="msg.empty"), exc.reason
        return text("msg.sent", lang), ""
    if action == "note":
        try:
            await app_web.db(store.add_note, engine, case.id, me, body)
        except store.HandoffError as exc:
            return _refusal(exc.reason, case, lang, empty="msg.empty_note"), exc.reason
        return text("msg.note_added", lang), ""
    # close: by the operator who took the case, an administrator, or anyone while nobody has taken it
    if case.status == store.CLAIMED and case.claimed_by != me and not admin:
        return _refusal("not_yours", case, lang), "not_yours"
    if await app_web.db(store.close, engine, case.id, me):
        return text("msg.closed", lang), ""
    return text("msg.not_open", lang), "not_open"


def _refusal(reason: str, case: store.Case, lang: str, empty: str = "msg.empty") -> str:
    if reason == "empty":
        return text(empty, lang)
    if reason == "not_yours":
        if case.status == store.WAITING:
            return text("msg.claim_first", lang)
        return text("msg.not_yours", lang, name=case.claimed_by or "")
    if reason == "not_open" and case.status == store.WAITING:
        return text("msg.claim_first", lang)
    return text("msg.not_open", lang)


async def audit_page(request: web.Request) -> web.Response:
    """The audit log (``/admin/*``: the app lets administrators only in)."""
    lang = _lang(request)
    engine = _engine(request)
    case_id = request.query.get("case", "")
    case_id = case_id if CASE_ID.match(case_id) else ""
    rows = await app_web.db(store.audit_log, engine, AUDIT_SHOWN, case_id or None)
    await app_web.db(store.log, engine, request["user"].username, "audit_read", case_id or None)
    entries = [{**r, "at_text": local_time(r["at"]), "at_iso": iso_time(r["at"])} for r in rows]
    return _page(request, "inbox_audit.html", lang, entries=entries, case_filter=case_id,
                 intro=text("audit.intro", lang, n=AUDIT_SHOWN))


def register(app: web.Application, engine: Engine) -> None:
    """Adds the inbox's routes to the review app (before its catch-all route). A
    ``TENDIK_HANDOFF_HOURS`` that cannot be read stops the start (:class:`HoursError`)."""
    app[HOURS] = Hours.from_env()
    app[HOURS_SPEC] = (os.environ.get("TENDIK_HANDOFF_HOURS") or DEFAULT_HOURS).strip()
    app.router.add_get("/inbox", queue_page)
    app.router.add_get("/inbox/{case_id}", case_page)
    app.router.add_post("/inbox/{case_id}/{action}", case_action)
    app.router.add_get("/admin/audit", audit_page)
