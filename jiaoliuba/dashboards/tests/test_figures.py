"""Every KPI against figures worked out by hand from scenario.py."""

import datetime as dt

import pytest

from jiaoliuba.appeals import services
from jiaoliuba.appeals import services as appeal_services
from jiaoliuba.appeals.choices import Status
from jiaoliuba.core.errors import NotFound, ValidationFailed
from jiaoliuba.dashboards import selectors
from jiaoliuba.dashboards import services as dashboard_services
from jiaoliuba.dashboards.models import COUNTERS, MonthRollup, Rollup
from jiaoliuba.dashboards.periods import parse_period
from jiaoliuba.dashboards.sources import AppealParticipation
from jiaoliuba.dashboards.tests.conftest import local
from jiaoliuba.dashboards.tests.scenario import PRIORITIES, build
from jiaoliuba.regions.models import Region
from jiaoliuba.testing.fixtures import (
    CITY,
    DONGFENG,
    JIANKANG,
    JIANKANG_G1,
    JIEFANG,
    JIEFANG_G1,
    JIEFANG_G2,
)

pytestmark = pytest.mark.django_db

NOVEMBER = parse_period("month", "2026-11-01", None, today=dt.date(2026, 12, 2))


@pytest.fixture
def story(at, submit, staff, residents):
    appeals = build(at, submit, staff, residents)
    dashboard_services.rollups_sync()
    return appeals


def region(code):
    return Region.objects.get(code=code)


def values(figures):
    return {key: figure.value for key, figure in figures.items()}


# Worked out by hand (see the comments in scenario.py).
NOVEMBER_JIEFANG = {
    "received": 8,  # A1–A5, A7–A9; A6 arrived at 00:30 on 1 Dec
    # r1, r2, r3 (only through the anonymous A7: A3 was invalid), r4 (through A4, merged
    # into A2: a person who took part), r5, r7 of the 8 registered
    "participation_rate": 6 / 8,
    "response_hours_mean": (2 + 46 + 1 + 0.5) / 4,
    "response_hours_median": (1 + 2) / 2,
    "response_rate": 3 / 6,  # A1, A7, A9 on time; A2 late; A5, A8 past due unanswered
    "on_time_rate": 2 / 5,  # A1, A9 on time; A2 (extended), A7 (reopened) late; A8 due
    "resolution_rate": 4 / 6,
    "mediation_success_rate": 1 / 2,  # M1 agreement, M2 none; M3 concluded in December
    "satisfaction_rate": 2 / 3,  # latest ratings: A1 satisfied, A2 unsatisfied, A7 satisfied
    "solved_rate": 2 / 3,
    "service_precision": None,  # no bookings module yet
    "repeat_rate": 1 / 6,  # A7 reopened
    "extension_rate": 1 / 6,  # A2
    "return_rate": 1 / 6,  # A8
    "venue_visits": 0,  # venues connected; nobody visited a venue in the story
}


def assert_figures(actual, expected):
    assert set(actual) == set(expected)
    for key, value in expected.items():
        if value is None:
            assert actual[key] is None, key
        else:
            assert actual[key] == pytest.approx(value), key


def test_the_story_is_the_one_the_figures_assume(story):
    for key, (priority, category) in PRIORITIES.items():
        assert (story[key].priority, story[key].category) == (priority, category), key
    assert story[3].status == Status.REJECTED and story[4].status == Status.MERGED
    assert story[7].is_anonymous and story[7].reopen_count == 1
    assert story[9].status == Status.RESOLVED  # resolved, not rated


def test_november_in_the_community_by_hand(story):
    figures = selectors.kpi_figures(region=region(JIEFANG), period=NOVEMBER)
    assert_figures(values(figures), NOVEMBER_JIEFANG)
    # A7 is anonymous to its handlers but still counts everywhere, and A5 is red.
    assert figures["received"].extra == {
        "valid": 6,
        "anonymous": 1,
        "red": 1,
        "yellow": 5,
        "blue": 0,
    }
    assert figures["response_rate"].numerator == 3 and figures["response_rate"].denominator == 6


