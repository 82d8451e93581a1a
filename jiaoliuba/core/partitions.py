"""Monthly partitions on PostgreSQL (declarative, by RANGE on a time column), reached by an
explicit command (`jiaoliuba partition_tables`), never by the default migrations: SQLite
and a fresh `migrate` keep plain tables. See docs/scaling-db.md.

The tables are named in settings.PARTITIONED_TABLES ({"app.Model": time column}); core
never imports the apps, it finds the models through the app registry.

Moving an existing table (partition_table), while the application keeps writing:

1. A trigger on the live table notes the key of every row inserted, updated or deleted
   from now on in a side table (`<table>_part_changed`).
2. A partitioned twin (`<table>_part`) is created LIKE the live table (columns, defaults,
   identity, checks), with the primary key (key, time column), the live table's other
   indexes and outgoing foreign keys (added while it is empty: checking them reads
   nothing), and monthly partitions from the oldest row to MONTHS_AHEAD months from now.
3. The rows are copied in batches of BATCH keys, each its own short transaction.
4. One short transaction locks the live table, copies again the rows the trigger noted
   (deleted ones are removed), carries the identity sequence on, and swaps the names; the
   old table stays as `<table>_unpartitioned` (or is dropped with drop_old).

Running it on a table that is already partitioned only creates missing months ahead.
There is no DEFAULT partition: rows carry the time they were written (clock.now()), the
periodic task partitions_create_ahead keeps MONTHS_AHEAD months ready, and a DEFAULT
partition holding rows would block creating the partition of their month (they would
have to be moved out first, under lock). A row outside every partition is refused with
an error instead of being hidden there.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.db import OperationalError, connection, models, transaction

logger = logging.getLogger(__name__)

MONTHS_AHEAD = 3
BATCH = 20_000  # rows per copying transaction
NEW = "_part"
OLD = "_unpartitioned"
CHANGED = "_part_changed"
INDEX_NEW = "_pt"  # suffix of the twin's index names until the swap
INDEX_OLD = "_up"  # suffix of the old table's index names after the swap
SWAP_LOCK_TIMEOUT = "2s"
SWAP_TRIES = 30


class PartitionError(Exception):
    """The table cannot be partitioned as it is (the message says why); nothing changed."""


@dataclass
class Spec:
    model: type[models.Model]
    column: str  # the time column partitioned on

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def key(self) -> str:
        return self.model._meta.pk.column

    @property
    def dates(self) -> bool:
        """A date column (bounds are days) rather than a timestamp (bounds are instants)."""
        field_ = next(f for f in self.model._meta.concrete_fields if f.column == self.column)
        return not isinstance(field_, models.DateTimeField)


@dataclass
class Report:
    table: str
    partitioned_now: bool = False  # False: it already was, only months ahead were added
    rows: int = 0
    partitions_created: list[str] = field(default_factory=list)
    old_table: str = ""
    swap_seconds: float = 0.0  # the last transaction, which holds the live table's lock


def specs() -> list[Spec]:
    return [
        Spec(apps.get_model(label), column)
        for label, column in getattr(settings, "PARTITIONED_TABLES", {}).items()
    ]


def supported() -> bool:
    return connection.vendor == "postgresql"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _execute(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _one(sql: str, params: list[Any] | None = None) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def _all(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def is_partitioned(table: str) -> bool:
    if not supported():
        return False
    return bool(
        _one("SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s)", [table])
    )


def _exists(table: str) -> bool:
    return _one("SELECT to_regclass(%s) IS NOT NULL", [table]) is True


# Months -------------------------------------------------------------------------------


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _month(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.astimezone(_zone()).date()
    return value.replace(day=1)


def _next(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def _add_months(month: dt.date, count: int) -> dt.date:
    for _ in range(count):
        month = _next(month)
    return month


def _bound(spec: Spec, month: dt.date) -> str:
    """The literal a partition bound is written with (DDL takes no parameters): a day, or
    local midnight of the month's first day with its UTC offset."""
    if spec.dates:
        return f"'{month.isoformat()}'"
    start = dt.datetime(month.year, month.month, 1, tzinfo=_zone())
    return f"'{start.isoformat()}'"


