"""A rebuild of the rollups does not stop the city: it fills shadow tables in short
batches and swaps them in at the end, so an intake (and a dashboard read) made while it
runs succeeds at once, and the next catch-up counts it."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection

from jiaoliuba.appeals import services as appeal_services
from jiaoliuba.appeals.choices import EventKind, Status
from jiaoliuba.appeals.models import Appeal, AppealEvent
from jiaoliuba.dashboards import rebuild as rebuild_module
from jiaoliuba.dashboards import selectors
from jiaoliuba.dashboards import services as dashboard_services
from jiaoliuba.dashboards.models import AppealFact, MediationFact, Rollup
from jiaoliuba.dashboards.tests.conftest import local
from jiaoliuba.dashboards.tests.scenario import DOG, build
from jiaoliuba.dashboards.tests.test_figures import NOVEMBER, snapshot
from jiaoliuba.regions.models import Region
from jiaoliuba.testing.fixtures import JIEFANG

pytestmark = pytest.mark.django_db(transaction=True)


def test_intake_and_reads_succeed_while_a_rebuild_runs(at, submit, staff, residents, monkeypatch):
    build(at, submit, staff, residents)
    monkeypatch.setattr(rebuild_module, "FACT_BATCH", 2)  # many small batches, each committed
    halfway, resume = threading.Event(), threading.Event()
    phases: list[str] = []

    def pause(phase: str) -> None:
        phases.append(phase)
        if phase == "facts" and not halfway.is_set():
            halfway.set()
            # Wait for the intake; a rebuild holding a write lock here would make it fail.
            assert resume.wait(60), "the intake did not finish while the rebuild waited"

    monkeypatch.setattr(rebuild_module, "_progress", pause)
    errors: list[BaseException] = []

    def rebuild() -> None:
        try:
            dashboard_services.rollups_rebuild()
        except BaseException as error:  # reported in the main thread
            errors.append(error)
        finally:
            connection.close()

    worker = threading.Thread(target=rebuild)
    worker.start()
    try:
        assert halfway.wait(60), "the rebuild never reached its batches"
        # An intake, its events and a dashboard read, in this thread's own connection.
        at(2026, 11, 25, 9, 0)
        late = submit(residents[5], DOG)
        assert late.pk
        region = Region.objects.get(code=JIEFANG)
        assert selectors.data_as_of() is not None
        assert selectors.kpi_figures(region=region, period=NOVEMBER)["received"].value == 8
    finally:
        resume.set()
        worker.join(120)
    assert not worker.is_alive() and not errors, errors
    assert "swapped" in phases and phases.count("facts") > 3

    # The intake made during the rebuild is counted by the next catch-up, and the result
    # is what a quiet rebuild gives.
    dashboard_services.rollups_sync()
    region = Region.objects.get(code=JIEFANG)
    assert selectors.kpi_figures(region=region, period=NOVEMBER)["received"].value == 9
    live = snapshot()
    monkeypatch.setattr(rebuild_module, "_progress", lambda phase: None)
    dashboard_services.rollups_rebuild()
    assert snapshot() == live


def test_the_swapped_tables_keep_the_names_migrations_gave_them(at, submit, staff, residents):
    build(at, submit, staff, residents)
    tables = [m._meta.db_table for m in (AppealFact, MediationFact, Rollup)]

    def names():
        with connection.cursor() as cursor:
            return {
                table: sorted(connection.introspection.get_constraints(cursor, table))
                for table in tables
            }

    before = names()
    dashboard_services.rollups_rebuild()
    after = names()
    assert after == before
    with connection.cursor() as cursor:
        left = connection.introspection.table_names(cursor)
        assert not [t for t in left if "shadow" in t or "retired" in t]
        if connection.vendor == "sqlite":
            # The indexes were renamed in the schema table itself: the file is sound,
            # and the queries use them under their names.
            cursor.execute("PRAGMA integrity_check")
            assert cursor.fetchall() == [("ok",)]
            cursor.execute(
                "EXPLAIN QUERY PLAN SELECT appeal_id FROM dashboards_appealfact"
                " WHERE submitter_id = 1 ORDER BY day, appeal_id"
            )
            assert "fact_submitter_chain" in str(cursor.fetchall())


def test_the_rebuilds_sql_rules_equal_the_python_rules_to_the_microsecond(
    at, submit, staff, residents
):
    """The rebuild computes facts in SQL, the live path in Python (facts.py): response
    seconds truncate the same way when the fractions of a second cross, and the local day
    turns at midnight Shanghai time."""

    story = build(at, submit, staff, residents)
    base = local(2026, 11, 9, 23, 59, 59, 900_000)  # 15:59:59.9 UTC, still 9 Nov locally
    moves = {
        1: (base, base + dt.timedelta(seconds=7199, microseconds=50_000)),  # 7199.15 s
        2: (base, base + dt.timedelta(seconds=7200, microseconds=-200_000)),  # 7199.8 s
        5: (base + dt.timedelta(microseconds=100_000), base + dt.timedelta(hours=3)),
        6: (base, base - dt.timedelta(seconds=30)),  # entered after the response: 0 s
    }
    for number, (received, responded) in moves.items():
        Appeal.objects.filter(pk=story[number].pk).update(
            received_at=received, first_response_at=responded
        )
        AppealEvent.objects.create(appeal=story[number], kind=EventKind.NOTE, created_at=base)
    dashboard_services.rollups_sync()
    columns = [f.attname for f in AppealFact._meta.concrete_fields]
    live = set(AppealFact.objects.values_list(*columns))
    seconds = dict(AppealFact.objects.values_list("appeal_id", "response_time"))
    assert seconds[story[1].pk] == 7199 and seconds[story[2].pk] == 7199
    assert seconds[story[6].pk] == 0
    live_rows = snapshot()
    dashboard_services.rollups_rebuild()
    assert set(AppealFact.objects.values_list(*columns)) == live
    assert snapshot() == live_rows


def test_an_act_rejected_while_the_rebuild_runs_moves_its_submitters_chain(
    at, submit, staff, residents, monkeypatch
):
    """The rebuild works the participation chains out before it writes the facts. An
    appeal rejected in between is written as rejected (no act) while the chains still
    counted it as the resident's first act of December: the rebuild works that
    resident's chain out again, so the later appeal becomes the first act."""
    build(at, submit, staff, residents)
    at(2026, 12, 1, 9, 0)
    first = submit(residents[6], DOG)
    at(2026, 12, 2, 9, 0)
    later = submit(residents[6], DOG + "（又来了）")
    dashboard_services.rollups_sync()
    monkeypatch.setattr(rebuild_module, "FACT_BATCH", 2)
    rejected = threading.Event()

    def pause(phase: str) -> None:
        if phase == "facts" and not rejected.is_set():
            rejected.set()
            # Another connection, as a staff member's request would be.
            worker = threading.Thread(target=reject)
            worker.start()
            worker.join(60)

    def reject() -> None:
        try:
            at(2026, 12, 2, 10, 0)
            appeal_services.appeal_reject(appeal=first, actor=staff["community"], reason="无效")
        finally:
            connection.close()

    monkeypatch.setattr(rebuild_module, "_progress", pause)
    dashboard_services.rollups_rebuild()
    assert Appeal.objects.get(pk=first.pk).status == Status.REJECTED
    fact = AppealFact.objects.get(appeal_id=later.pk)
    assert fact.first_in_month and fact.submitter_prev_day < first.received_at.date()

    dashboard_services.rollups_sync()
    columns = [f.attname for f in AppealFact._meta.concrete_fields]
    live_facts, live = set(AppealFact.objects.values_list(*columns)), snapshot()
    monkeypatch.setattr(rebuild_module, "_progress", lambda phase: None)
    dashboard_services.rollups_rebuild()
    assert set(AppealFact.objects.values_list(*columns)) == live_facts
    assert snapshot() == live