def test_street_and_city_see_the_same_appeals(story):
    for code in (DONGFENG, CITY):
        figures = selectors.kpi_figures(region=region(code), period=NOVEMBER)
        assert_figures(values(figures), NOVEMBER_JIEFANG)


def test_previous_period_without_data_is_a_dash_not_zero(story):
    figures = selectors.kpi_figures(region=region(JIEFANG), period=NOVEMBER)
    previous = {key: figure.previous for key, figure in figures.items()}
    assert previous["received"] == 0
    assert previous["participation_rate"] == 0  # 8 residents, none took part
    for key in ("response_rate", "on_time_rate", "satisfaction_rate", "response_hours_mean"):
        assert previous[key] is None
        assert figures[key].change_percent is None
    assert figures["participation_rate"].change_points == pytest.approx(75.0)
    assert figures["participation_rate"].change_percent is None  # from 0: no relative change


def test_a_community_with_nothing_shows_dashes(story):
    figures = values(selectors.kpi_figures(region=region(JIANKANG), period=NOVEMBER))
    # Counts are 0 (venue visits too, now that venues feed them); rates are "—".
    assert figures["received"] == 0 and figures["venue_visits"] == 0
    counts = {"received", "venue_visits"}
    assert all(value is None for key, value in figures.items() if key not in counts)


def test_the_appeal_after_midnight_belongs_to_december(story):
    december = parse_period("month", "2026-12-01", None, today=dt.date(2026, 12, 2))
    figures = values(selectors.kpi_figures(region=region(JIEFANG), period=december))
    assert figures["received"] == 1
    assert figures["participation_rate"] == pytest.approx(1 / 8)
    assert figures["mediation_success_rate"] == 1  # M3, concluded 1 Dec
    assert figures["response_rate"] is None  # A6 is not due until the end of 2 Dec
    assert figures["resolution_rate"] == 0


def test_a_plus_one_counts_as_taking_part_and_an_invalid_appeal_does_not(
    story, at, submit, residents, staff
):
    december = parse_period("month", "2026-12-01", None, today=dt.date(2026, 12, 2))
    at(2026, 12, 2, 9, 0)
    # r8 has the same matter as A6 and joins it with "+1" instead of filing again.
    joined = services.appeal_join(master=story[6], resident=residents[7])
    assert joined.status == Status.MERGED
    # r7's only December appeal is rejected as invalid: not taking part.
    at(2026, 12, 2, 10, 0)
    spam = submit(residents[6], "测试测试")
    services.appeal_reject(appeal=spam, actor=staff["community"], reason="无效内容")
    dashboard_services.rollups_sync()

    figures = selectors.kpi_figures(region=region(JIEFANG), period=december)
    assert figures["received"].value == 3  # A6, r8's +1, r7's invalid appeal
    assert figures["received"].extra["valid"] == 1  # the +1 and the invalid count as received only
    # r6 (A6) and r8 (+1) of the 8 registered; r7 is not a participant.
    assert figures["participation_rate"].value == pytest.approx(2 / 8)
    assert figures["participation_rate"].numerator == 2


def test_registration_date_follows_the_project_clock(story, at, make_resident):
    # Registered on 1 Jun 2025 by the project clock (a pinned scenario or an import),
    # whatever the wall clock says: counted among November's residents.
    at(2025, 6, 1, 9, 0)
    early = make_resident(JIEFANG_G1, name="老住户", phone="13900000099")
    assert early.resident.created_at == local(2025, 6, 1, 9, 0)
    figures = selectors.kpi_figures(region=region(JIEFANG), period=NOVEMBER)
    assert figures["participation_rate"].value == pytest.approx(6 / 9)
    # Registered on 15 Dec: not one of November's residents.
    at(2026, 12, 15, 9, 0)
    make_resident(JIEFANG_G1, name="新住户", phone="13900000098")
    figures = selectors.kpi_figures(region=region(JIEFANG), period=NOVEMBER)
    assert figures["participation_rate"].value == pytest.approx(6 / 9)


