"""Counting a time limit as TK art. 13 (knowledge/norms/tk-013.yml) says, paragraph by paragraph:

* 13(1): a limit is a calendar date, or a period counted in years, months, weeks or days;
* 13(2): where the Code says so, in working days (:func:`add_working_days`);
* 13(3): a period starts running on the day after the date (event) that begins it;
* 13(4): years, months and weeks end on the corresponding date of the last year, month or week;
  a month without that date ends the period on its last day; calendar weeks and days include
  non-working days (:func:`period_end`);
* 13(5): a last day that falls on a non-working day moves to the next working day, unless the
  Code provides otherwise (:func:`next_working_day`).

Which days are non-working: the knowledge base holds no law on rest days or public holidays, so
only Saturdays and Sundays are treated as non-working (:data:`NON_WORKING_WEEKDAYS`); every
result that uses this says so (``selfcheck.gap.holidays``). The "corresponding date" of 13(4) is
the day of the month of the date that begins the period (a period of one month begun by an
event on 31 January ends on the last day of February).
"""

from __future__ import annotations

import calendar
import datetime
from typing import Literal

Unit = Literal["years", "months", "weeks", "days", "working_days"]
UNITS: tuple[str, ...] = ("years", "months", "weeks", "days", "working_days")
NON_WORKING_WEEKDAYS = (5, 6)  # Saturday, Sunday: public holidays are not in the base

# The paragraphs of TK art. 13 each step rests on.
START_NEXT_DAY = "tk-013:3"
CORRESPONDING_DATE = "tk-013:4"
MOVE_TO_WORKING_DAY = "tk-013:5"
WORKING_DAYS = "tk-013:2"


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The corresponding date ``months`` later; the month's last day when it has no such date (13(4))."""
    index = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() not in NON_WORKING_WEEKDAYS


def period_end(event: datetime.date, n: int, unit: Unit) -> datetime.date:
    """The last day of a period of ``n`` ``unit`` begun by ``event`` (13(3), 13(4)), before 13(5).

    The period runs from the day after ``event``; it ends on the date corresponding to ``event``
    in the last year/month/week, or after ``n`` calendar days (non-working days included)."""
    if n < 0:
        raise ValueError("a period cannot be negative")
    if unit == "years":
        return add_months(event, 12 * n)
    if unit == "months":
        return add_months(event, n)
    if unit == "weeks":
        return event + datetime.timedelta(weeks=n)
    if unit == "days":
        return event + datetime.timedelta(days=n)
    if unit == "working_days":
        return add_working_days(event, n)
    raise ValueError(f"unknown unit {unit!r}")


def add_working_days(event: datetime.date, n: int) -> datetime.date:
    """The ``n``-th working day after ``event`` (13(2) with 13(3): the day of the event is not counted)."""
    day, left = event, n
    while left > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def next_working_day(day: datetime.date) -> datetime.date:
    """``day`` itself when it is a working day, else the first working day after it (13(5))."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def last_day(event: datetime.date, n: int, unit: Unit) -> tuple[datetime.date, datetime.date]:
    """(the last day of the period, that day moved off a non-working day): 13(3)-(5) in one call."""
    end = period_end(event, n, unit)
    return end, next_working_day(end)