def partition_name(table: str, month: dt.date) -> str:
    return f"{table}_p{month.year:04d}_{month.month:02d}"


def partitions_ensure(
    spec: Spec,
    parent: str,
    first: dt.date,
    last: dt.date,
    *,
    prefix: str | None = None,
    options: list[str] | None = None,
) -> list[str]:
    """Monthly partitions of `parent` from month `first` to month `last` (both included),
    named `<prefix>_pYYYY_MM` (the table's name by default), with the storage options
    given (by default those of the parent's newest partition: a fillfactor, say); returns
    the names of those created (existing ones are left alone)."""
    if options is None:
        newest = _all(
            "SELECT c.reloptions FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = %s::regclass ORDER BY c.relname DESC LIMIT 1",
            [parent],
        )
        options = list(newest[0][0] or []) if newest else []
    storage = f" WITH ({', '.join(options)})" if options else ""
    created = []
    month = _month(first)
    while month <= _month(last):
        name = partition_name(prefix or spec.table, month)
        if not _exists(name):
            _execute(
                f"CREATE TABLE {_q(name)} PARTITION OF {_q(parent)}"
                f" FOR VALUES FROM ({_bound(spec, month)}) TO ({_bound(spec, _next(month))})"
                f"{storage}"
            )
            created.append(name)
        month = _next(month)
    return created


def reloptions(table: str) -> list[str]:
    """A table's storage options (["fillfactor=85"]): partitions get them one by one, a
    partitioned table holds none itself."""
    return list(_one("SELECT reloptions FROM pg_class WHERE oid = %s::regclass", [table]) or [])


def partition_months(table: str) -> list[dt.date]:
    """The months of a partitioned table's partitions, from their names."""
    months = []
    for (name,) in _all(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE i.inhparent = %s::regclass",
        [table],
    ):
        year, _, month = name.rpartition("_p")[2].partition("_")
        if year.isdigit() and month.isdigit():
            months.append(dt.date(int(year), int(month), 1))
    return sorted(months)


def rename_partitions(table: str, old_prefix: str) -> None:
    """`<old_prefix>_pYYYY_MM` partitions of `table` take the names `<table>_pYYYY_MM`
    (a rebuilt table's shadow partitions, after the swap)."""
    for (name,) in _all(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE i.inhparent = %s::regclass AND c.relname LIKE %s",
        [table, f"{old_prefix}\\_p%"],
    ):
        _execute(f"ALTER TABLE {_q(name)} RENAME TO {_q(table + name[len(old_prefix) :])}")


def create_partitioned_like(
    spec: Spec,
    target: str,
    first: dt.date,
    last: dt.date,
    *,
    pkey: str,
    prefix: str,
    options: list[str],
    identity: bool = True,
) -> list[str]:
    """An empty partitioned table `target` LIKE the live table (columns, defaults, checks,
    identity), keyed (key, time column) under the name `pkey`, with monthly partitions
    from `first` to `last` and the live table's outgoing foreign keys (added while it is
    empty, so checking them reads nothing: NOT VALID is refused on a partitioned table
    before PostgreSQL 18). Secondary indexes are the caller's."""
    table = spec.table
    including = "INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING STORAGE"
    if identity:
        including += " INCLUDING IDENTITY"
    _execute(
        f"CREATE TABLE {_q(target)} (LIKE {_q(table)} {including} INCLUDING COMMENTS)"
        f" PARTITION BY RANGE ({_q(spec.column)})"
    )
    _execute(
        f"ALTER TABLE {_q(target)} ADD CONSTRAINT {_q(pkey)}"
        f" PRIMARY KEY ({_q(spec.key)}, {_q(spec.column)})"
    )
    created = partitions_ensure(spec, target, first, last, prefix=prefix, options=options)
    for name, definition in _all(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        [table],
    ):
        _execute(f"ALTER TABLE {_q(target)} ADD CONSTRAINT {_q(name)} {definition}")
    return created


def spec_of(model: type[models.Model]) -> Spec | None:
    return next((spec for spec in specs() if spec.model is model), None)


def _this_month() -> dt.date:
    # Not core.clock: the months ahead follow the real calendar, not a test's clock.
    return _month(dt.datetime.now(dt.UTC))


