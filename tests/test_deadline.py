"""The deadline calculator (tendik.selfcheck): TK art. 13's counting rules, every branch of TK art. 160
as stored (01.07.2026, with the Constitutional Court notes 81-НП and 88-НП), suspension, unknown and
invalid dates, and the result in words (kk/ru) with its paragraphs, gaps and warning."""

from __future__ import annotations

import datetime

import pytest

from tendik.knowledge.norms import load_norms
from tendik.selfcheck.counting import add_months, add_working_days, last_day, next_working_day, period_end
from tendik.selfcheck.deadline import (
    GAP_CIVIL_CODE,
    GAP_HOLIDAYS,
    GAP_SUSPENSION,
    NOTE_LEARNED_FROM_ORDER,
    DateError,
    compute_deadline,
)
from tendik.texts import text

pytestmark = pytest.mark.unit

D = datetime.date
TODAY = D(2026, 7, 10)  # a Friday
NORMS = load_norms()


def _lines(version_text: str) -> str:
    return " ".join(version_text.split())


# ---------------------------------------------------------------- the stored texts the code follows
def test_art_13_as_stored_says_what_the_counting_does() -> None:
    ru = {k: _lines(v) for k, v in NORMS["tk-013"].versions["ru"].paragraphs().items()}
    assert "начинается на следующий день после календарной даты" in ru["3"]  # 13(3)
    assert "истекают в соответствующие числа последнего года, месяца, недели" in ru["4"]  # 13(4)
    assert "срок истекает в последний день этого месяца" in ru["4"]
    assert "включаются и нерабочие дни" in ru["4"]
    assert "днем окончания срока считается первый, следующий за ним рабочий день" in ru["5"]  # 13(5)
    assert "срок исчисляется в рабочих днях" in ru["2"]  # 13(2)
    kk = {k: _lines(v) for k, v in NORMS["tk-013"].versions["kk"].paragraphs().items()}
    assert "келесі күні басталады" in kk["3"] and "бірінші жұмыс күні" in kk["5"]


def test_art_160_as_stored_has_the_branches_and_both_court_notes() -> None:
    ru = _lines(NORMS["tk-160"].versions["ru"].text)
    assert NORMS["tk-160"].versions["ru"].edition == "2026-07-01"
    for phrase in ("по спорам о восстановлении на работе – один месяц", "для обращения в суд – два месяца",
                   "по другим трудовым спорам – один год", "08.06.2026 № 81-НП", "трехлетнего срока исковой давности",
                   "статьей 178 Гражданского кодекса", "12.06.2026 № 88-НП", "о годичном сроке обращения в суд",
                   "приостанавливается в период действия договора о медиации", "в случае отсутствия согласительной комиссии до ее создания"):
        assert phrase in ru, phrase
    assert "1. Общий срок исковой давности устанавливается в три года." in NORMS["gk-178"].versions["ru"].text
    assert "узнало или должно было узнать о нарушении права" in _lines(NORMS["gk-180"].versions["ru"].text)


# ---------------------------------------------------------------- TK art. 13
@pytest.mark.parametrize(("event", "n", "unit", "end"), [
    (D(2026, 3, 10), 1, "days", D(2026, 3, 11)),  # 13(3): the day of the event is not counted
    (D(2026, 3, 10), 1, "months", D(2026, 4, 10)),  # 13(4): the corresponding date
    (D(2026, 1, 31), 1, "months", D(2026, 2, 28)),  # no 31 February: the month's last day
    (D(2028, 1, 31), 1, "months", D(2028, 2, 29)),  # leap year
    (D(2028, 1, 30), 1, "months", D(2028, 2, 29)),
    (D(2026, 3, 31), 1, "months", D(2026, 4, 30)),
    (D(2026, 12, 31), 2, "months", D(2027, 2, 28)),  # across the year
    (D(2026, 8, 31), 2, "months", D(2026, 10, 31)),
    (D(2024, 2, 29), 1, "years", D(2025, 2, 28)),  # 29 February, no leap year after it
    (D(2028, 2, 29), 4, "years", D(2032, 2, 29)),
    (D(2026, 3, 10), 2, "weeks", D(2026, 3, 24)),  # weeks: the same weekday
    (D(2026, 5, 29), 3, "days", D(2026, 6, 1)),  # calendar days include Saturday and Sunday
    (D(2026, 5, 29), 1, "working_days", D(2026, 6, 1)),  # 13(2): Friday + 1 working day = Monday
    (D(2026, 3, 10), 15, "working_days", D(2026, 3, 31)),
])
def test_period_end(event: D, n: int, unit: str, end: D) -> None:
    assert period_end(event, n, unit) == end  # type: ignore[arg-type]


