"""The last day to turn to the conciliation commission or the court: TK art. 160 as stored in the
base (edition 01.07.2026, knowledge/norms/tk-160.yml) with the Constitutional Court notes inside
it, counted as TK art. 13 says (:mod:`tendik.selfcheck.counting`).

The branches (``DeadlineItem.provision``) as the stored text of art. 160 has them:

* ``160.1.1.commission``: route with a conciliation commission, reinstatement: one month from the
  day the copy of the employer's act ending the contract was handed over or sent (``order_date``);
* ``160.1.1.court``: then the court: two months from the day the copy of the commission's
  decision was handed over or sent (``commission_decision_date``);
* ``160.1.2``: route with a commission, other disputes: one year from the day the worker learned
  or should have learned of the violation (``learned_date``);
* ``160.5.2/88-НП``: those who may go straight to court (TK art. 159(1): ``micro``, ``ngo_small``,
  ``domestic``), reinstatement: the three-month limit of paragraph 2 of part five was found
  unconstitutional (12.06.2026 No. 88-НП); until the Code is amended, the one-year rule of
  paragraph 3 applies: one year from ``learned_date`` (when only ``order_date`` is known, from it,
  and the result says so);
* ``160.5.3``: straight to court, other disputes: one year from ``learned_date``;
* ``81-НП``: pay claims (stage ``pay``): the one-year limit does not bar claims for pay due within
  the general three-year limitation of Civil Code art. 178 (08.06.2026 No. 81-НП): three years
  from ``learned_date`` (Civil Code art. 180(1)); the base has no Civil Code rule on counting
  it, so it is counted like the others and the result says so.

Suspension (the stored text): the limit does not run while a mediation agreement on the dispute is
in effect (``mediation``: (first day, last day) periods) and, where there is no conciliation
commission, until it is created (``commission_exists=False``, ``commission_created``). The base
does not say how suspended time is counted: the program adds every suspended day, the resumption
day (the commission's creation) not included, and the result says so. A civil servant's
reinstatement limit is a gap of the base (knowledge/situations/deadlines.yml): no date.

Every result carries the reviewed phrase for the stage and route (knowledge/situations), the
notes, the gaps, and the warning that the worker must verify the date (``selfcheck.verify``).
"""

from __future__ import annotations

import datetime
import functools
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tendik.drafts.dates import format_date_loc, format_date_long, parse_date_value
from tendik.knowledge.explanations import Statement
from tendik.knowledge.situations import DIRECT_ROUTES, SituationKnowledge, load_situations
from tendik.selfcheck.counting import CORRESPONDING_DATE, MOVE_TO_WORKING_DAY, START_NEXT_DAY, Unit, last_day
from tendik.texts import text

logger = logging.getLogger(__name__)

ARTICLE = "tk-160:0"  # art. 160 is only ever cited (and shown) whole, its Court notes included
COUNTING = (START_NEXT_DAY, CORRESPONDING_DATE, MOVE_TO_WORKING_DAY)
CIVIL_LIMITATION = ("gk-178:1", "gk-180:1")
DIRECT_COURT = "tk-159:1"  # who may go straight to court

CLAIMS = ("reinstatement", "pay", "other")
CLAIM_BY_STAGE = {"dismissal": "reinstatement", "pay": "pay"}
# The entry of knowledge/situations/deadlines.yml whose phrase states each claim's rule.
_DEADLINE_ENTRY = {"reinstatement": "dismissal", "pay": "pay", "other": "default"}
DATE_FIELDS = ("order_date", "commission_decision_date", "learned_date", "commission_created")

GAP_HOLIDAYS = "selfcheck.gap.holidays"
GAP_SUSPENSION = "selfcheck.gap.suspension"
GAP_CIVIL_CODE = "selfcheck.gap.civil_code"
NOTE_LEARNED_FROM_ORDER = "selfcheck.learned_from_order"
WARNING = "selfcheck.verify"


class DateError(ValueError):
    """A date given to the calculator is unreadable, impossible, or after ``today``."""

    def __init__(self, field_name: str) -> None:
        super().__init__(f"date {field_name!r} is not a valid past date")
        self.field = field_name


@dataclass(frozen=True)
class DeadlineItem:
    """One time limit: where to (``kind``: commission, court_after_commission, dispute, court,
    pay_limitation), which branch of art. 160 (``provision``), the period and the date it counts
    from, and the last day (None when a date it needs is unknown: ``missing``)."""

    kind: str
    provision: str
    n: int
    unit: Unit
    start_field: str
    start: datetime.date | None
    last_day: datetime.date | None
    calendar_last_day: datetime.date | None  # before 13(5) moved it off a non-working day
    suspended_days: int
    rests_on: tuple[str, ...]
    missing: tuple[str, ...] = ()
    court_notes: tuple[str, ...] = ()  # "81-НП", "88-НП": the Court resolutions the branch follows
    notes: tuple[str, ...] = ()  # catalog keys of notes on this item
    passed: bool | None = None  # the last day is before ``today`` (None: no today or no date)

    @property
    def moved(self) -> bool:
        return self.last_day is not None and self.last_day != self.calendar_last_day

    def lines(self, lang: str) -> list[str]:
        label = text(f"selfcheck.label.{self.kind}", lang)
        if self.last_day is None:
            missing = ", ".join(text(f"selfcheck.field.{name}", lang) for name in self.missing)
            return [text("selfcheck.no_date", lang, label=label, missing=missing)]
        out = [text("selfcheck.last_day", lang, label=label, date=format_date_long(self.last_day, lang))]
        if self.moved and self.calendar_last_day is not None:
            out.append(text("selfcheck.moved", lang, date=format_date_loc(self.calendar_last_day, lang)))
        if self.suspended_days:
            out.append(text("selfcheck.suspended", lang, days=self.suspended_days))
        out += [text(key, lang) for key in self.notes]
        if self.passed:
            out.append(text("selfcheck.passed", lang))
        return out


