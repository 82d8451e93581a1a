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
    assert parse_period(None, None, None, today=dt.date(2026, 11, 28)).label() == "2026-11"