def test_a_last_day_on_saturday_or_sunday_moves_to_monday() -> None:
    assert next_working_day(D(2026, 2, 28)) == D(2026, 3, 2)  # Saturday
    assert next_working_day(D(2027, 2, 28)) == D(2027, 3, 1)  # Sunday
    assert next_working_day(D(2026, 4, 10)) == D(2026, 4, 10)  # Friday stays
    assert last_day(D(2026, 1, 31), 1, "months") == (D(2026, 2, 28), D(2026, 3, 2))
    assert add_working_days(D(2026, 7, 10), 0) == D(2026, 7, 10)
    assert add_months(D(2026, 5, 31), -3) == D(2026, 2, 28)
    with pytest.raises(ValueError):
        period_end(D(2026, 1, 1), -1, "days")
    with pytest.raises(ValueError):
        period_end(D(2026, 1, 1), 1, "fortnights")  # type: ignore[arg-type]


# ---------------------------------------------------------------- TK art. 160, part one (commission route)
def test_reinstatement_with_a_commission_one_month_then_two_months_for_court() -> None:
    r = compute_deadline("dismissal", "other", order_date=D(2026, 1, 31), commission_decision_date="10.03.2026", today=TODAY)
    assert r.claim == "reinstatement" and [i.kind for i in r.items] == ["commission", "court_after_commission"]
    commission, court = r.items
    assert (commission.provision, commission.n, commission.unit) == ("160.1.1.commission", 1, "months")
    assert commission.calendar_last_day == D(2026, 2, 28) and commission.last_day == D(2026, 3, 2) and commission.moved
    assert (court.provision, court.n, court.unit, court.last_day) == ("160.1.1.court", 2, "months", D(2026, 5, 11))
    assert court.calendar_last_day == D(2026, 5, 10)  # a Sunday
    assert commission.passed and court.passed
    assert r.last_day == D(2026, 3, 2)
    assert set(commission.rests_on) == {"tk-160:0", "tk-013:3", "tk-013:4", "tk-013:5"}
    assert GAP_HOLIDAYS in r.gaps


@pytest.mark.parametrize("route", [None, "other", "unknown"])
def test_the_commission_route_is_the_default(route: str | None) -> None:
    r = compute_deadline("dismissal", route, order_date=D(2026, 3, 10))
    assert r.route == "other" and r.items[0].last_day == D(2026, 4, 10)


def test_other_disputes_one_year_from_learning_of_the_violation() -> None:
    r = compute_deadline("hiring", "other", learned_date=D(2026, 3, 10), today=TODAY)
    assert r.claim == "other" and [(i.kind, i.provision, i.n, i.unit) for i in r.items] == [("dispute", "160.1.2", 1, "years")]
    assert r.items[0].last_day == D(2027, 3, 10) and r.items[0].passed is False
    assert r.rule.rests_on and str(r.rule.rests_on[0]) == "tk-160:0"


# ---------------------------------------------------------------- part five: straight to court, 88-НП and 81-НП
@pytest.mark.parametrize("route", ["micro", "ngo_small", "domestic"])
def test_reinstatement_straight_to_court_is_one_year_not_three_months(route: str) -> None:
    r = compute_deadline("dismissal", route, learned_date=D(2026, 3, 10), order_date=D(2026, 3, 12))
    (item,) = r.items
    assert (item.kind, item.provision, item.n, item.unit, item.court_notes) == ("court", "160.5.2/88-НП", 1, "years", ("88-НП",))
    assert item.last_day == D(2027, 3, 10)  # from the day the worker learned, not three months
    assert "tk-159:1" in item.rests_on and NOTE_LEARNED_FROM_ORDER not in item.notes
    assert not any(i.unit == "months" and i.n == 3 for i in r.items)
    assert "88-НП" in r.rule.text["ru"] and "один год" in r.rule.text["ru"]