def test_a_running_month_is_compared_with_the_same_days_before(story):
    # "Today" is 2 Dec: December so far holds A6; 1–2 Nov held A1 and A2 (not the 8 of
    # all November).
    december = parse_period("month", None, None, today=dt.date(2026, 12, 2))
    figures = selectors.kpi_figures(region=region(JIEFANG), period=december)
    assert figures["received"].value == 1
    assert figures["received"].previous == 2
    assert figures["received"].change_percent == pytest.approx(-50.0)
    # 1–2 Nov: r1 and r2 took part; 1–2 Dec: r6.
    assert figures["participation_rate"].previous == pytest.approx(2 / 8)
    assert figures["participation_rate"].value == pytest.approx(1 / 8)


def test_a_community_with_no_activity_ranks_last_with_a_dash(story, at, make_resident):
    # 健康路社区 has a resident but nothing happened there in November: no score, not 0.
    at(2026, 10, 1, 8, 0)
    make_resident(JIANKANG_G1, name="健康路居民", phone="13900000097")
    at(2026, 12, 2, 12, 0)  # the story's "now"
    rows = selectors.community_ranking(region=region(DONGFENG), period=NOVEMBER)
    by_code = {row.region.code: row for row in rows}
    quiet = by_code[JIANKANG]
    assert quiet.figures["participation_rate"].value == 0  # a real 0 of 1 resident
    assert quiet.score is None and quiet.rank is None
    assert rows[0].region.code == JIEFANG and rows[0].rank == 1
    assert all(row.score is None for row in rows[rows.index(quiet) :])
    # By hand with the default weights (satisfaction 30, on time 25, response 15, repeat
    # 10, mediation 10, participation 10), JIEFANG's rates from NOVEMBER_JIEFANG:
    expected = (30 * 2 / 3 + 25 * 2 / 5 + 15 * 3 / 6 + 10 * 5 / 6 + 10 * 1 / 2 + 10 * 6 / 8) / 100
    assert rows[0].score == pytest.approx(100 * expected)  # 58.33


def test_an_open_appeal_counts_as_late_once_its_original_deadline_passes(story, at):
    # On 19 Nov at noon A8's resolution deadline (end of 19 Nov) is still ahead.
    at(2026, 11, 19, 12, 0)
    figures = selectors.kpi_figures(region=region(JIEFANG), period=NOVEMBER)
    assert figures["on_time_rate"].denominator == 4
    at(2026, 11, 20, 0, 0)
    figures = selectors.kpi_figures(region=region(JIEFANG), period=NOVEMBER)
    assert figures["on_time_rate"].denominator == 5


def test_drill_down_to_grids_adds_up(story):
    rows = selectors.children_figures(region=region(JIEFANG), period=NOVEMBER)
    by_code = {row.region.code: row.figures for row in rows}
    assert {JIEFANG_G1, JIEFANG_G2} <= set(by_code)
    assert sum(figures["received"].value for figures in by_code.values()) == 8
    assert by_code[JIEFANG_G2]["received"].value == 1  # A2
    assert by_code[JIEFANG_G1]["received"].value == 7
    assert by_code[JIEFANG_G2]["extension_rate"].value == 1
    assert by_code[JIEFANG_G2]["satisfaction_rate"].value == 0


def test_category_breakdown_leaves_out_invalid_and_merged(story):
    rows = {
        r["category"]: r
        for r in selectors.category_breakdown(region=region(JIEFANG), period=NOVEMBER)
    }
    assert rows["neighbor"]["valid"] == 2  # A1, A2 (A4 merged)
    assert rows["property"]["valid"] == 4
    assert rows["livelihood"]["valid"] == 0  # A3 rejected
    assert rows["property"]["red"] == 1