def partitions_create_ahead(months: int = MONTHS_AHEAD) -> list[str]:
    """This month and `months` months after it, for every partitioned table (the periodic
    task). Nothing on SQLite, or for a table not partitioned yet."""
    created: list[str] = []
    if not supported():
        return created
    start = _this_month()
    for spec in specs():
        if is_partitioned(spec.table):
            with transaction.atomic():
                created += partitions_ensure(spec, spec.table, start, _add_months(start, months))
    for name in created:
        logger.info("created partition %s", name)
    return created


# Moving a table -------------------------------------------------------------------------


def _check(spec: Spec) -> None:
    table = spec.table
    incoming = _all(
        "SELECT conrelid::regclass::text, conname FROM pg_constraint"
        " WHERE contype = 'f' AND confrelid = %s::regclass AND conrelid <> confrelid",
        [table],
    )
    if incoming:
        # A foreign key to a partitioned table must name its whole primary key, time
        # column included; none of ours points at these tables, so refuse rather than guess.
        names = ", ".join(f"{t}.{n}" for t, n in incoming)
        raise PartitionError(f"{table}: foreign keys point to it ({names}); not partitioned")
    uniques = _all(
        "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
        " WHERE i.indrelid = %s::regclass AND i.indisunique AND NOT i.indisprimary",
        [table],
    )
    if uniques:
        names = ", ".join(row[0] for row in uniques)
        raise PartitionError(f"{table}: unique indexes without the time column ({names})")
    pk = _all(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a"
        " ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
        " WHERE i.indrelid = %s::regclass AND i.indisprimary",
        [table],
    )
    if [row[0] for row in pk] != [spec.key]:
        raise PartitionError(f"{table}: primary key is not ({spec.key})")


def _cleanup(spec: Spec) -> None:
    """What a run stopped half-way left: the twin (with its partitions), the trigger."""
    table = spec.table
    _execute(f"DROP TRIGGER IF EXISTS {_q(table + CHANGED)} ON {_q(table)}")
    _execute(f"DROP FUNCTION IF EXISTS {_q(table + CHANGED)}()")
    _execute(f"DROP TABLE IF EXISTS {_q(table + CHANGED)}")
    _execute(f"DROP TABLE IF EXISTS {_q(table + NEW)}")


def _start_noting(spec: Spec) -> None:
    table, key, changed = spec.table, spec.key, spec.table + CHANGED
    _execute(f"CREATE UNLOGGED TABLE {_q(changed)} (key bigint NOT NULL)")
    _execute(
        f"CREATE FUNCTION {_q(changed)}() RETURNS trigger LANGUAGE plpgsql AS $$"  # noqa: S608
        f" BEGIN"
        f" IF TG_OP = 'DELETE' THEN INSERT INTO {_q(changed)} VALUES (OLD.{_q(key)});"
        f" ELSE INSERT INTO {_q(changed)} VALUES (NEW.{_q(key)});"
        f" IF TG_OP = 'UPDATE' AND OLD.{_q(key)} <> NEW.{_q(key)} THEN"
        f" INSERT INTO {_q(changed)} VALUES (OLD.{_q(key)}); END IF;"
        f" END IF; RETURN NULL; END $$"
    )
    _execute(
        f"CREATE TRIGGER {_q(changed)} AFTER INSERT OR UPDATE OR DELETE ON {_q(table)}"
        f" FOR EACH ROW EXECUTE FUNCTION {_q(changed)}()"
    )


def _index_statements(spec: Spec) -> list[tuple[str, str]]:
    """(name, CREATE INDEX on the twin under a temporary name) of each index of the live
    table but its primary key."""
    table = spec.table
    rows = _all(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i"
        " JOIN pg_class c ON c.oid = i.indexrelid"
        " WHERE i.indrelid = %s::regclass AND NOT i.indisprimary ORDER BY c.relname",
        [table],
    )
    statements = []
    for name, definition in rows:
        tail = definition.split(" USING ", 1)[1]
        statements.append(
            (
                name,
                f"CREATE INDEX {_q(_renamed(name, INDEX_NEW))} ON {_q(table + NEW)} USING {tail}",
            )
        )
    return statements


