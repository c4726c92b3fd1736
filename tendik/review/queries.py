"""The list view's filters, full-text search and keyset pagination over ``review_conversations``,
and the dashboard's numbers.

Pagination is by key (``last_ts``, ``sender_id``), never by OFFSET, so page 2,000 costs what page 1
costs. Search matches every word of the query (folded like the stored text, see
:func:`tendik.review.sync.search_form`) as a substring of the conversation's redacted user text; on
PostgreSQL a pg_trgm GIN index serves these LIKE patterns when the extension is available.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, case, desc, func, literal_column, or_, select, text, true, tuple_

from tendik.common.feedback import feedback
from tendik.lang import fold
from tendik.review import tables as t

logger = logging.getLogger(__name__)

c = t.conversations.c
SAFE_NAME = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _epoch(d: date) -> float:
    return datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp()


@dataclass
class Filters:
    channel: str = ""
    language: str = ""
    date_from: str = ""
    date_to: str = ""
    intent: str = ""
    max_confidence: str = ""
    fallback: bool = False
    not_helpful: bool = False
    reviewed: str = ""  # "" | "yes" | "no"
    q: str = ""
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, query: Any) -> Filters:
        """Parse (and sanitise) the query string; bad values are dropped and reported."""
        f = cls()
        get = query.get
        channel = (get("channel") or "").strip()
        if channel:
            if SAFE_NAME.match(channel):
                f.channel = channel
            else:
                f.errors.append("channel")
        if get("language") in ("kk", "ru"):
            f.language = get("language")
        for name in ("date_from", "date_to"):
            raw = (get(name) or "").strip()
            if raw:
                d = _date(raw)
                if d is None:
                    f.errors.append(name)
                else:
                    setattr(f, name, d.isoformat())
        intent = (get("intent") or "").strip()
        if intent:
            if SAFE_NAME.match(intent):
                f.intent = intent
            else:
                f.errors.append("intent")
        conf = (get("max_confidence") or "").strip()
        if conf:
            try:
                value = float(conf)
                if not 0 <= value <= 1:
                    raise ValueError
                f.max_confidence = f"{value:g}"
            except ValueError:
                f.errors.append("max_confidence")
        f.fallback = get("fallback") in ("1", "on", "true", "yes")
        f.not_helpful = get("not_helpful") in ("1", "on", "true", "yes")
        if get("reviewed") in ("yes", "no"):
            f.reviewed = get("reviewed")
        f.q = (get("q") or "").strip()[:200]
        return f

    def as_params(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for fl in fields(self):
            if fl.name == "errors":
                continue
            v = getattr(self, fl.name)
            if v is True:
                out[fl.name] = "1"
            elif v:
                out[fl.name] = str(v)
        return out

    def conditions(self) -> list:
        cond = []
        if self.channel:
            cond.append(c.channel == self.channel)
        if self.language:
            cond.append(c.language == self.language)
        if self.date_from:
            cond.append(c.last_ts >= _epoch(date.fromisoformat(self.date_from)))
        if self.date_to:
            cond.append(c.first_ts < _epoch(date.fromisoformat(self.date_to) + timedelta(days=1)))
        if self.intent:
            escaped = self.intent.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            cond.append(c.intents.like(f"%|{escaped}|%", escape="\\"))
        if self.max_confidence:
            cond.append(c.min_confidence < float(self.max_confidence))
        if self.fallback:
            cond.append(c.fallback.is_(True))
        if self.not_helpful:
            cond.append(c.not_helpful.is_(True))
        if self.reviewed == "yes":
            cond.append(c.reviewed.is_(True))
        elif self.reviewed == "no":
            cond.append(c.reviewed.is_(False))
        for word in search_words(self.q):
            cond.append(c.search_text.like(f"%{word}%"))
        return cond


def search_words(q: str) -> list[str]:
    """The query's words in the stored (folded) form; at most 8, each at least 2 characters."""
    return [w for w in fold(q).split() if len(w) >= 2][:8]


def encode_cursor(last_ts: float, sender_id: str) -> str:
    raw = json.dumps([repr(last_ts), sender_id], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(value: str | None) -> tuple[float, str] | None:
    if not value or len(value) > 800:
        return None
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        ts, sid = json.loads(raw)
        return float(ts), str(sid)
    except (ValueError, TypeError, binascii.Error):
        return None


LIST_COLUMNS = [c.sender_id, c.channel, c.language, c.first_ts, c.last_ts, c.n_user, c.n_answers, c.n_unanswered, c.intents,
                c.min_confidence, c.fallback, c.not_helpful, c.n_votes, c.reviewed, c.n_judged, c.preview]


@dataclass
class Page:
    rows: list[dict[str, Any]]
    next_cursor: str | None
    prev_cursor: str | None


def list_page(engine: Engine, filters: Filters, size: int, after: str | None = None, before: str | None = None) -> Page:
    """One page of conversations, newest first. ``after``: the page after that cursor;
    ``before``: the page before it."""
    cond = filters.conditions()
    after_key, before_key = decode_cursor(after), decode_cursor(before)
    key = tuple_(c.last_ts, c.sender_id)
    if before_key:
        q = select(*LIST_COLUMNS).where(and_(true(), *cond, key > tuple_(*before_key))).order_by(c.last_ts, c.sender_id).limit(size + 1)
    else:
        if after_key:
            cond.append(key < tuple_(*after_key))
        q = select(*LIST_COLUMNS).where(and_(true(), *cond)).order_by(desc(c.last_ts), desc(c.sender_id)).limit(size + 1)
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(q).mappings()]
    more = len(rows) > size
    rows = rows[:size]
    if before_key:
        rows.reverse()
        next_cursor = encode_cursor(rows[-1]["last_ts"], rows[-1]["sender_id"]) if rows else None
        prev_cursor = encode_cursor(rows[0]["last_ts"], rows[0]["sender_id"]) if rows and more else None
    else:
        next_cursor = encode_cursor(rows[-1]["last_ts"], rows[-1]["sender_id"]) if rows and more else None
        prev_cursor = encode_cursor(rows[0]["last_ts"], rows[0]["sender_id"]) if rows and after_key else None
    for r in rows:
        r["intent_list"] = [i for i in r["intents"].split("|") if i]
    return Page(rows=rows, next_cursor=next_cursor, prev_cursor=prev_cursor)