@dataclass(frozen=True)
class Deadline:
    """The time limits for one situation, with the rule in words, notes, gaps and the warning."""

    stage: str | None
    route: str
    claim: str
    items: tuple[DeadlineItem, ...]
    rule: Statement  # the reviewed phrase (knowledge/situations/deadlines.yml) for the claim and route
    notes: tuple[Statement, ...] = ()
    gaps: tuple[str, ...] = ()  # catalog keys: what the base does not hold
    warning: str = WARNING
    today: datetime.date | None = None

    @property
    def last_day(self) -> datetime.date | None:
        """The earliest last day of the items that have one (the one to act by first)."""
        days = [i.last_day for i in self.items if i.last_day is not None]
        return min(days) if days else None

    @property
    def rests_on(self) -> tuple[str, ...]:
        refs: list[str] = []
        for ref in [*(str(r) for r in self.rule.rests_on), *(r for i in self.items for r in i.rests_on)]:
            if ref not in refs:
                refs.append(ref)
        return tuple(refs)

    def item(self, kind: str) -> DeadlineItem | None:
        return next((i for i in self.items if i.kind == kind), None)

    def lines(self, lang: str) -> list[str]:
        """The result in words: the rule, each limit (its date, or what is missing), the notes, the
        gaps, and the warning last."""
        out = [self.rule.text.get(lang) or self.rule.text["ru"]]
        for item in self.items:
            out += item.lines(lang)
        out += [n.text.get(lang) or n.text["ru"] for n in self.notes]
        out += [text(key, lang) for key in self.gaps]
        out.append(text(self.warning, lang))
        return out

    def text(self, lang: str) -> str:
        return "\n".join(self.lines(lang))


@functools.lru_cache(maxsize=1)
def _situations() -> SituationKnowledge:
    return load_situations()


def _date(name: str, value: object, today: datetime.date | None) -> datetime.date | None:
    if value is None or value == "":
        return None
    day = parse_date_value(value, today)
    if day is None or (today is not None and day > today):
        raise DateError(name)
    return day


def _periods(raw: Iterable[tuple[object, object]] | None, today: datetime.date | None) -> tuple[list[tuple[datetime.date, datetime.date]], bool]:
    """Mediation periods as (first, last) days, merged; and whether one is still open."""
    periods: list[tuple[datetime.date, datetime.date]] = []
    open_ended = False
    for first_raw, last_raw in raw or ():
        first = _date("mediation", first_raw, today)
        if first is None:
            raise DateError("mediation")
        last = _date("mediation", last_raw, today) if last_raw not in (None, "") else None
        if last is None:
            open_ended = True
            continue
        if last < first:
            raise DateError("mediation")
        periods.append((first, last))
    periods.sort()
    merged: list[tuple[datetime.date, datetime.date]] = []
    for first, last in periods:
        if merged and first <= merged[-1][1] + datetime.timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged, open_ended


def _extend(start: datetime.date, end: datetime.date, suspensions: Sequence[tuple[datetime.date, datetime.date]]) -> tuple[datetime.date, int]:
    """``end`` pushed back by every suspended day that falls while the period runs (from the day
    after ``start`` to the end as it grows)."""
    added = 0
    for first, last in sorted(suspensions):
        first = max(first, start + datetime.timedelta(days=1))
        if last < first or first > end:
            continue
        days = (last - first).days + 1
        end += datetime.timedelta(days=days)
        added += days
    return end, added


def _item(kind: str, provision: str, n: int, unit: Unit, start_field: str, start: datetime.date | None,
          refs: tuple[str, ...], *, suspensions: Sequence[tuple[datetime.date, datetime.date]] = (),
          blocked_by: tuple[str, ...] = (), court_notes: tuple[str, ...] = (), notes: tuple[str, ...] = (),
          today: datetime.date | None = None) -> DeadlineItem:
    if start is None or blocked_by:
        missing = ((start_field,) if start is None else ()) + blocked_by
        return DeadlineItem(kind, provision, n, unit, start_field, start, None, None, 0, refs, missing, court_notes, notes)
    calendar_end, _ = last_day(start, n, unit)
    extended, added = _extend(start, calendar_end, suspensions)
    _, final = last_day(extended, 0, "days")
    return DeadlineItem(kind, provision, n, unit, start_field, start, final, extended, added, refs + COUNTING, (),
                        court_notes, notes, passed=(final < today) if today else None)