def _rename_set(
    table: str,
    to: str,
    pkey: str,
    pkey_to: str,
    indexes: list[tuple[str, str]],
    sequence: str | None,
    sequence_to: str,
) -> None:
    """Rename a table with its primary key, indexes and id sequence (one side of the swap)."""
    _execute(f"ALTER TABLE {_q(table)} RENAME TO {_q(to)}")
    _execute(f"ALTER TABLE {_q(to)} RENAME CONSTRAINT {_q(pkey)} TO {_q(pkey_to)}")
    for name, name_to in indexes:
        _execute(f"ALTER INDEX {_q(name)} RENAME TO {_q(name_to)}")
    if sequence:
        _execute(f"ALTER SEQUENCE {sequence} RENAME TO {_q(sequence_to)}")


def _renamed(name: str, suffix: str) -> str:
    return name[: 63 - len(suffix)] + suffix


def _create_twin(spec: Spec, first: dt.date, last: dt.date) -> list[str]:
    table, new = spec.table, spec.table + NEW
    created = create_partitioned_like(
        spec,
        new,
        first,
        last,
        pkey=new + "_pkey",
        prefix=table,
        options=reloptions(table),
    )
    for _name, sql in _index_statements(spec):
        _execute(sql)
    return created


def _copy(spec: Spec, top: int) -> int:
    table, new, key = _q(spec.table), _q(spec.table + NEW), _q(spec.key)
    copied = 0
    low = _one(f"SELECT MIN({key}) - 1 FROM {table}")  # noqa: S608
    if low is None:
        return 0
    while low < top:
        edge = _one(
            f"SELECT {key} FROM {table} WHERE {key} > %s AND {key} <= %s"  # noqa: S608
            f" ORDER BY {key} OFFSET %s LIMIT 1",
            [low, top, BATCH - 1],
        )
        high = edge if edge is not None else top
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {new} SELECT * FROM {table}"  # noqa: S608
                f" WHERE {key} > %s AND {key} <= %s",
                [low, high],
            )
            copied += cursor.rowcount
        low = high
    return copied


def _swap_once(spec: Spec, drop_old: bool) -> None:
    table, new, old, changed = spec.table, spec.table + NEW, spec.table + OLD, spec.table + CHANGED
    key = _q(spec.key)
    with transaction.atomic():
        _execute(f"SET LOCAL lock_timeout = '{SWAP_LOCK_TIMEOUT}'")
        # Deferred foreign-key checks pending on the table (an enclosing transaction wrote
        # it) forbid renaming it: run them now, and defer again at the end.
        _execute("SET CONSTRAINTS ALL IMMEDIATE")
        _execute(f"LOCK TABLE {_q(table)} IN ACCESS EXCLUSIVE MODE")
        if not _one(
            "SELECT 1 FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname = %s",
            [table, changed],
        ):
            # Replaced meanwhile (a rollups rebuild swaps the facts in): what changed in
            # the new table was never noted, so the copy cannot be trusted.
            raise PartitionError(f"{table} was replaced while it was copied; run again")
        # Months of rows written meanwhile (a clock far ahead, say) exist before the copy.
        low, high = _all(
            f"SELECT MIN({_q(spec.column)}), MAX({_q(spec.column)}) FROM {_q(table)}"  # noqa: S608
            f" WHERE {key} IN (SELECT key FROM {_q(changed)})"
        )[0]
        if low is not None:
            partitions_ensure(spec, new, low, high)
        _execute(f"DELETE FROM {_q(new)} WHERE {key} IN (SELECT key FROM {_q(changed)})")  # noqa: S608
        _execute(
            f"INSERT INTO {_q(new)} SELECT * FROM {_q(table)}"  # noqa: S608
            f" WHERE {key} IN (SELECT key FROM {_q(changed)})"
        )
        _execute(f"DROP TRIGGER {_q(changed)} ON {_q(table)}")
        _execute(f"DROP FUNCTION {_q(changed)}()")
        _execute(f"DROP TABLE {_q(changed)}")
        old_sequence = _one("SELECT pg_get_serial_sequence(%s, %s)", [table, spec.key])
        new_sequence = _one("SELECT pg_get_serial_sequence(%s, %s)", [new, spec.key])
        if old_sequence and new_sequence:
            value, called = _all(f"SELECT last_value, is_called FROM {old_sequence}")[0]  # noqa: S608
            _execute("SELECT setval(%s, %s, %s)", [new_sequence, value, called])
        pkey = _one(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
            [table],
        )
        indexes = [name for name, _sql in _index_statements(spec)]
        # The old table, its key, indexes and sequence step aside under new names, and
        # without its foreign keys: kept rows must not stop an appeal or a user from
        # being deleted (the privacy purge) …
        for (name,) in _all(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        ):
            _execute(f"ALTER TABLE {_q(table)} DROP CONSTRAINT {_q(name)}")
        _rename_set(
            table,
            old,
            pkey,
            old + "_pkey",
            [(n, _renamed(n, INDEX_OLD)) for n in indexes],
            old_sequence,
            old + "_" + spec.key + "_seq",
        )
        # … and the partitioned twin takes the names a migration gave.
        _rename_set(
            new,
            table,
            new + "_pkey",
            pkey,
            [(_renamed(n, INDEX_NEW), n) for n in indexes],
            new_sequence,
            table + "_" + spec.key + "_seq",
        )
        if drop_old:
            _execute(f"DROP TABLE {_q(old)}")
        _execute("SET CONSTRAINTS ALL DEFERRED")


