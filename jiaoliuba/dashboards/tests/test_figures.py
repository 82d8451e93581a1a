"""Every KPI against figures worked out by hand from scenario.py."""

import datetime as dt

import pytest

from jiaoliuba.appeals.choices import Status
from jiaoliuba.core.errors import NotFound, ValidationFailed
from jiaoliuba.dashboards import selectors
from jiaoliuba.dashboards import services as dashboard_services
from jiaoliuba.dashboards.models import COUNTERS, Rollup
from jiaoliuba.dashboards.periods import parse_period
from jiaoliuba.dashboards.tests.scenario import PRIORITIES, build
from jiaoliuba.regions.models import Region
from jiaoliuba.testing.fixtures import CITY, DONGFENG, JIANKANG, JIEFANG, JIEFANG_G1, JIEFANG_G2

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
    # r1, r2, r3 (only through the anonymous A7), r5, r7 of the 8 registered
    "participation_rate": 5 / 8,
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
    "venue_visits": None,  # no venues module yet
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
    assert figures["participation_rate"].change_points == pytest.approx(62.5)
    assert figures["participation_rate"].change_percent is None  # from 0: no relative change


def test_a_community_with_nothing_shows_dashes(story):
    figures = values(selectors.kpi_figures(region=region(JIANKANG), period=NOVEMBER))
    assert figures["received"] == 0
    assert all(value is None for key, value in figures.items() if key != "received")


def test_the_appeal_after_midnight_belongs_to_december(story):
    december = parse_period("month", "2026-12-01", None, today=dt.date(2026, 12, 2))
    figures = values(selectors.kpi_figures(region=region(JIEFANG), period=december))
    assert figures["received"] == 1
    assert figures["participation_rate"] == pytest.approx(1 / 8)
    assert figures["mediation_success_rate"] == 1  # M3, concluded 1 Dec
    assert figures["response_rate"] is None  # A6 is not due until the end of 2 Dec
    assert figures["resolution_rate"] == 0


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
    from jiaoliuba.appeals import services as appeal_services

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
    return {
        (r.path, r.day, r.category): tuple(getattr(r, c) for c in COUNTERS)
        for r in Rollup.objects.all()
        if any(getattr(r, c) for c in COUNTERS)
    }


class AnonymousOnly:
    """A stand-in second participation source whose residents all also appear in the
    appeals source: counted as a union, nobody may be counted twice."""

    def count(self, within, width, start, end):  # pragma: no cover - union path only
        raise AssertionError("with two sources the union must be used")

    def acts(self, within, start, end):
        from jiaoliuba.dashboards.sources import appeal_participation

        return appeal_participation.acts(within, start, end).filter(anonymous=1)


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
    assert figures["participation_rate"].value == pytest.approx(5 / 8)
