"""The working-day calendar: package data as the truth for 2004–2026, the statutory
fallback beyond, admin rows over both, and the deadlines built on them."""

import datetime as dt
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from chinese_calendar.constants import Holiday
from chinese_calendar.constants import holidays as package_holidays
from chinese_calendar.constants import workdays as package_workdays
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lunardate import LunarDate

from jiaoliuba.core import clock, workdays
from jiaoliuba.core.models import AuditLog, CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = dt.date


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    # Rows created here are rolled back without a signal; never leak tables built on them.
    workdays.clear_cache()
    yield
    workdays.clear_cache()


@pytest.fixture
def today(monkeypatch):
    def set_today(day: dt.date) -> None:
        noon = dt.datetime.combine(day, dt.time(12), tzinfo=SHANGHAI)
        monkeypatch.setattr(clock, "now", lambda: noon.astimezone(dt.UTC))

    return set_today


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=SHANGHAI)


def spring_festival_eve(year: int) -> dt.date:
    """除夕 as the last day of lunar month 12 of the previous lunar year (29 or 30 days;
    a leap month 12 comes after the ordinary one), independent of workdays' "day before
    正月初一"."""
    leap = LunarDate.leap_month_for_year(year - 1) == 12
    for last in (30, 29):
        try:
            return LunarDate(year - 1, 12, last, leap).to_solar_date()
        except ValueError:
            continue
    raise AssertionError("lunar month 12 has neither 29 nor 30 days")


# --- The package as the truth for the years it knows ------------------------------------


def test_every_day_2004_to_2026_agrees_with_the_package():
    day = D(2004, 1, 1)
    while day <= D(2026, 12, 31):
        assert workdays.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


def test_make_up_weekend_days_of_2026_count_as_working_days():
    make_up = sorted(d for d in package_workdays if d.year == 2026)
    assert make_up == [
        D(2026, 1, 4),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 5, 9),
        D(2026, 9, 20),
        D(2026, 10, 10),
    ]
    for day in make_up:
        assert day.weekday() >= 5
        assert workdays.is_working_day(day)
    # An ordinary weekend stays off.
    assert not workdays.is_working_day(D(2026, 10, 17))


def test_national_day_2026_deadline_lands_on_the_make_up_saturday():
    # Holidays 10-01..10-07; 10-08 Thu and 10-09 Fri work; 10-10 Sat is 调休上班.
    assert all(package_holidays[D(2026, 10, d)] == Holiday.national_day.value for d in range(1, 8))
    due = workdays.deadline_working_days(local(2026, 9, 30, 10, 0), 3)
    assert due == end_of(D(2026, 10, 10))
    assert due.tzinfo is not None and due.utcoffset() == dt.timedelta(0)
    assert workdays.deadline_working_days(local(2026, 9, 30, 10, 0), 1) == end_of(D(2026, 10, 8))
    assert workdays.deadline_working_days(local(2026, 9, 30, 10, 0), 4) == end_of(D(2026, 10, 12))


def test_the_local_date_of_receipt_counts_not_the_utc_date():
    # 00:30 in Shanghai on 09-30 is still 09-29 in UTC; 09-29 would end on 10-09.
    received = local(2026, 9, 30, 0, 30)
    assert received.astimezone(dt.UTC).date() == D(2026, 9, 29)
    assert workdays.deadline_working_days(received, 3) == end_of(D(2026, 10, 10))
    assert workdays.deadline_working_days(local(2026, 9, 29, 9), 3) == end_of(D(2026, 10, 9))


def test_make_up_saturday_before_spring_festival_2026_counts():
    # Received Friday 02-13; Saturday 02-14 is 调休上班, then the holiday 02-15..02-23.
    assert workdays.deadline_working_days(local(2026, 2, 13, 16), 1) == end_of(D(2026, 2, 14))
    assert workdays.deadline_working_days(local(2026, 2, 13, 16), 2) == end_of(D(2026, 2, 24))


