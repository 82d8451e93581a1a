"""Monthly partitions of appeal events (core/partitions.py, `jiaoliuba partition_tables`):
the rows, the sweep and the dashboards are the same after the move as before it.

Every test runs in the test's own transaction (PostgreSQL's DDL is transactional): the
move, the renames and the partitions are rolled back with it, so no other test ever sees
a partitioned table."""

from __future__ import annotations

import contextlib
import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from jiaoliuba.appeals import services as appeal_services
from jiaoliuba.appeals.choices import EventKind
from jiaoliuba.appeals.models import AppealEvent
from jiaoliuba.core import partitions
from jiaoliuba.dashboards import selectors
from jiaoliuba.dashboards import services as dashboard_services
from jiaoliuba.dashboards.models import AppealFact
from jiaoliuba.dashboards.tests.conftest import local
from jiaoliuba.dashboards.tests.scenario import build
from jiaoliuba.dashboards.tests.test_figures import NOVEMBER, region, snapshot, values
from jiaoliuba.testing.fixtures import JIEFANG

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="declarative partitioning is PostgreSQL's"
    ),
]

EVENTS = AppealEvent._meta.db_table
FACTS = AppealFact._meta.db_table


class _Undo(Exception):
    pass


def undone(work: Any) -> Any:
    """What `work` returns, with everything it wrote rolled back."""
    result = []
    with contextlib.suppress(_Undo), transaction.atomic():
        result.append(work())
        raise _Undo
    return result[0]


def rows() -> list[tuple[Any, ...]]:
    return list(
        AppealEvent.objects.order_by("id").values_list(
            "id", "appeal_id", "kind", "actor_id", "message", "data", "created_at"
        )
    )


def facts() -> list[tuple[Any, ...]]:
    fields = [f.attname for f in AppealFact._meta.concrete_fields]
    return list(AppealFact.objects.order_by("appeal_id").values_list(*fields))


def partitions_of(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = %s::regclass ORDER BY c.relname",
            [table],
        )
        return [row[0] for row in cursor.fetchall()]


def partition_holding(event_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tableoid::regclass::text FROM {EVENTS} WHERE id = %s",
            [event_id],
        )
        return cursor.fetchone()[0]


def sweep_and_read() -> dict[str, Any]:
    """The appeal sweep at a fixed time, then the dashboards caught up and read."""
    report = appeal_services.appeals_sweep(now=local(2026, 12, 2, 9, 0))
    written = list(
        AppealEvent.objects.filter(created_at__gte=local(2026, 12, 2, 9, 0))
        .order_by("appeal_id", "kind")
        .values_list("appeal_id", "kind", "created_at")
    )
    dashboard_services.rollups_sync()
    return {
        "report": report,
        "written": written,
        "rollups": snapshot(),
        "kpis": values(selectors.kpi_figures(region=region(JIEFANG), period=NOVEMBER)),
    }


@pytest.fixture
def story(at, submit, staff, residents):
    appeals = build(at, submit, staff, residents)
    at(2026, 12, 2, 9, 0)
    return appeals


def test_partitioning_keeps_every_row_and_what_the_sweep_and_dashboards_give(story):
    before_rows = rows()
    before_facts = facts()
    assert before_rows and not partitions.is_partitioned(EVENTS)
    assert before_facts and not partitions.is_partitioned(FACTS)
    before = undone(sweep_and_read)

    out = StringIO()
    call_command("partition_tables", stdout=out)
    assert "partitioned," in out.getvalue()
    assert partitions.is_partitioned(EVENTS)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass", [EVENTS]
        )
        assert cursor.fetchone() == (1,)
    assert rows() == before_rows
    # The old table is kept, with the same rows, under another name, without foreign
    # keys (they would stop the privacy purge from deleting an appeal).
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {EVENTS}_unpartitioned")
        assert cursor.fetchone()[0] == len(before_rows)
        cursor.execute(
            "SELECT COUNT(*) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            [f"{EVENTS}_unpartitioned"],
        )
        assert cursor.fetchone()[0] == 0
    this_month = partitions._this_month()
    first = min(r[-1] for r in before_rows)
    names = partitions_of(EVENTS)
    assert names[0] == partitions.partition_name(EVENTS, partitions._month(first))
    ahead = partitions._add_months(this_month, partitions.MONTHS_AHEAD)
    assert names[-1] == partitions.partition_name(EVENTS, ahead)

    after = undone(sweep_and_read)
    assert after == before
    assert after["written"]  # the sweep did write events, into the partitioned table

    # New events take the next ids and land in their month's partition.
    newest = before_rows[-1][0]
    appeal = story[1]
    for when in (local(2026, 11, 30, 23, 59), local(2026, 12, 1, 0, 1)):
        AppealEvent.objects.create(
            appeal=appeal, kind=EventKind.NOTE, message="备注", created_at=when
        )
    made = list(AppealEvent.objects.filter(id__gt=newest).order_by("id"))
    assert [e.id > newest for e in made] == [True] * len(made) and len(made) >= 2
    for event in made:
        month = partitions._month(event.created_at)
        assert partition_holding(event.id) == partitions.partition_name(EVENTS, month)
    assert {partitions._month(e.created_at) for e in made} == {
        dt.date(2026, 11, 1),
        dt.date(2026, 12, 1),
    }