def test_live_rollups_equal_a_rebuild(story):
    live = snapshot()
    assert live, "the story must have produced rollups"
    report = dashboard_services.rollups_rebuild()
    assert report["appeals"] == 9
    assert snapshot() == live


def test_marking_a_repeat_by_hand_moves_the_repeat_rate_exactly(story, staff):
    def repeat_rate():
        dashboard_services.rollups_sync()
        figure = selectors.kpi_figures(region=region(JIEFANG), period=NOVEMBER)["repeat_rate"]
        return figure.numerator, figure.denominator

    assert repeat_rate() == (1, 6)  # A7 reopened
    # A8 (16 Nov) tells the matter of r2's A2 (2 Nov) in other words: by hand.
    appeal_services.appeal_mark_repeat(
        appeal=story[8], earlier=story[2], actor=staff["community"], note="同一件事"
    )
    assert repeat_rate() == (2, 6)
    live = snapshot()
    dashboard_services.rollups_rebuild()
    assert snapshot() == live
    appeal_services.appeal_unmark_repeat(
        appeal=story[8], actor=staff["community"], reason="不是同一件事"
    )
    assert repeat_rate() == (1, 6)
    live = snapshot()
    dashboard_services.rollups_rebuild()
    assert snapshot() == live


def test_category_filter(story):
    figures = values(
        selectors.kpi_figures(region=region(JIEFANG), period=NOVEMBER, category="neighbor")
    )
    assert figures["received"] == 3  # A1, A2 and the merged A4
    assert figures["satisfaction_rate"] == pytest.approx(1 / 2)


def test_scope_keeps_a_grid_worker_in_their_grid(story, staff):
    with pytest.raises(NotFound):
        selectors.access_region(user=staff["grid1"], region_id=region(JIEFANG).pk)
    assert selectors.access_region(user=staff["grid1"], region_id=None).code == JIEFANG_G1
    with pytest.raises(NotFound):
        selectors.access_region(user=staff["street"], region_id=region(CITY).pk)


@pytest.mark.parametrize(
    ("kind", "start", "end"),
    [
        ("month", "2026-13-01", None),
        ("custom", "2026-11-05", "2026-11-01"),
        ("fortnight", None, None),
        ("custom", "2026-11-01", None),
    ],
)
def test_bad_periods_are_refused_clearly(kind, start, end):
    with pytest.raises(ValidationFailed):
        parse_period(kind, start, end, today=dt.date(2026, 12, 2))


def snapshot():
    """Every rollup row that counts something, day and month rows alike."""
    return {
        (grain, r.path, r.day, r.category): tuple(getattr(r, c) for c in COUNTERS)
        for grain, model in (("day", Rollup), ("month", MonthRollup))
        for r in model.objects.all()
        if any(getattr(r, c) for c in COUNTERS)
    }


class AnonymousOnly(AppealParticipation):
    """A stand-in second participation source whose residents all also appear in the
    appeals source: nobody may be counted twice."""

    def count(self, within, width, start, end, unit=None):  # pragma: no cover
        raise AssertionError("a later source adds residents, it is never counted alone")

    def rows(self, within, start, end):
        return super().rows(within, start, end).filter(anonymous=1)


anonymous_only = AnonymousOnly()


def test_two_participation_sources_count_each_resident_once(story, settings):
    settings.DASHBOARD_SOURCES = {
        **settings.DASHBOARD_SOURCES,
        "participation": {
            "appeals": "jiaoliuba.dashboards.sources.appeal_participation",
            "extra": "jiaoliuba.dashboards.tests.test_figures.anonymous_only",
        },
    }
    figures = selectors.kpi_figures(region=region(JIEFANG), period=NOVEMBER)
    assert figures["participation_rate"].value == pytest.approx(6 / 8)
