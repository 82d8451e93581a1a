"""An intake writes its appeal with one INSERT: the key is reserved first (rawsql.next_id)
and the number made from it, instead of an UPDATE of the number after the insert (on
PostgreSQL a new version of the row in every index). And the indexes an intake writes
are the ones some read needs (migrations 0013 and 0014), on both databases."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from jiaoliuba.appeals.models import Appeal, IdempotencyRecord
from jiaoliuba.appeals.services import intake
from jiaoliuba.core import clock, rawsql

pytestmark = pytest.mark.django_db
TABLE = Appeal._meta.db_table


def _statements(queries: CaptureQueriesContext, verb: str) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith(verb)]


def test_the_appeal_row_is_written_once_with_its_number(submit):
    first = submit("楼道灯坏了一个月了，晚上上下楼很黑")
    with CaptureQueriesContext(connection) as queries:
        appeal = submit("小区东门的路面塌了一个坑，车开过去很危险")
    inserts = [s for s in _statements(queries, "INSERT") if f'"{TABLE}"' in s]
    assert len(inserts) == 1
    assert not [s for s in _statements(queries, "UPDATE") if f'"{TABLE}"' in s]
    stored = Appeal.objects.get(pk=appeal.pk)
    day = stored.received_at.astimezone(clock.SHANGHAI)
    assert stored.number == appeal.number == f"{day:%Y%m%d}{appeal.pk:06d}"
    assert appeal.pk == first.pk + 1  # the key the database itself would have given


def test_the_reserved_key_is_the_one_the_database_would_give(submit):
    submit()
    with transaction.atomic():
        reserved = rawsql.next_id(Appeal)
        # The database's own choice for a row written without a key is the one after:
        # nothing else takes the reserved one meanwhile.
        other = submit("垃圾桶满了没人清")
    assert other.pk == reserved + (1 if connection.vendor == "postgresql" else 0)


def test_a_key_taken_out_of_turn_is_never_given_again(submit):
    # A row written with an explicit, larger key (an import, a restore) moves the
    # database's own counter: SQLite's AUTOINCREMENT by itself, PostgreSQL's sequence by
    # the setval a restore runs. The reservation reads that same counter, so the next
    # intake gets a key no row has.
    appeal = submit()
    taken = appeal.pk + 50
    clone = Appeal.objects.get(pk=appeal.pk)
    clone.pk, clone.number, clone.tracking_code = taken, "import-1", "IMPORT2345"
    clone.save(force_insert=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [TABLE, taken])
    after = submit("楼下商铺油烟很大，窗户都不敢开")
    assert after.pk == taken + 1


def test_a_rolled_back_intake_leaves_no_row_and_no_number(submit, monkeypatch):
    before = Appeal.objects.count()

    def fail(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(intake._EVENTS, "insert", fail)  # after the appeal's INSERT
    with pytest.raises(RuntimeError):
        submit("路灯不亮")
    assert Appeal.objects.count() == before
    monkeypatch.undo()
    assert Appeal.objects.get(pk=submit("路灯还是不亮").pk).number


@pytest.mark.django_db(transaction=True)  # autocommit: no transaction around the test
def test_a_key_is_reserved_only_where_no_other_writer_can_take_it():
    # SQLite: only under the write lock of a transaction. PostgreSQL: anywhere, since the
    # sequence hands each caller its own number.
    if connection.vendor == "sqlite":
        with pytest.raises(RuntimeError, match="write transaction"):
            rawsql.next_id(Appeal)
        with transaction.atomic():
            assert rawsql.next_id(Appeal) >= 1
    else:
        first = rawsql.next_id(Appeal)
        assert rawsql.next_id(Appeal) == first + 1


def _index_columns(table: str = TABLE) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        name: c["columns"]
        for name, c in constraints.items()
        if c["index"] and not c["primary_key"] and not c["unique"]
    }


# Every secondary index of the appeal table and why an intake pays for it.
EXPECTED = {
    "appeal_scope_received": ["region_path", "received_at"],  # lists and dashboards by scope
    "appeal_queue": ["region_path", "status", "current_due_at"],  # the work queue
    "appeal_next_check": ["next_check_at"],  # the clock sweep
    "appeal_submitter": ["submitter_id", "received_at"],  # my appeals, the repeat check
    "appeal_surge": ["community_id", "category", "received_at"],  # risk: surge
    "appeal_community_recent": ["community_id", "received_at"],  # risk: cluster window
    "appeal_assignee_status": ["assignee_id", "status"],  # a handler's queue and load
    "appeal_repeat_of": ["repeat_of_id"],  # partial
    "appeal_merged_into": ["merged_into_id"],  # partial
    "appeal_awaiting_rating": ["resolved_at"],  # partial: resolved only
    "appeal_created_by": ["created_by_id"],  # partial: desk entries only
    "appeal_follow_up_due": ["id"],  # partial: the worker's queue of new appeals
}


def test_the_appeal_table_has_only_the_indexes_reads_need():
    found = _index_columns()
    # PostgreSQL names its LIKE indexes itself; 0013 drops them (none may come back).
    assert found == EXPECTED
    # The Idempotency-Key record: its unique (owner, key) only.
    assert _index_columns(IdempotencyRecord._meta.db_table) == {}


@pytest.mark.django_db(transaction=True)
def test_the_index_migration_goes_back_and_forth():
    executor = MigrationExecutor(connection)
    executor.migrate([("appeals", "0013_fewer_intake_indexes")])
    before = _index_columns()
    assert before["appeals_appeal_grid_id_666e15d6"] == ["grid_id"]
    assert before["appeal_status_resolved"] == ["status", "resolved_at"]
    assert "appeal_created_by" not in before
    assert _index_columns(IdempotencyRecord._meta.db_table)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("appeals"))
    assert _index_columns() == EXPECTED


def _plan(query) -> str:
    """The plan of `query`, PostgreSQL told not to scan the table (which a test's few rows
    would make cheaper than any index)."""
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f"EXPLAIN {sql}" if connection.vendor == "postgresql" else f"EXPLAIN QUERY PLAN {sql}",
            params,
        )
        return " ".join(str(row) for row in cursor.fetchall())


def test_the_rating_sweep_reads_the_partial_index(submit):
    # The sweep's query names the status the partial index holds, so the planner may use
    # it; both databases name it in their plan.
    cutoff = clock.now() - dt.timedelta(days=7)
    query = Appeal.objects.filter(status="resolved", resolved_at__lt=cutoff).order_by("resolved_at")
    assert "appeal_awaiting_rating" in _plan(query)


def test_the_follow_up_queue_reads_its_partial_index(submit):
    submit()
    assert "appeal_follow_up_due" in _plan(intake._follow_ups_due_query())
