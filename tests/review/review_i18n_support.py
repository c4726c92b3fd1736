"""Helpers of the review app's language and verdict tests: a server on SQLite or PostgreSQL holding
the real conversations (Rasa's events copied from the session's SQLite database), and the visible
text of a page (what an operator reads, without the users' and the bot's own texts or codes)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from review_support import ReviewData
from sqlalchemy import MetaData, Table, select

from tendik.common.db import make_engine

# Words a Kazakh or Russian page may show in Latin letters: proper names, file formats, account names.
ALLOWED_LATIN = {"telegram", "rest", "csv", "markdown", "admin", "ops", "lawyer", "kkuser", "ruuser", "enuser"}
SKIP_TAGS = {"script", "style", "code", "textarea"}
# the users' and the bot's own words and the knowledge base's texts: not interface text
SKIP_CLASSES = {"utterance", "text", "reply", "answer-sections", "quote", "reply-text", "who"}
VOID = {"br", "img", "input", "meta", "link", "hr"}


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        a = dict(attrs)
        skip = tag in SKIP_TAGS or bool(SKIP_CLASSES & set((a.get("class") or "").split())) or (tag == "option" and "lang" in a)
        self.stack.append(skip or (bool(self.stack) and self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def visible_text(html: str) -> str:
    p = _Visible()
    p.feed(html)
    return " ".join(" ".join(p.parts).split())


def english_words(html: str) -> set[str]:
    """Latin words of three letters or more in the page's interface text, but the allowed names."""
    return {w for w in re.findall(r"[A-Za-z]{3,}", visible_text(html)) if w.lower() not in ALLOWED_LATIN}


def database_with_conversations(request: pytest.FixtureRequest, review_data: ReviewData, sqlite_url: str) -> str:
    """SQLite: the copy; PostgreSQL: a fresh database with the same Rasa events."""
    if request.param == "sqlite":
        return sqlite_url
    pg_url = request.getfixturevalue("pg_url")
    src = make_engine(review_data.db_url)
    dst = make_engine(pg_url)
    try:
        events = Table("events", MetaData(), autoload_with=src)
        target = Table("events", MetaData(), *[c.copy() for c in events.columns])
        target.create(dst)
        with src.connect() as a, dst.begin() as b:
            rows = [dict(r._mapping) for r in a.execute(select(events).order_by(events.c.id))]
            b.execute(target.insert(), rows)
            if dst.dialect.name == "postgresql":
                b.exec_driver_sql("SELECT setval(pg_get_serial_sequence('events', 'id'), (SELECT max(id) FROM events))")
    finally:
        src.dispose()
        dst.dispose()
    return pg_url