def test_red_appeal_24_natural_hours_at_23_50_ignores_holidays():
    received = local(2026, 9, 30, 23, 50)
    due = workdays.deadline_natural_hours(received, 24)
    assert due == local(2026, 10, 1, 23, 50)
    assert due.utcoffset() == dt.timedelta(0)
    # Its working-day clock starts from 09-30 all the same.
    assert workdays.deadline_working_days(received, 3) == end_of(D(2026, 10, 10))


# --- The fallback beyond the package --------------------------------------------------


def test_2026_is_the_package_and_2027_the_fallback():
    assert workdays.calendar_source(2026) == "package"
    assert workdays.calendar_source(2027) == "fallback"
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 1, 4))


def test_deadline_across_new_year_2027():
    # 12-31 Thu works (package); 2027-01-01 Fri 元旦; 01-02/03 weekend; 01-04 Mon.
    assert workdays.deadline_working_days(local(2026, 12, 30, 9), 3) == end_of(D(2027, 1, 5))
    assert workdays.deadline_working_days(local(2026, 12, 31, 9), 1) == end_of(D(2027, 1, 4))
    assert workdays.deadline_working_days(local(2026, 12, 31, 23, 59), 3) == end_of(D(2027, 1, 6))
    assert not workdays.is_working_day(D(2027, 1, 1))


def test_spring_festival_2027_fallback_from_the_lunar_calendar():
    eve = spring_festival_eve(2027)
    new_year = LunarDate(2027, 1, 1).to_solar_date()
    assert (eve, new_year) == (D(2027, 2, 5), D(2027, 2, 6))
    off = [eve + dt.timedelta(days=i) for i in range(4)]  # 除夕, 初一, 初二, 初三
    assert off[-1] == D(2027, 2, 8)
    assert not any(workdays.is_working_day(day) for day in off)
    assert workdays.is_working_day(D(2027, 2, 4))  # the Thursday before
    assert workdays.is_working_day(D(2027, 2, 9))  # 初四, a Tuesday: no 调休 in the fallback
    # Received Thursday 02-04: Friday 除夕 to Monday 初三 are off.
    assert workdays.deadline_working_days(local(2027, 2, 4, 9), 1) == end_of(D(2027, 2, 9))


def test_fallback_2027_statutory_days():
    assert workdays.statutory_holidays(2027) == {
        D(2027, 1, 1),
        D(2027, 2, 5),
        D(2027, 2, 6),
        D(2027, 2, 7),
        D(2027, 2, 8),
        D(2027, 4, 5),  # 清明
        D(2027, 5, 1),
        D(2027, 5, 2),
        LunarDate(2027, 5, 5).to_solar_date(),  # 端午 06-09
        LunarDate(2027, 8, 15).to_solar_date(),  # 中秋 09-15
        D(2027, 10, 1),
        D(2027, 10, 2),
        D(2027, 10, 3),
    }


@pytest.mark.parametrize("year", range(2005, 2101))
def test_spring_festival_eve_is_the_last_day_of_lunar_month_12(year):
    if year == 2100:
        # lunardate stops at lunar 2099; the 2100 table must start the day after its 除夕.
        assert spring_festival_eve(2100) + dt.timedelta(days=1) == D(2100, 2, 9)
    days = workdays.statutory_holidays(year)
    eve = spring_festival_eve(year)
    assert {eve + dt.timedelta(days=i) for i in range(4)} <= days
    assert eve - dt.timedelta(days=1) not in days
    assert eve + dt.timedelta(days=4) not in days


def test_the_statutory_days_of_2025_and_2026_are_official_holidays():
    # The 2024 revision took effect in 2025: the fallback must be a subset of the truth.
    for year in (2025, 2026):
        for day in workdays.statutory_holidays(year):
            assert not chinese_calendar.is_workday(day), day