def test_reinstatement_straight_to_court_from_the_order_says_it_assumed_so() -> None:
    r = compute_deadline("dismissal", "micro", order_date="12.03.2026")
    item = r.items[0]
    assert item.last_day == D(2027, 3, 12) and item.notes == (NOTE_LEARNED_FROM_ORDER,)
    assert text(NOTE_LEARNED_FROM_ORDER, "ru") in r.text("ru")


@pytest.mark.parametrize("route", ["micro", "ngo_small", "domestic"])
def test_other_disputes_straight_to_court_one_year(route: str) -> None:
    r = compute_deadline("transfer", route, learned_date=D(2026, 5, 29))
    assert [(i.kind, i.provision) for i in r.items] == [("court", "160.5.3")]
    assert r.items[0].last_day == D(2027, 5, 31)  # 29.05.2027 is a Saturday


@pytest.mark.parametrize(("route", "first"), [("other", "dispute"), ("micro", "court")])
def test_pay_claims_one_year_and_three_years_under_81_np(route: str, first: str) -> None:
    r = compute_deadline("pay", route, learned_date=D(2024, 2, 29), today=TODAY)
    assert [i.kind for i in r.items] == [first, "pay_limitation"]
    one_year, three_years = r.items
    assert one_year.last_day == D(2025, 2, 28) and one_year.passed
    assert (three_years.provision, three_years.n, three_years.unit, three_years.court_notes) == ("81-НП", 3, "years", ("81-НП",))
    assert three_years.calendar_last_day == D(2027, 2, 28) and three_years.last_day == D(2027, 3, 1) and not three_years.passed
    assert {"tk-160:0", "gk-178:1", "gk-180:1"} <= set(three_years.rests_on)
    assert GAP_CIVIL_CODE in r.gaps and "81-НП" in r.rule.text["ru"]


def test_civil_service_reinstatement_is_a_gap_without_a_date() -> None:
    r = compute_deadline("dismissal", "civil_service", order_date=D(2026, 3, 10))
    assert r.items == () and r.last_day is None and r.rule.says == "gap"
    assert GAP_HOLIDAYS not in r.gaps
    assert any(n.says == "gap" for n in r.notes)
    assert r.lines("ru")[-1] == text("selfcheck.verify", "ru")


def test_civil_service_other_disputes_one_year_with_the_gap_note() -> None:
    r = compute_deadline("pay", "civil_service", learned_date=D(2026, 3, 10))
    assert [i.kind for i in r.items] == ["court", "pay_limitation"] and r.items[0].last_day == D(2027, 3, 10)
    assert any(n.says == "gap" for n in r.notes)


def test_the_claim_overrides_the_stage() -> None:
    r = compute_deadline("probation", "other", order_date=D(2026, 3, 10), claim="reinstatement")
    assert r.items[0].kind == "commission"
    assert compute_deadline("probation", "other", learned_date=D(2026, 3, 10)).items[0].kind == "dispute"
    with pytest.raises(ValueError):
        compute_deadline("pay", "other", claim="damages")


# ---------------------------------------------------------------- suspension
def test_mediation_suspends_the_limit() -> None:
    r = compute_deadline("dismissal", "other", order_date=D(2026, 3, 10), mediation=[(D(2026, 3, 15), D(2026, 3, 24))])
    item = r.items[0]
    assert item.suspended_days == 10 and item.last_day == D(2026, 4, 20)  # 10.04 + 10 days
    assert GAP_SUSPENSION in r.gaps


def test_mediation_outside_the_running_period_changes_nothing() -> None:
    before = compute_deadline("hiring", "other", learned_date=D(2026, 3, 10), mediation=[("2026-02-01", "2026-03-10")])
    after = compute_deadline("dismissal", "other", order_date=D(2026, 3, 10), mediation=[("2026-04-11", "2026-04-30")])
    assert before.items[0].last_day == D(2027, 3, 10) and before.items[0].suspended_days == 0
    assert after.items[0].last_day == D(2026, 4, 10) and GAP_SUSPENSION not in after.gaps


def test_overlapping_mediation_periods_count_once() -> None:
    r = compute_deadline("dismissal", "other", order_date=D(2026, 3, 10),
                         mediation=[(D(2026, 3, 15), D(2026, 3, 20)), (D(2026, 3, 18), D(2026, 3, 24))])
    assert r.items[0].suspended_days == 10