def iter_all(engine: Engine, filters: Filters, chunk: int = 1000):
    """Every matching conversation, newest first (for the CSV export), by keyset chunks."""
    after = None
    while True:
        page = list_page(engine, filters, chunk, after=after)
        yield from page.rows
        if not page.next_cursor:
            return
        after = page.next_cursor


def facet_values(engine: Engine) -> dict[str, list[str]]:
    """Channels and intents seen, for the filter drop-downs (small: distinct over indexed columns)."""
    with engine.connect() as conn:
        channels = [r[0] for r in conn.execute(select(c.channel).distinct().order_by(c.channel)) if r[0]]
        intents = [r[0] for r in conn.execute(select(t.messages.c.intent).distinct().order_by(t.messages.c.intent)) if r[0]]
    return {"channels": channels, "intents": intents}


def ensure_search_index(engine: Engine) -> bool:
    """PostgreSQL: a trigram index for the LIKE search (pg_trgm is a trusted extension). SQLite:
    nothing (the LIKE scan runs in the ``last_ts`` index order and stops at a full page)."""
    if engine.dialect.name != "postgresql":
        return False
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            conn.execute(text(
                "CREATE INDEX IF NOT EXISTS ix_review_conv_search_trgm ON review_conversations USING gin (search_text gin_trgm_ops)"
            ))
        return True
    except Exception as exc:  # noqa: BLE001 - an optional speed-up
        logger.warning("pg_trgm index not created (%s); search scans instead", type(exc).__name__)
        return False


# ------------------------------------------------------------------ dashboard
def _grouped(column):  # noqa: ANN001, ANN202
    """Group by an expression, not the bare column: otherwise SQLite walks that column's whole
    index (to avoid a sort) instead of the ``day`` range of the covering index; 5x slower."""
    return func.coalesce(column, literal_column("''"))  # a literal, not a bind: PostgreSQL must see one expression


def dashboard(engine: Engine, days: int = 30, now: float | None = None) -> dict[str, Any]:
    now = now or datetime.now(UTC).timestamp()
    start_day = (datetime.fromtimestamp(now, UTC).date() - timedelta(days=days - 1)).isoformat()
    m = t.messages.c
    with engine.connect() as conn:
        per_day = {d: n for d, n in conn.execute(
            select(c.day, func.count()).where(c.day >= start_day).group_by(c.day).order_by(c.day))}
        per_language = [
            {"label": lang or "?", "value": n}
            for lang, n in conn.execute(
                select(_grouped(c.language), func.count()).where(c.day >= start_day).group_by(_grouped(c.language)).order_by(desc(func.count())))
        ]
        per_channel = [
            {"label": ch or "?", "value": n}
            for ch, n in conn.execute(
                select(_grouped(c.channel), func.count()).where(c.day >= start_day).group_by(_grouped(c.channel)).order_by(desc(func.count())))
        ]
        topics = [
            {"label": intent, "value": n}
            for intent, n in conn.execute(
                select(_grouped(m.intent), func.count()).where(m.day >= start_day, m.intent.is_not(None))
                .group_by(_grouped(m.intent)).order_by(desc(func.count()), _grouped(m.intent)).limit(12))
        ]
        totals = conn.execute(
            select(
                func.count(),
                func.sum(case((m.answered.is_(True), 1), else_=0)),
                func.sum(case((m.answered.is_(False), 1), else_=0)),
                func.sum(case((m.intent == "nlu_fallback", 1), else_=0)),
            ).where(m.day >= start_day)
        ).one()
        start_ts = _epoch(date.fromisoformat(start_day))
        votes = dict(conn.execute(
            select(feedback.c.vote, func.count()).where(feedback.c.created_at >= start_ts).group_by(feedback.c.vote)).all())
        unanswered = [
            {"text": r.text, "language": r.language, "n": r.n, "last": r.last}
            for r in conn.execute(
                select(m.text, m.language, func.count().label("n"), func.max(m.ts).label("last"))
                .where(m.day >= start_day, m.text != t.HIDDEN_TEXT,
                       or_(m.answered.is_(False), and_(m.intent == "nlu_fallback", m.answered.is_not(True))))
                .group_by(m.text, m.language).order_by(desc("n"), desc("last")).limit(20))
        ]
    messages_total, answered, not_sure, fallback = (int(x or 0) for x in totals)
    day0 = date.fromisoformat(start_day)
    series = []
    for i in range(days):
        d = (day0 + timedelta(days=i)).isoformat()
        series.append({"label": d[5:], "value": per_day.get(d, 0)})
    helpful, not_helpful = int(votes.get("helpful", 0)), int(votes.get("not_helpful", 0))
    return {
        "days": days, "start_day": start_day, "per_day": series, "per_language": per_language, "per_channel": per_channel,
        "topics": topics, "messages": messages_total, "answered": answered, "not_sure": not_sure, "fallback": fallback,
        "other": max(messages_total - answered - not_sure, 0), "helpful": helpful, "not_helpful": not_helpful,
        "conversations": sum(per_day.values()), "unanswered": unanswered,
    }
