"""Dates in drafts and deadlines: reading what the user gave, writing it in Kazakh and Russian.

* ``format_date``: 12.03.2026 (both languages);
* ``format_date_long``: «2026 жылғы 12 наурыз» / «12 марта 2026 г.» (catalog ``drafts.date_long.<month>``);
* ``format_date_loc``: «2026 жылғы 12 наурызда» (the month in the locative, :mod:`tendik.drafts.kazakh`)
  / «12 марта 2026 г.» (Russian needs no case change after it).

:func:`parse_date_value` accepts a date, an ISO date, DD.MM.YYYY, or a kk/ru expression that
:func:`tendik.situation.parse_date` resolves («кеше», "12 марта", "3 дня назад").
"""

from __future__ import annotations

import datetime
import re

from tendik.drafts.kazakh import inflect
from tendik.situation import parse_date
from tendik.texts import text

_NUMERIC = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def format_date(day: datetime.date) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def format_date_long(day: datetime.date, lang: str) -> str:
    return text(f"drafts.date_long.{day.month}", "kk" if lang == "kk" else "ru", day=day.day, year=day.year)


def format_date_loc(day: datetime.date, lang: str) -> str:
    long = format_date_long(day, lang)
    return inflect(long, "loc") if lang == "kk" else long


def parse_date_value(value: object, today: datetime.date | None = None) -> datetime.date | None:
    """The date ``value`` names, or None when it names none (an impossible or unreadable date).

    Relative expressions ("вчера", «өткен аптада») are resolved against ``today`` (the current
    date when not given); a date without a year is the last such date not after it."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    raw = value.strip()
    for regex, order in ((_ISO, (0, 1, 2)), (_NUMERIC, (2, 1, 0))):
        m = regex.fullmatch(raw)
        if m:
            y, mo, d = (int(m.group(i + 1)) for i in order)
            try:
                return datetime.date(y, mo, d)
            except ValueError:
                return None
    found = parse_date(raw, today or datetime.date.today())
    return found[0] if found else None