def _copy_appeals(count: int) -> None:
    """`count` more appeals, copies of the story's (numbers and tracking codes left
    empty, which must be unique), written in one statement: enough for the rebuild to
    run several batches of its real size."""
    fields = [f for f in Appeal._meta.concrete_fields if not f.primary_key]
    q = connection.ops.quote_name
    columns = ", ".join(q(f.column) for f in fields)
    values = ", ".join(
        "NULL" if f.name in ("number", "tracking_code") else f"a.{q(f.column)}" for f in fields
    )
    story = Appeal.objects.count()
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s)"
            f" INSERT INTO {q(Appeal._meta.db_table)} ({columns})"
            f" SELECT {values} FROM {q(Appeal._meta.db_table)} a CROSS JOIN n",
            [count // story + 1],
        )


def test_intakes_go_on_through_a_rebuild_of_real_batch_sizes(at, submit, staff, residents):
    """No pause, no shrunken batch: the rebuild runs its real batches (three facts batches
    of FACT_BATCH appeals here) while this thread files appeals one after another, each
    in its own transaction as a request would, with a busy timeout of 5 s instead of
    20 s. None may fail, and the next catch-up counts every one of them. (At a million
    appeals, bench/gen_city.py's probe measures how long a writer waits.)"""
    build(at, submit, staff, residents)
    _copy_appeals(rebuild_module.FACT_BATCH + 500)
    total = Appeal.objects.count()
    assert total > rebuild_module.FACT_BATCH
    done = threading.Event()
    errors: list[BaseException] = []
    phases: list[str] = []

    def rebuild() -> None:
        try:
            dashboard_services.rollups_rebuild()
        except BaseException as error:  # reported in the main thread
            errors.append(error)
        finally:
            done.set()
            connection.close()

    original = rebuild_module._progress
    rebuild_module._progress = phases.append  # a record, not a pause
    worker = threading.Thread(target=rebuild)
    filed: list[Appeal] = []
    waits: list[float] = []
    try:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA busy_timeout = 5000")
        at(2026, 11, 25, 9, 0)
        worker.start()
        while not done.is_set() or not filed:
            started = time.perf_counter()
            filed.append(submit(residents[len(filed) % 8], DOG + f"（第{len(filed) + 1}次）"))
            waits.append(time.perf_counter() - started)
    finally:
        worker.join(600)
        rebuild_module._progress = original
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA busy_timeout = 20000")
    assert not worker.is_alive() and not errors, errors
    print(f"{len(filed)} intakes during the rebuild, the slowest {max(waits):.2f} s")
    assert phases.count("facts") == 2 and "swapped" in phases

    dashboard_services.rollups_sync()
    assert AppealFact.objects.count() == total + len(filed)
    live = snapshot()
    dashboard_services.rollups_rebuild()
    assert snapshot() == live
