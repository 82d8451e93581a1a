"""Edges the benchmark review found: SQL that must survive DEBUG's query log, February
baselines, and a median read while the projection moves."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiaoliuba.appeals.choices import EventKind
from jiaoliuba.appeals.models import Appeal, AppealEvent
from jiaoliuba.dashboards import selectors
from jiaoliuba.dashboards import services as dashboard_services
from jiaoliuba.dashboards.models import BAND_COUNTERS, AppealFact, ProjectionState
from jiaoliuba.dashboards.params import baseline_from
from jiaoliuba.dashboards.periods import Period, period_containing
from jiaoliuba.dashboards.projection import submitter_chains_refresh
from jiaoliuba.dashboards.tests.conftest import local
from jiaoliuba.dashboards.tests.scenario import DOG, NOISE, build
from jiaoliuba.dashboards.tests.test_figures import snapshot
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


@pytest.mark.django_db
def test_an_event_committed_late_with_a_backdated_time_is_still_applied(
    at, submit, staff, residents
):
    at(2026, 11, 2, 9, 0)
    first = submit(residents[0], NOISE)
    # An id handed out to a transaction that has not committed yet.
    gap = AppealEvent.objects.create(appeal=first, kind="note", created_at=first.received_at)
    gap_id = gap.pk
    gap.delete()
    submit(residents[1], DOG)
    # The later events carry an earlier time, as an offline intake's received time does;
    # trusting event times would declare everything up to them safe right away.
    AppealEvent.objects.filter(pk__gt=gap_id).update(created_at=local(2026, 10, 30, 9, 0))
    dashboard_services.rollups_sync(thorough=True)  # checkpoint at 09:00, past the gap
    at(2026, 11, 2, 9, 3)

    # The slow transaction commits within the horizon: its event has the smaller id and,
    # like an offline intake's, a time long past.
    Appeal.objects.filter(pk=first.pk).update(is_repeat=True)
    AppealEvent.objects.create(
        pk=gap_id, appeal=first, kind="repeat_marked", created_at=first.received_at
    )
    dashboard_services.rollups_sync()  # a read: only looks past seen_id
    assert AppealFact.objects.get(appeal=first).repeat == 0
    at(2026, 11, 2, 9, 6)
    dashboard_services.rollups_sync(thorough=True)  # re-reads from safe_id, then trusts 09:00
    assert AppealFact.objects.get(appeal=first).repeat == 1
    state = ProjectionState.objects.get()
    assert state.safe_id >= gap_id
    live = snapshot()
    dashboard_services.rollups_rebuild()
    assert snapshot() == live


@pytest.mark.django_db
def test_events_that_change_no_fact_write_no_fact_and_no_rollup(at, submit, staff, residents):
    """A note or a re-read of applied events (the worker's straggler pass) leaves facts
    and rollups untouched: catch-up writes only what moved."""
    story = build(at, submit, staff, residents)
    AppealEvent.objects.bulk_create(
        [
            AppealEvent(appeal=a, kind=EventKind.NOTE, created_at=a.received_at)
            for a in story.values()
        ]
    )
    with CaptureQueriesContext(connection) as log:
        assert dashboard_services.rollups_sync() == len(story)
        ProjectionState.objects.update(safe_id=0)
        assert dashboard_services.rollups_sync(thorough=True) > len(story)
    tables = ("dashboards_appealfact", "dashboards_mediationfact", "dashboards_rollup")
    writes = [
        q["sql"]
        for q in log.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and any(t in q["sql"] for t in tables)
    ]
    assert writes == []
