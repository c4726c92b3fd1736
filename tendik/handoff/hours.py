"""The operators' working hours: ``TENDIK_HANDOFF_HOURS`` (default ``Mon-Fri 09:00-18:00``, Asia/Almaty;
``always`` for round the clock; several spans with commas: ``Mon-Fri 09:00-18:00, Sat 10:00-14:00``).
Outside them a case is still opened (nothing is lost), and the user is told when operators are back."""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("Asia/Almaty")
DEFAULT = "Mon-Fri 09:00-18:00"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^\s*([a-z]{3})(?:\s*-\s*([a-z]{3}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$", re.I)


class HoursError(ValueError):
    """``TENDIK_HANDOFF_HOURS`` cannot be read (a configuration error, said at start-up)."""


@dataclass(frozen=True)
class Span:
    days: frozenset[int]  # 0 = Monday
    start: datetime.time
    end: datetime.time


@dataclass(frozen=True)
class Hours:
    spans: tuple[Span, ...]  # empty: always open

    @classmethod
    def parse(cls, spec: str) -> Hours:
        spec = spec.strip()
        if spec.lower() in ("always", "24/7"):
            return cls(())
        spans = []
        for part in spec.split(","):
            m = _SPAN.match(part)
            if not m:
                raise HoursError(f"cannot read working hours {part.strip()!r} (example: {DEFAULT!r})")
            first, last = m.group(1).lower(), (m.group(2) or m.group(1)).lower()
            if first not in DAYS or last not in DAYS:
                raise HoursError(f"unknown day in {part.strip()!r} (days: {', '.join(DAYS)})")
            a, b = DAYS.index(first), DAYS.index(last)
            days = frozenset(range(a, b + 1)) if a <= b else frozenset([*range(a, 7), *range(0, b + 1)])
            try:
                start = datetime.time(int(m.group(3)), int(m.group(4)))
                end = datetime.time(int(m.group(5)), int(m.group(6))) if m.group(5) != "24" else datetime.time.max
            except ValueError as err:
                raise HoursError(f"impossible time in {part.strip()!r}") from err
            if end <= start:
                raise HoursError(f"the span {part.strip()!r} ends before it starts")
            spans.append(Span(days, start, end))
        return cls(tuple(spans))

    @classmethod
    def from_env(cls) -> Hours:
        return cls.parse(os.environ.get("TENDIK_HANDOFF_HOURS") or DEFAULT)

    def is_open(self, now: datetime.datetime | None = None) -> bool:
        if not self.spans:
            return True
        local = (now or datetime.datetime.now(TIMEZONE)).astimezone(TIMEZONE)
        t = local.time()
        return any(local.weekday() in s.days and s.start <= t < s.end for s in self.spans)

    def next_open(self, now: datetime.datetime | None = None) -> datetime.datetime:
        """When operators are next at work (``now`` itself when they are)."""
        local = (now or datetime.datetime.now(TIMEZONE)).astimezone(TIMEZONE)
        if self.is_open(local):
            return local
        for days_ahead in range(0, 8):
            day = (local + datetime.timedelta(days=days_ahead)).date()
            starts = sorted(s.start for s in self.spans if day.weekday() in s.days)
            for start in starts:
                candidate = datetime.datetime.combine(day, start, TIMEZONE)
                if candidate > local:
                    return candidate
        raise HoursError("no working hours in a week")  # parse() never makes such hours
