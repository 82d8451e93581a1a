import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from jiaoliuba.dashboards.choices import PeriodKind
from jiaoliuba.dashboards.periods import Period, parse_period, period_containing

CALENDAR = [PeriodKind.DAY, PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR]
days = st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2035, 12, 31))


@given(st.sampled_from(CALENDAR), days)
def test_a_period_holds_its_day_and_the_previous_one_ends_the_day_before(kind, day):
    period = period_containing(kind, day)
    assert period.start <= day <= period.end
    before = period.previous()
    assert before.kind == kind
    assert before.end == period.start - dt.timedelta(days=1)
    assert period_containing(kind, before.start) == before


@given(days, st.integers(min_value=0, max_value=400))
def test_a_custom_period_is_compared_with_as_many_days_just_before(start, length):
    period = parse_period(
        "custom", start.isoformat(), (start + dt.timedelta(days=length)).isoformat(), today=start
    )
    before = period.previous()
    assert before.days == period.days
    assert before.end == period.start - dt.timedelta(days=1)


def test_calendar_units():
    assert period_containing("week", dt.date(2026, 11, 28)) == Period(
        "week", dt.date(2026, 11, 23), dt.date(2026, 11, 29)
    )
    assert period_containing("quarter", dt.date(2026, 11, 28)).start == dt.date(2026, 10, 1)
    assert period_containing("month", dt.date(2024, 2, 10)).end == dt.date(2024, 2, 29)
    assert period_containing("month", dt.date(2026, 1, 5)).previous().label() == "2025-12"
    assert parse_period(None, None, None, today=dt.date(2026, 11, 28)).unit_label() == "2026-11"


def test_a_running_month_is_compared_with_the_same_days_of_the_month_before():
    # Today is 2 Dec: December so far (1–2 Dec) against 1–2 Nov, not all of November.
    december = parse_period("month", None, None, today=dt.date(2026, 12, 2))
    assert (december.start, december.end, december.to_date) == (
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 2),
        True,
    )
    assert december.calendar_unit is None
    before = december.previous()
    assert (before.start, before.end) == (dt.date(2026, 11, 1), dt.date(2026, 11, 2))
    assert december.label() == "2026-12 (12-01 ~ 12-02)"
    assert before.label() == "2026-11 (11-01 ~ 11-02)"
    # 30 Mar against February: the same days, but no further than February has.
    march = parse_period("month", "2027-03-15", None, today=dt.date(2027, 3, 30))
    assert (march.previous().start, march.previous().end) == (
        dt.date(2027, 2, 1),
        dt.date(2027, 2, 28),
    )
    # On its last day a month is whole again, and so is the one it is compared with.
    whole = parse_period("month", None, None, today=dt.date(2027, 3, 31))
    assert not whole.to_date and whole.previous() == Period("month", *_feb_2027())
    # A month that is over is whole whatever day inside it is named.
    november = parse_period("month", "2026-11-20", None, today=dt.date(2026, 12, 2))
    assert (november.start, november.end, november.to_date) == (
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 30),
        False,
    )


def _feb_2027():
    return dt.date(2027, 2, 1), dt.date(2027, 2, 28)