def test_the_older_statutory_days_are_official_holidays_2008_to_2024():
    # 2008–2024 had no 除夕 and no May 2 by law; every other statutory day was off.
    for year in range(2008, 2025):
        eve = spring_festival_eve(year)
        for day in workdays.statutory_holidays(year) - {eve, D(year, 5, 2)}:
            # The package lists some weekend holidays only implicitly, as weekends.
            assert not chinese_calendar.is_workday(day), day


def test_qingming_formula_matches_the_package_2004_to_2026():
    for year in range(2004, 2027):
        terms = dict(
            (name, day)
            for day, name in chinese_calendar.get_solar_terms(D(year, 4, 1), D(year, 4, 30))
        )
        assert workdays.qingming(year) == terms["清明"], year
        if year >= 2008:  # a public holiday since 2008
            assert package_holidays[workdays.qingming(year)] == Holiday.tomb_sweeping_day.value


def test_qingming_2100_is_april_5_because_2100_is_no_leap_year():
    assert workdays.qingming(2099) == D(2099, 4, 4)
    assert workdays.qingming(2100) == D(2100, 4, 5)


def test_deadlines_never_raise_from_2004_to_2100():
    for year in range(2004, 2101):
        for received in (local(year, 1, 1, 8), local(year, 9, 28, 8), local(year, 12, 28, 8)):
            due = workdays.deadline_working_days(received, 10)
            assert due > received
    assert not workdays.is_working_day(D(2100, 6, 12))  # 端午 2100 from the table
    assert workdays.is_working_day(D(2101, 6, 1))  # no lunar data: still an answer


# --- Admin rows win -----------------------------------------------------------------


def test_admin_holiday_overrides_a_package_working_day():
    received = local(2026, 9, 30, 10)
    assert workdays.deadline_working_days(received, 3) == end_of(D(2026, 10, 10))
    CalendarDay.objects.create(date=D(2026, 10, 9), is_working_day=False, name="临时休息")
    # 10-08 works, 10-09 now off, 10-10 Sat 调休, 10-11 Sun off, 10-12 Mon.
    assert workdays.deadline_working_days(received, 3) == end_of(D(2026, 10, 12))
    assert not workdays.is_working_day(D(2026, 10, 9))


def test_admin_working_day_overrides_the_fallback():
    assert not workdays.is_working_day(D(2027, 2, 20))  # a Saturday
    CalendarDay.objects.create(date=D(2027, 2, 20), is_working_day=True, name="调休上班")
    assert workdays.is_working_day(D(2027, 2, 20))


