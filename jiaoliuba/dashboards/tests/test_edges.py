"""Edges the benchmark review found: SQL that must survive DEBUG's query log, February
baselines, and a median read while the projection moves."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiaoliuba.dashboards import selectors
from jiaoliuba.dashboards import services as dashboard_services
from jiaoliuba.dashboards.models import BAND_COUNTERS, AppealFact
from jiaoliuba.dashboards.params import baseline_from
from jiaoliuba.dashboards.periods import Period, period_containing
from jiaoliuba.dashboards.projection import submitter_chains_refresh
from jiaoliuba.dashboards.tests.scenario import build
from jiaoliuba.regions.models import Region
from jiaoliuba.testing.fixtures import JIEFANG


@pytest.mark.django_db
def test_chains_survive_the_query_log_debug_keeps(at, submit, staff, residents):
    build(at, submit, staff, residents)
    ids = list(AppealFact.objects.exclude(submitter=None).values_list("submitter_id", flat=True))
    with CaptureQueriesContext(connection) as log:  # what DEBUG=True does to every cursor
        dashboard_services.rollups_sync()
        submitter_chains_refresh(sorted(set(ids)))
        submitter_chains_refresh(None)
    assert any("submitter_prev_day" in q["sql"] for q in log.captured_queries)
    assert AppealFact.objects.filter(first_in_quarter=True).exists()


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (dt.date(2028, 2, 10), dt.date(2027, 2, 1), dt.date(2027, 2, 28)),
        (dt.date(2025, 2, 10), dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
    ],
)
def test_a_february_baseline_is_the_whole_february_before(day, start, end):
    baseline = baseline_from({}, period_containing("month", day))
    assert (baseline.kind, baseline.start, baseline.end) == ("month", start, end)
    leap_day = baseline_from({}, Period("custom", dt.date(2028, 2, 29), dt.date(2028, 3, 5)))
    assert (leap_day.start, leap_day.end) == (dt.date(2027, 2, 28), dt.date(2027, 3, 5))


@pytest.mark.django_db
def test_a_median_read_against_stale_band_counts_does_not_fail(at, submit, staff, residents):
    build(at, submit, staff, residents)
    dashboard_services.rollups_sync()
    november = period_containing("month", dt.date(2026, 11, 1))
    path = Region.objects.get(code=JIEFANG).path
    # Counts claiming more responses than there are facts, as after a concurrent commit.
    stale = dict.fromkeys(BAND_COUNTERS, 0) | {BAND_COUNTERS[-1]: 9}
    assert selectors.median_response_seconds(path, november, None, stale) is not None
    empty = Period("custom", dt.date(2020, 1, 1), dt.date(2020, 1, 2))
    assert selectors.median_response_seconds(path, empty, None, stale) is None