def test_mediation_still_in_effect_gives_no_date() -> None:
    r = compute_deadline("dismissal", "micro", learned_date=D(2026, 3, 10), mediation=[(D(2026, 3, 15), None)])
    assert r.items[0].last_day is None and r.items[0].missing == ("mediation_end",)
    assert text("selfcheck.field.mediation_end", "kk") in r.text("kk")


def test_no_commission_suspends_until_it_is_created() -> None:
    waiting = compute_deadline("dismissal", "other", order_date=D(2026, 3, 10), commission_exists=False)
    assert waiting.items[0].last_day is None and waiting.items[0].missing == ("commission_created",)
    created = compute_deadline("dismissal", "other", order_date=D(2026, 3, 10), commission_exists=False,
                               commission_created=D(2026, 3, 20))
    assert created.items[0].suspended_days == 9  # 11-19 March
    assert created.items[0].calendar_last_day == D(2026, 4, 19) and created.items[0].last_day == D(2026, 4, 20)
    # only the commission route waits for a commission
    direct = compute_deadline("dismissal", "micro", learned_date=D(2026, 3, 10), commission_exists=False)
    assert direct.items[0].last_day == D(2027, 3, 10)


# ---------------------------------------------------------------- unknown and invalid dates
def test_unknown_dates_give_the_rule_in_words_and_what_is_missing() -> None:
    r = compute_deadline("dismissal", "other")
    assert [i.last_day for i in r.items] == [None, None] and r.last_day is None
    assert r.items[0].missing == ("order_date",) and r.items[1].missing == ("commission_decision_date",)
    for lang in ("kk", "ru"):
        lines = r.lines(lang)
        assert lines[0] == r.rule.text[lang]
        assert text("selfcheck.field.order_date", lang) in lines[1]
        assert lines[-1] == text("selfcheck.verify", lang)
    assert GAP_HOLIDAYS not in r.gaps


@pytest.mark.parametrize("bad", ["31.02.2026", "завтра будет", "2026-13-01", "12.07.2026"])
def test_an_invalid_or_future_date_is_refused(bad: str) -> None:
    with pytest.raises(DateError) as err:
        compute_deadline("dismissal", "other", order_date=bad, today=TODAY)
    assert err.value.field == "order_date"


def test_kazakh_and_russian_date_expressions() -> None:
    ru = compute_deadline("dismissal", "other", order_date="12 марта", today=TODAY)
    kk = compute_deadline("dismissal", "other", order_date="12 наурызда", today=TODAY)
    assert ru.items[0].start == kk.items[0].start == D(2026, 3, 12)
    assert compute_deadline("hiring", "other", learned_date="вчера", today=TODAY).items[0].start == D(2026, 7, 9)


# ---------------------------------------------------------------- the result in words
def test_the_result_in_both_languages() -> None:
    r = compute_deadline("dismissal", "other", order_date=D(2026, 1, 31), today=TODAY)
    ru, kk = r.text("ru"), r.text("kk")
    assert "последний день — 2 марта 2026 г." in ru and "истекал 28 февраля 2026 г." in ru
    assert "соңғы күні — 2026 жылғы 2 наурыз." in kk and "2026 жылғы 28 ақпанда аяқталатын еді" in kk
    assert text("selfcheck.passed", "ru") in ru and text(GAP_HOLIDAYS, "kk") in kk
    assert ru.splitlines()[-1] == text("selfcheck.verify", "ru")
    assert "г.." not in ru


def test_every_paragraph_a_result_rests_on_is_in_the_base() -> None:
    for stage, route, kw in [("dismissal", "other", {"order_date": D(2026, 3, 10)}), ("dismissal", "domestic", {"order_date": D(2026, 3, 10)}),
                             ("pay", "other", {"learned_date": D(2026, 3, 10)}), ("harassment", "ngo_small", {"learned_date": D(2026, 3, 10)})]:
        r = compute_deadline(stage, route, **kw)  # type: ignore[arg-type]
        assert "tk-160:0" in r.rests_on
        for ref in r.rests_on:
            norm_id, _, para = ref.partition(":")
            assert all(para in v.paragraphs() for v in NORMS[norm_id].versions.values()), ref