def test_admin_edit_in_the_admin_takes_effect_at_once_and_is_audited(admin_client):
    received = local(2026, 9, 30, 10)
    assert workdays.deadline_working_days(received, 1) == end_of(D(2026, 10, 8))
    response = admin_client.post(
        "/admin/core/calendarday/add/",
        {"date": "2026-10-08", "is_working_day": "", "name": "国庆节", "note": "测试"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert workdays.deadline_working_days(received, 1) == end_of(D(2026, 10, 9))
    assert AuditLog.objects.filter(action="admin.add", target_type="core.calendarday").exists()
    day = CalendarDay.objects.get(date=D(2026, 10, 8))
    response = admin_client.post(f"/admin/core/calendarday/{day.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert workdays.deadline_working_days(received, 1) == end_of(D(2026, 10, 8))


def test_changes_by_another_process_are_seen_through_the_version(settings):
    settings.WORKDAYS_CACHE_SECONDS = 3600
    assert workdays.is_working_day(D(2026, 10, 9))
    # bulk_create sends no signal: this process cannot tell it from another's write.
    CalendarDay.objects.bulk_create([CalendarDay(date=D(2026, 10, 9), name="停工")])
    assert workdays.is_working_day(D(2026, 10, 9)), "cached within the check interval"
    settings.WORKDAYS_CACHE_SECONDS = 0
    assert not workdays.is_working_day(D(2026, 10, 9))


def test_the_cache_spares_the_database(settings):
    settings.WORKDAYS_CACHE_SECONDS = 3600
    workdays.deadline_working_days(local(2026, 9, 30, 10), 3)
    with CaptureQueriesContext(connection) as queries:
        for n in range(1, 30):
            workdays.deadline_working_days(local(2026, 9, 30, 10), n)
    assert len(queries) == 0


def test_inputs_are_checked():
    with pytest.raises(ValueError):
        workdays.deadline_working_days(dt.datetime(2026, 9, 30, 10), 3)  # naive
    with pytest.raises(ValueError):
        workdays.add_working_days(D(2026, 9, 30), 0)
    with pytest.raises(TypeError):
        workdays.is_working_day(dt.datetime(2026, 9, 30, 10, tzinfo=SHANGHAI))


# --- Warnings -------------------------------------------------------------------------


def test_warning_for_an_unknown_year_until_an_administrator_confirms_it(today):
    today(D(2026, 11, 28))
    assert [w.year for w in workdays.calendar_warnings()] == [2027]
    assert "2027" in workdays.calendar_warnings()[0].message
    assert [w.year for w in workdays.calendar_warnings(years=[2026, 2030])] == [2027, 2030]
    CalendarYear.objects.create(year=2027, schedule_complete=True)
    assert workdays.calendar_source(2027) == "admin"
    assert workdays.calendar_warnings() == []
    today(D(2027, 3, 1))
    assert [w.year for w in workdays.calendar_warnings()] == [2028]


def test_an_unconfirmed_calendar_year_still_warns():
    CalendarYear.objects.create(year=2027, schedule_complete=False)
    assert [w.year for w in workdays.calendar_warnings(today=D(2026, 6, 1))] == [2027]


def test_warning_is_translated():
    with translation.override("zh-hans"):
        message = workdays.calendar_warnings(today=D(2026, 6, 1))[0].message
    assert message.startswith("2027年")


def test_admin_index_shows_the_warning(admin_client, today):
    today(D(2026, 11, 28))
    response = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert 'id="calendar-warnings"' in page
    assert "The official holidays and make-up working days of 2027" in page
    assert "/admin/core/calendarday/?year=2027" in page
    CalendarYear.objects.create(year=2027, schedule_complete=True)
    assert 'id="calendar-warnings"' not in admin_client.get("/admin/").content.decode()


def test_confirming_a_year_in_the_admin_records_who_and_when(admin_client, admin_user):
    response = admin_client.post(
        "/admin/core/calendaryear/add/", {"year": "2027", "schedule_complete": "on"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    year = CalendarYear.objects.get(year=2027)
    assert year.confirmed_by == admin_user and year.confirmed_at is not None
    assert workdays.calendar_source(2027) == "admin"
    assert admin_client.get("/admin/core/calendaryear/").status_code == 200
    assert admin_client.get("/admin/core/calendarday/?year=2027").status_code == 200


# --- Properties ---------------------------------------------------------------------


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    received_at=st.datetimes(
        min_value=dt.datetime(2004, 1, 1), max_value=dt.datetime(2030, 12, 31, 23, 59, 59)
    ).map(lambda naive: naive.replace(tzinfo=dt.UTC)),
    n=st.integers(min_value=1, max_value=10),
)
def test_deadline_properties(received_at, n):
    due = workdays.deadline_working_days(received_at, n)
    due_local = due.astimezone(SHANGHAI)
    received_on = received_at.astimezone(SHANGHAI).date()
    assert due.utcoffset() == dt.timedelta(0)
    assert due_local.time() == dt.time(23, 59, 59)
    assert due_local.date() > received_on
    assert workdays.is_working_day(due_local.date())
    between = [
        received_on + dt.timedelta(days=i)
        for i in range(1, (due_local.date() - received_on).days + 1)
    ]
    assert sum(workdays.is_working_day(day) for day in between) == n
    for day in between:  # and the package agrees wherever it knows the year
        if day.year <= 2026:
            assert workdays.is_working_day(day) == chinese_calendar.is_workday(day)