def claim_for(stage: str | None) -> str:
    return CLAIM_BY_STAGE.get(stage or "", "other")


def compute_deadline(
    stage: str | None,
    route: str | None,
    *,
    order_date: object = None,
    learned_date: object = None,
    commission_decision_date: object = None,
    mediation: Iterable[tuple[object, object]] | None = None,
    commission_exists: bool | None = None,
    commission_created: object = None,
    claim: str | None = None,
    today: datetime.date | None = None,
) -> Deadline:
    """The time limits of TK art. 160 for a worker's ``stage`` (tendik.situation.STAGES) and
    ``route`` (employer kind: micro, ngo_small, domestic, civil_service, other; None or unknown is
    other), from the dates known (a date, ISO or DD.MM.YYYY text, or a kk/ru expression resolved
    against ``today``). ``claim`` (reinstatement, pay, other) overrides what the stage implies
    (dismissal: reinstatement, pay: pay, anything else: other). Unknown dates give items without
    a date that name what is missing. Raises :class:`DateError` for an unreadable or future date."""
    claim = claim or claim_for(stage)
    if claim not in CLAIMS:
        raise ValueError(f"unknown claim {claim!r}")
    route_id = route if route in (*DIRECT_ROUTES, "civil_service") else "other"
    order = _date("order_date", order_date, today)
    learned = _date("learned_date", learned_date, today)
    decision = _date("commission_decision_date", commission_decision_date, today)
    created = _date("commission_created", commission_created, today)
    periods, mediation_open = _periods(mediation, today)

    sk = _situations()
    entry = _DEADLINE_ENTRY[claim]
    rule = sk.deadline_phrase(entry, route_id)
    notes: list[Statement] = list(sk.deadline_notes)
    if route_id == "civil_service":
        notes += [n for n in sk.route("civil_service").notes if n.says == "gap"]

    blocked: tuple[str, ...] = ("mediation_end",) if mediation_open else ()
    commission_route = route_id == "other"
    no_commission: list[tuple[datetime.date, datetime.date]] = []
    commission_blocked: tuple[str, ...] = ()
    if commission_route and commission_exists is False:
        if created is None:
            commission_blocked = ("commission_created",)
        else:
            no_commission = [(datetime.date.min + datetime.timedelta(days=1), created - datetime.timedelta(days=1))]
    suspended = [*periods, *no_commission]
    gaps: list[str] = []
    items: list[DeadlineItem] = []
    base = (ARTICLE,)

    if claim == "reinstatement" and route_id == "civil_service":
        pass  # a gap of the base: the phrase says so, no date
    elif claim == "reinstatement" and commission_route:
        items.append(_item("commission", "160.1.1.commission", 1, "months", "order_date", order, base,
                           suspensions=suspended, blocked_by=blocked + commission_blocked, today=today))
        items.append(_item("court_after_commission", "160.1.1.court", 2, "months", "commission_decision_date", decision, base,
                           suspensions=periods, blocked_by=blocked, today=today))
    elif claim == "reinstatement":
        start: datetime.date | None = learned
        note: tuple[str, ...] = ()
        if start is None and order is not None:
            start, note = order, (NOTE_LEARNED_FROM_ORDER,)
        items.append(_item("court", "160.5.2/88-НП", 1, "years", "learned_date", start, (ARTICLE, DIRECT_COURT),
                           suspensions=periods, blocked_by=blocked, court_notes=("88-НП",), notes=note, today=today))
    else:
        if commission_route:
            items.append(_item("dispute", "160.1.2", 1, "years", "learned_date", learned, base,
                               suspensions=suspended, blocked_by=blocked + commission_blocked, today=today))
        else:
            provision = "160.5.3" if route_id != "civil_service" else "160.1.2/160.5.3"
            refs = (ARTICLE, DIRECT_COURT) if route_id != "civil_service" else base
            items.append(_item("court", provision, 1, "years", "learned_date", learned, refs,
                               suspensions=periods, blocked_by=blocked, today=today))
        if claim == "pay":
            items.append(_item("pay_limitation", "81-НП", 3, "years", "learned_date", learned, (ARTICLE, *CIVIL_LIMITATION),
                               court_notes=("81-НП",), today=today))
            if learned is not None:
                gaps.append(GAP_CIVIL_CODE)
    if any(i.suspended_days for i in items):
        gaps.append(GAP_SUSPENSION)
    if any(i.last_day is not None for i in items):
        gaps.insert(0, GAP_HOLIDAYS)
    result = Deadline(stage, route_id, claim, tuple(items), rule, tuple(notes), tuple(gaps), WARNING, today)
    logger.debug("deadline: stage=%s route=%s claim=%s items=%s dated=%d", stage, route_id, claim,
                 ",".join(i.provision for i in items), sum(i.last_day is not None for i in items))
    return result