def test_a_rebuild_keeps_the_facts_partitioned(story):
    dashboard_services.rollups_sync()
    before_facts, before_rollups = facts(), snapshot()
    partitions.partition_tables()
    names = partitions_of(FACTS)
    dashboard_services.rollups_rebuild()
    dashboard_services.rollups_rebuild()  # the names the first one left do not collide
    dashboard_services.rollups_sync()
    assert partitions.is_partitioned(FACTS)
    assert partitions_of(FACTS) == names  # the shadow's partitions took the live names
    assert facts() == before_facts
    assert snapshot() == before_rollups
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass ORDER BY conname",
            [FACTS],
        )
        constraints = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT to_regclass(%s)", [f"{FACTS}_shadow"])
        assert cursor.fetchone() == (None,)
    assert f"{FACTS}_pkey" in constraints
    assert not any("shadow" in name for name in constraints)
    # A fact still lands in its month: the dashboards' live path after the rebuild.
    fact = AppealFact.objects.order_by("-day").first()
    month = fact.day.replace(day=1)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tableoid::regclass::text FROM {FACTS} WHERE appeal_id = %s",
            [fact.appeal_id],
        )
        assert cursor.fetchone()[0] == partitions.partition_name(FACTS, month)


def test_a_second_run_changes_nothing(story):
    partitions.partition_tables()
    names = partitions_of(EVENTS)
    reports = partitions.partition_tables()
    assert [(r.partitioned_now, r.partitions_created) for r in reports] == [(False, [])] * 2
    assert partitions_of(EVENTS) == names
    out = StringIO()
    call_command("partition_tables", stdout=out)
    assert "already partitioned, 0 new partitions" in out.getvalue()


def test_the_periodic_task_creates_the_months_ahead(story):
    assert partitions.partitions_create_ahead() == []  # not partitioned yet: nothing
    partitions.partition_tables(months_ahead=1)
    this_month = partitions._this_month()
    last = partitions.partition_name(EVENTS, partitions._add_months(this_month, 1))
    assert partitions_of(EVENTS)[-1] == last
    created = partitions.partitions_create_ahead(months=3)
    assert created == [
        partitions.partition_name(table, partitions._add_months(this_month, n))
        for table in (EVENTS, FACTS)
        for n in (2, 3)
    ]
    assert partitions.partitions_create_ahead(months=3) == []


def test_rows_written_during_the_copy_are_carried_over(story, monkeypatch):
    """The trigger notes what changes while the batches copy; the swap copies it again."""
    newest = AppealEvent.objects.order_by("-id").first()
    first_gone = AppealEvent.objects.order_by("id").first()
    copy = partitions._copy

    def copy_then_write(spec, top):
        copied = copy(spec, top)
        if spec.table != EVENTS:
            return copied
        # Written after its batch was copied: a new row, an edit, a deletion.
        AppealEvent.objects.filter(pk=newest.pk).update(message="改过的")
        AppealEvent.objects.filter(pk=first_gone.pk).delete()
        AppealEvent.objects.create(
            appeal_id=newest.appeal_id, kind=newest.kind, created_at=local(2026, 12, 2, 9, 30)
        )
        return copied

    monkeypatch.setattr(partitions, "_copy", copy_then_write)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {EVENTS}")
        count = cursor.fetchone()[0]
    partitions.partition_tables()
    assert partitions.is_partitioned(EVENTS)
    assert AppealEvent.objects.get(pk=newest.pk).message == "改过的"
    assert not AppealEvent.objects.filter(pk=first_gone.pk).exists()
    assert AppealEvent.objects.count() == count  # one gone, one new
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {EVENTS} n FULL JOIN {EVENTS}_unpartitioned o"
            " ON o.id = n.id AND o.message = n.message WHERE o.id IS NULL OR n.id IS NULL"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT COUNT(*) FROM pg_trigger WHERE tgname LIKE %s", [f"{EVENTS}_part%"])
        assert cursor.fetchone()[0] == 0


def test_a_table_replaced_during_the_copy_is_left_alone(story, monkeypatch):
    """A rollups rebuild swapping the facts in meanwhile: the copy is thrown away."""
    dashboard_services.rollups_sync()
    copy = partitions._copy

    def copy_then_rebuild(spec, top):
        copied = copy(spec, top)
        if spec.table == FACTS:
            dashboard_services.rollups_rebuild()
        return copied

    monkeypatch.setattr(partitions, "_copy", copy_then_rebuild)
    with pytest.raises(partitions.PartitionError, match="replaced"):
        partitions.partition_tables()
    assert partitions.is_partitioned(EVENTS)  # done before the facts
    assert not partitions.is_partitioned(FACTS)
    with connection.cursor() as cursor:
        for name in (f"{FACTS}_part", f"{FACTS}_part_changed", f"{FACTS}_unpartitioned"):
            cursor.execute("SELECT to_regclass(%s)", [name])
            assert cursor.fetchone() == (None,)
    monkeypatch.setattr(partitions, "_copy", copy)
    partitions.partition_tables()
    assert partitions.is_partitioned(FACTS)


def test_the_other_tests_see_the_plain_table_again():
    """Runs after the tests above (file order): their moves were rolled back with them."""
    with connection.cursor() as cursor:
        for table in (EVENTS, FACTS):
            assert not partitions.is_partitioned(table)
            cursor.execute("SELECT to_regclass(%s)", [f"{table}_unpartitioned"])
            assert cursor.fetchone() == (None,)