def _retrying(spec: Spec, step: Callable[[], None]) -> None:
    """`step` (one transaction that sets a lock_timeout), tried again while a lock on the
    live table is not granted in time: writers wait behind our lock request, so it is
    never left queued for long."""
    for attempt in range(SWAP_TRIES):
        try:
            step()
        except OperationalError as error:
            timed_out = getattr(error.__cause__, "sqlstate", None) == "55P03"
            if not timed_out or attempt == SWAP_TRIES - 1:
                raise
            logger.info("partitioning %s: the lock is busy, trying again", spec.table)
            time.sleep(0.2 * (attempt + 1))
            continue
        return


def _swap(spec: Spec, drop_old: bool) -> None:
    _retrying(spec, lambda: _swap_once(spec, drop_old))


def _start_noting_once(spec: Spec) -> None:
    with transaction.atomic():
        _execute(f"SET LOCAL lock_timeout = '{SWAP_LOCK_TIMEOUT}'")
        _start_noting(spec)  # waits for the writers of the moment, then notes every change


def partition_table(
    spec: Spec, *, months_ahead: int = MONTHS_AHEAD, drop_old: bool = False
) -> Report:
    """Move one live table into a partitioned one (see the module's docstring); on a table
    already partitioned, only the months ahead are created."""
    if not supported():
        raise PartitionError("partitioning needs PostgreSQL")
    table = spec.table
    report = Report(table=table)
    ahead = _add_months(_this_month(), months_ahead)
    if is_partitioned(table):
        with transaction.atomic():
            report.partitions_created = partitions_ensure(spec, table, _this_month(), ahead)
        return report
    if _exists(table + OLD):
        raise PartitionError(f"{table + OLD} exists (a previous run's): drop or rename it first")
    _check(spec)
    with transaction.atomic():
        _cleanup(spec)
    _retrying(spec, lambda: _start_noting_once(spec))
    column, key = _q(spec.column), _q(spec.key)
    first, last, top = _all(
        f"SELECT MIN({column}), MAX({column}), MAX({key}) FROM {_q(table)}"  # noqa: S608
    )[0]
    start = _month(first) if first is not None else _this_month()
    end = max(ahead, _month(last)) if last is not None else ahead
    try:
        with transaction.atomic():
            report.partitions_created = _create_twin(spec, start, end)
        report.rows = _copy(spec, top or 0)
        started = time.monotonic()
        _swap(spec, drop_old)
        report.swap_seconds = time.monotonic() - started
    except BaseException:
        with transaction.atomic():
            _cleanup(spec)
        raise
    _execute(f"ANALYZE {_q(table)}")
    report.partitioned_now = True
    report.old_table = "" if drop_old else table + OLD
    return report


def partition_tables(*, months_ahead: int = MONTHS_AHEAD, drop_old: bool = False) -> list[Report]:
    return [partition_table(spec, months_ahead=months_ahead, drop_old=drop_old) for spec in specs()]
