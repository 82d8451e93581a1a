"""`rollups_rebuild`: every fact and rollup recomputed from the appeals, set-based, into
shadow tables that are swapped in at the end (see rollups_rebuild). The live path is in
projection.py; tests hold the two to the same rows."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db import OperationalError, connection, transaction
from django.db.models import Max, Q

from jiaoliuba.appeals.models import Appeal, AppealEvent, Mediation
from jiaoliuba.core import clock, partitions
from jiaoliuba.dashboards.facts import (
    APPEAL_FIELDS,
    appeal_chain_inputs_sql,
    appeal_facts_insert_sql,
    mediation_fact_values,
)
from jiaoliuba.dashboards.models import (
    APPEAL_COUNTERS,
    BAND_COUNTERS,
    CALENDAR_UNITS,
    COUNTERS,
    MEDIATION_COUNTERS,
    MONTH_LEVELS,
    RESPONSE_BAND_BOUNDS,
    AppealFact,
    MediationFact,
    MonthRollup,
    Rollup,
)
from jiaoliuba.dashboards.projection import (
    SAFE_HORIZON,
    _insert,
    _locked_state,
    _unit_start,
    submitter_chains_refresh,
)
from jiaoliuba.dashboards.sqlite_schema import sqlite_rename_indexes
from jiaoliuba.regions.choices import LEVEL_ORDER, SEGMENT

SHADOW = "_shadow"
RETIRED = "_retired"  # SQLite tables an earlier version swapped out: dropped if left
MODELS = (AppealFact, MediationFact, Rollup, MonthRollup)
DAY_INDEX = "dash_shadow_day"  # the month-by-month rollups; dropped before the swap
# The catch-ups' participation chains read facts by (submitter, day, appeal): built first.
CHAIN_INDEX = "fact_submitter_chain"


def _progress(phase: str) -> None:
    """Called between the rebuild's batches (each its own short transaction). A no-op;
    tests hook it to act while a rebuild is half-way."""


def _shadow_ddl(model: type[Any]) -> tuple[list[str], list[str]]:
    """(CREATE TABLE of the model's shadow, the model's own index and foreign-key
    statements, as a migration writes them). The shadow starts without secondary indexes,
    which makes filling it cheap."""
    table = model._meta.db_table
    # Not entered as a context manager: nothing runs, the statements are only collected
    # (and SQLite's editor refuses to enter inside a transaction).
    editor = connection.schema_editor(collect_sql=True)
    editor.deferred_sql = []
    editor.create_model(model)
    create = list(editor.collected_sql)
    deferred = [str(statement) for statement in editor.deferred_sql]
    q = connection.ops.quote_name
    create = [sql.replace(q(table), q(table + SHADOW)) for sql in create]
    if connection.vendor == "postgresql":  # constraint names are per schema there
        for name in _constraint_names(model):
            create = [sql.replace(q(name), q(name + SHADOW)) for sql in create]
    return create, deferred


def _on_shadow(model: type[Any], sql: str) -> str:
    """A deferred statement of the model rewritten for its shadow (PostgreSQL): an index
    under a shadow name, renamed at the swap; a foreign key under its own name (those
    are per table) and NOT VALID, so adding it reads nothing and locks no referenced
    table for long; it is validated after the swap without blocking writers."""
    q = connection.ops.quote_name
    table = model._meta.db_table
    sql = sql.replace(f"ON {q(table)} ", f"ON {q(table + SHADOW)} ")
    sql = sql.replace(f"ALTER TABLE {q(table)} ", f"ALTER TABLE {q(table + SHADOW)} ")
    if sql.startswith("CREATE INDEX "):
        name = sql.split('"')[1]
        return sql.replace(q(name), q(name + SHADOW), 1)
    return sql + " NOT VALID"


def _foreign_keys(deferred: list[str]) -> list[tuple[str, str]]:
    """(table, constraint) of each foreign key among a model's deferred statements."""
    keys = []
    for sql in deferred:
        if " FOREIGN KEY " in sql:
            parts = sql.split('"')
            keys.append((parts[1], parts[3]))
    return keys


def _rename_shadow_names(table: str) -> None:
    """PostgreSQL keeps the shadow's names on its constraints, indexes and identity
    sequence after the rename: give them the names a migration would have given."""
    shadow = table + SHADOW
    with connection.cursor() as cursor:
        cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass", [table])
        names = [row[0] for row in cursor.fetchall()]
        sequence = None
        if _model_of(table)._meta.pk.column == "id":  # the rollups' identity column
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
    q = connection.ops.quote_name
    for name in names:
        if name.startswith(shadow) or name.endswith(SHADOW):
            fixed = table + name[len(shadow) :] if name.startswith(shadow) else name[: -len(SHADOW)]
            _execute(f"ALTER TABLE {q(table)} RENAME CONSTRAINT {q(name)} TO {q(fixed)}")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexname LIKE %s",
            [table, f"%{SHADOW}"],
        )
        indexes = [row[0] for row in cursor.fetchall()]
    for name in indexes:
        _execute(f"ALTER INDEX {q(name)} RENAME TO {q(name[: -len(SHADOW)])}")
    if sequence and shadow in sequence:
        _execute(f"ALTER SEQUENCE {sequence} RENAME TO {q(table + '_id_seq')}")


def _model_of(table: str) -> type[Any]:
    return next(m for m in MODELS if m._meta.db_table == table)


def _constraint_names(model: type[Any]) -> list[str]:
    return [c.name for c in model._meta.constraints]


def _execute(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def rollups_rebuild() -> dict[str, int]:
    """Recompute every fact and rollup from the appeals into shadow tables, in batches
    that each commit on their own (so intake, sign-in, the worker and dashboards go on
    meanwhile: on SQLite no write lock is held for long), and swap them in at the end in
    one short transaction. Appeals that change meanwhile are caught up after the swap:
    the cursor goes back to where the rebuild began.

    Each row is written once: the participation chains are worked out first, in one
    window-function statement into a temporary table (_shadow_chains), so each fact goes
    in whole; each level of the rollups is summed from the level below it (a grid's rows
    from the facts), not from the facts again.

    What the swap holds the lock for is kept short. On PostgreSQL every index and
    foreign key is built on the shadow beforehand, and the swap only drops and renames
    (the foreign keys are validated afterwards, without blocking writers). On SQLite an
    index build is one write transaction as long as the table (20 s at a million
    appeals under load): there the shadow's indexes exist from the start, so every batch
    keeps them up to date in its own short transaction, and the swap drops the old
    tables and renames the shadows and their indexes (sqlite_schema.sqlite_rename_indexes)."""
    q = connection.ops.quote_name
    postgres = connection.vendor == "postgresql"
    ddl = {model: _shadow_ddl(model) for model in MODELS}
    fact_table = AppealFact._meta.db_table + SHADOW
    mediation_table = MediationFact._meta.db_table + SHADOW
    # Facts partitioned by month (`jiaoliuba partition_tables`): the shadow is too.
    partitioned = _partitioned_facts()
    with _bulk_session():
        for model in MODELS:
            _execute(f"DROP TABLE IF EXISTS {q(model._meta.db_table + SHADOW)}")
            _execute(f"DROP TABLE IF EXISTS {q(model._meta.db_table + RETIRED)}")  # a crash's
            if partitioned and model is AppealFact:
                _partitioned_shadow(partitioned)
                continue
            for sql in ddl[model][0]:
                _execute(sql)
            percent = PG_FILLFACTOR.get(model._meta.db_table)
            if postgres and percent:
                _execute(
                    f"ALTER TABLE {q(model._meta.db_table + SHADOW)} SET (fillfactor = {percent})"
                )
            if not postgres:
                for sql in ddl[model][1]:  # SQLite: indexes only (foreign keys are inline)
                    _execute(_on_shadow(model, sql))
        _progress("shadow tables")
        began = clock.now()
        newest = AppealEvent.objects.aggregate(m=Max("id"))["m"] or 0
        top = Appeal.objects.aggregate(m=Max("id"))["m"] or 0
        try:
            _shadow_chains(top)
            if partitioned:
                _shadow_months(partitioned)
            _progress("chain pass")
            appeals = _shadow_facts(fact_table, mediation_table, top)
            _chains_touched(fact_table, newest, began)
        finally:
            _execute(f"DROP TABLE IF EXISTS {q(CHAINS)}")
        if postgres:
            if partitioned:
                _settle()
            _execute(f"CREATE INDEX {q(DAY_INDEX)} ON {q(fact_table)} (day)")
            _progress("day index")
        rows = _shadow_rollups(fact_table, mediation_table)
        if postgres:
            _execute(f"DROP INDEX {q(DAY_INDEX)}")
        foreign_keys: list[tuple[str, str]] = []
        if postgres:
            if partitioned:
                _settle()
            for model in MODELS:
                for sql in ddl[model][1]:
                    if partitioned and model is AppealFact and " FOREIGN KEY " in sql:
                        continue  # added with the partitioned shadow, checked as it filled
                    _execute(_on_shadow(model, sql))
                    _progress("shadow index")
                if not (partitioned and model is AppealFact):
                    foreign_keys += _foreign_keys(ddl[model][1])
            # Fresh tables have no statistics, and autovacuum may be minutes away: the
            # dashboards' first plans after the swap need them.
            for model in MODELS:
                _execute(f"ANALYZE {q(model._meta.db_table + SHADOW)}")
            _progress("analyze")
        _swap(newest, began)
        for table, name in foreign_keys:
            with transaction.atomic():
                _execute(f"ALTER TABLE {q(table)} VALIDATE CONSTRAINT {q(name)}")
    return {"appeals": appeals, "rollup_rows": rows}


def _settle() -> None:
    """Foreign-key checks of the partitioned shadow's rows still pending (an enclosing
    transaction wrote them; the batches commit each their own otherwise) forbid indexing
    it: run them now."""
    _execute("SET CONSTRAINTS ALL IMMEDIATE")
    _execute("SET CONSTRAINTS ALL DEFERRED")


def _partitioned_facts() -> partitions.Spec | None:
    """The facts' partitioning (PostgreSQL, once partition_tables ran), or None."""
    if connection.vendor != "postgresql":
        return None
    if not partitions.is_partitioned(AppealFact._meta.db_table):
        return None
    return partitions.spec_of(AppealFact) or partitions.Spec(AppealFact, "day")


def _partitioned_shadow(spec: partitions.Spec) -> None:
    """The facts' shadow, partitioned like the live table: the same months (and those
    ahead), the live table's foreign keys and each partition's fillfactor; the months of
    older appeals are added once the chains know their days (_shadow_months)."""
    table = spec.table
    months = partitions.partition_months(table)
    this_month = partitions._this_month()
    ahead = partitions._add_months(this_month, partitions.MONTHS_AHEAD)
    percent = PG_FILLFACTOR.get(table)
    partitions.create_partitioned_like(
        spec,
        table + SHADOW,
        min([*months, this_month]),
        max([*months, ahead]),
        pkey=table + SHADOW + "_pkey",
        prefix=table + SHADOW,
        options=[f"fillfactor={percent}"] if percent else [],
        identity=False,
    )


def _shadow_months(spec: partitions.Spec) -> None:
    """Partitions of the shadow for every day an appeal was received on (_shadow_chains
    holds them all): a fact outside every month would be refused."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(day), MAX(day) FROM {q(CHAINS)}")  # noqa: S608
        first, last = cursor.fetchone()
    if first is not None:
        table = spec.table + SHADOW
        partitions.partitions_ensure(spec, table, first, last, prefix=table)


# PostgreSQL: room left on each page (percent filled) so the worker's counter updates are
# HOT (the new row version on the same page, no new index entries); month rows move with
# every event. The same as migration 0010 sets on the tables a migration created.
PG_FILLFACTOR = {
    AppealFact._meta.db_table: 85,
    Rollup._meta.db_table: 85,
    MonthRollup._meta.db_table: 70,
}

# Per connection, for the rebuild only: SQLite's default page cache is 2 MB, which makes
# every GROUP BY of a million rows spill to temporary files; and the shadow's indexes,
# kept by every batch, are written out each time the cache overflows (1 GB holds the
# facts, rollups and their indexes of a million appeals; freed when the rebuild ends).
SQLITE_CACHE_KIB = 1024 * 1024
PG_WORK_MEM = "256MB"  # the default 4 MB makes the per-level GROUP BY spill to disk


@contextlib.contextmanager
def _bulk_session() -> Iterator[None]:
    """Settings of this connection while it rebuilds, put back afterwards. On SQLite also
    `secure_delete` off: Debian's SQLite overwrites every freed page with zeros, which
    made dropping the retired tables write their whole size again (43 s at a million
    appeals); what they hold is derived and lives on in the new tables."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET work_mem = '{PG_WORK_MEM}'")
            cursor.execute(f"SET maintenance_work_mem = '{PG_WORK_MEM}'")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET work_mem")
                cursor.execute("RESET maintenance_work_mem")
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        cache = cursor.fetchone()[0]
        # The temporary tables (chains, rollups) have a cache of their own.
        cursor.execute("PRAGMA temp.cache_size")
        temp_cache = cursor.fetchone()[0]
        cursor.execute("PRAGMA secure_delete")
        secure = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        cursor.execute(f"PRAGMA temp.cache_size = -{SQLITE_CACHE_KIB}")
        cursor.execute("PRAGMA secure_delete = 0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(cache)}")
            cursor.execute(f"PRAGMA temp.cache_size = {int(temp_cache)}")
            cursor.execute(f"PRAGMA secure_delete = {int(secure)}")


# PostgreSQL: dropping the old facts drops their foreign-key triggers on appeals and users,
# which takes those tables' strongest lock; an intake committing meanwhile (its deferred
# foreign-key checks) can wait on the swap while the swap waits on it. The swap gives up
# after this long on any one lock, before the deadlock check (1 s) could pick the intake
# as its victim, and tries again.
SWAP_LOCK_TIMEOUT = "200ms"
SWAP_TRIES = 50


def _swap(newest: int, began: dt.datetime) -> None:
    for attempt in range(SWAP_TRIES):
        try:
            _swap_once(newest, began)
        except OperationalError as error:
            timed_out = getattr(error.__cause__, "sqlstate", None) == "55P03"
            if not timed_out or attempt == SWAP_TRIES - 1:
                raise
            time.sleep(0.1 * (attempt + 1))
            continue
        _progress("swapped")
        return


def _swap_once(newest: int, began: dt.datetime) -> None:
    q = connection.ops.quote_name
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        state = _locked_state()  # no catch-up writes the old tables meanwhile
        if postgres:
            _execute(f"SET LOCAL lock_timeout = '{SWAP_LOCK_TIMEOUT}'")
            # Deferred foreign-key checks still pending on the old facts (an enclosing
            # transaction wrote them) would forbid dropping the table: run them now.
            _execute("SET CONSTRAINTS ALL IMMEDIATE")
        for model in MODELS:
            table = model._meta.db_table
            # PostgreSQL frees the files at commit; SQLite with secure_delete off only
            # moves the pages to the free list (it once spent 43 s writing zeros).
            _execute(f"DROP TABLE {q(table)}")
            _execute(f"ALTER TABLE {q(table + SHADOW)} RENAME TO {q(table)}")
            if postgres:
                _rename_shadow_names(table)
                if partitions.is_partitioned(table):
                    partitions.rename_partitions(table, table + SHADOW)
        if not postgres:
            sqlite_rename_indexes(SHADOW)
        # Everything committed before the rebuild began is in; what changed since is
        # re-read from there by the next catch-up (refreshing a fact is idempotent).
        state.seen_id = state.safe_id = state.checkpoint_id = newest
        state.rebuilt_at = state.checkpoint_at = clock.now()
        state.as_of = began
        state.save()
        if postgres:
            _execute("SET CONSTRAINTS ALL DEFERRED")


# Appeals per INSERT … SELECT (20,000 held the lock 12 s under load 13; 15,000 saved no
# measurable CPU over 10,000 at a million appeals and held it up to 9 s under load 11–17).
FACT_BATCH = 10_000


def _shadow_facts(fact_table: str, mediation_table: str, top: int) -> int:
    """The facts, by the rules of facts.py written as one INSERT … SELECT per range of
    appeal ids up to `top` (each its own transaction), with the chain columns from
    _shadow_chains; mediations, a few per thousand appeals, through the Python rules.
    Appeals after `top` are new to the chains: the catch-up after the swap adds them."""
    sql, count = appeal_facts_insert_sql(fact_table, chains=CHAINS)
    mediation_fields = MediationFact._meta.concrete_fields
    appeals = 0
    low = 0
    while low < top:
        ids = (
            Appeal.objects.filter(pk__gt=low, pk__lte=top)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        edge = list(ids[FACT_BATCH - 1 : FACT_BATCH])
        high = edge[0] if edge else top
        by_id = {
            a.pk: a
            for a in Appeal.objects.filter(
                pk__in=Mediation.objects.filter(
                    appeal_id__gt=low, appeal_id__lte=high, concluded_at__isnull=False
                ).values("appeal_id")
            ).only(*APPEAL_FIELDS)
        }
        mediations = []
        for mediation in Mediation.objects.filter(appeal_id__in=by_id, concluded_at__isnull=False):
            values = mediation_fact_values(mediation, by_id[mediation.appeal_id])
            if values is not None:
                mediations.append({"mediation_id": mediation.pk, **values})
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [low, high] * (count // 2))
            appeals += cursor.rowcount
            _insert(MediationFact, mediations, mediation_table, mediation_fields)
        low = high
        _progress("facts")
    return appeals


CHAINS = "dash_rebuild_chains"  # a temporary table: this connection's own, no lock on others
CHAIN_TYPES = {
    "appeal_id": "bigint PRIMARY KEY",
    "submitter_id": "bigint",
    "day": "date",
    "participates": "smallint",
    "submitter_prev_day": "date",
    **{f"first_in_{unit}": "boolean" for unit in CALENDAR_UNITS},
}


def _shadow_chains(top: int) -> int:
    """Every submitter's participation chain (the window function of
    submitter_chains_refresh, the live path), in one statement over the appeals up to
    `top` into a temporary table the facts are then written with. Updating the facts
    afterwards instead rewrote a million rows scattered over the table (the largest
    part of the rebuild once); working the chains out in Python took a quarter of it."""
    q = connection.ops.quote_name
    types = dict(CHAIN_TYPES)
    if connection.vendor != "postgresql":
        types["appeal_id"] = "integer PRIMARY KEY"  # the rowid itself: no second index
    columns = ", ".join(f"{q(c)} {t}" for c, t in types.items())
    _execute(f"DROP TABLE IF EXISTS {q(CHAINS)}")
    _execute(f"CREATE TEMPORARY TABLE {q(CHAINS)} ({columns})")
    flags = ", ".join(
        f"CASE WHEN participates = 1 THEN (prev IS NULL OR prev < {_unit_start(unit, 'day')}) END"
        for unit in CALENDAR_UNITS
    )
    with connection.cursor() as cursor:
        # A temporary table takes no lock on the database (SQLite): nobody waits for this.
        cursor.execute(
            f"INSERT INTO {q(CHAINS)} ({', '.join(q(c) for c in CHAIN_TYPES)})"  # noqa: S608
            f" SELECT appeal_id, submitter_id, day, participates, prev, {flags} FROM ("
            " SELECT appeal_id, submitter_id, day, participates,"
            " MAX(CASE WHEN participates = 1 THEN day END) OVER ("
            " PARTITION BY submitter_id ORDER BY day, appeal_id"
            " ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev"
            f" FROM ({appeal_chain_inputs_sql()}) i) w",
            [top],
        )
        rows = cursor.rowcount
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {q(CHAINS)}")  # autovacuum never sees temporary tables
    return rows


def _chains_touched(fact_table: str, newest: int, began: dt.datetime) -> None:
    """An appeal that changed between the chains' read and its facts' batch was written
    with a chain worked out from its state before: the chains of its submitters (before
    and after) are worked out again, on the shadow, from the facts as written. Changes
    are events; those after `newest`, or begun shortly before the rebuild (on PostgreSQL a
    transaction may commit an older event id late, see projection), are looked at."""
    q = connection.ops.quote_name
    changed = AppealEvent.objects.filter(
        Q(id__gt=newest) | Q(created_at__gte=began - SAFE_HORIZON)
    ).values_list("appeal_id", flat=True)
    ids = sorted(set(changed))
    if not ids:
        return
    submitters: set[int] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            for table in (fact_table, CHAINS):
                cursor.execute(
                    f"SELECT submitter_id FROM {q(table)}"  # noqa: S608
                    f" WHERE appeal_id IN ({marks}) AND submitter_id IS NOT NULL",
                    chunk,
                )
                submitters.update(row[0] for row in cursor.fetchall())
    if submitters:
        with transaction.atomic():
            submitter_chains_refresh(sorted(submitters), table=fact_table)
        _progress("chains")


def _shadow_rollups(fact_table: str, mediation_table: str) -> int:
    """Rollups by level, each summed from the level below: a grid's rows from the facts,
    a community's from its grids' rows (plus the facts placed at the community itself,
    if any), and so on up to the city; the month grain of each level from its day rows.
    PostgreSQL: a month of days at a time, one statement per level (one pass over all
    the days spilled to disk). SQLite: _sqlite_rollups."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MIN(day), MAX(day) FROM (SELECT day FROM {q(fact_table)}"  # noqa: S608
            f" UNION ALL SELECT day FROM {q(mediation_table)}) d"
        )
        first, last = cursor.fetchone()
    if first is None:
        return 0
    if connection.vendor != "postgresql":
        return _sqlite_rollups(fact_table, mediation_table)
    first, last = (dt.date.fromisoformat(str(d)[:10]) for d in (first, last))
    months = []
    month = first.replace(day=1)
    while month <= last:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        months.append((month, following))
        month = following
    appeal_columns, mediation_columns = _fact_counter_columns()
    names = ", ".join(q(c) for c in COUNTERS)
    sums = ", ".join(f"SUM({q(c)})" for c in COUNTERS)
    day_table = q(Rollup._meta.db_table + SHADOW)
    month_of = _unit_start("month", "day")
    deepest = len(LEVEL_ORDER)

    def facts(condition: str) -> str:
        """Every fact of the days in range (two parameters, twice) whose path is as
        `condition` says, with its counters."""
        return (
            f"SELECT path, day, category, {appeal_columns} FROM {q(fact_table)}"  # noqa: S608
            f" WHERE day >= %s AND day < %s AND {condition}"
            f" UNION ALL SELECT path, day, category, {mediation_columns}"
            f" FROM {q(mediation_table)} WHERE day >= %s AND day < %s AND {condition}"
        )

    def insert(table: str, key: str, depth: int, source: str) -> str:
        return (
            f"INSERT INTO {table} (path, day, category, level, {names})"  # noqa: S608
            f" SELECT {key}, {depth}, {sums} FROM ({source}) f GROUP BY {key}"
        )

    own = q(OWN)
    _execute(f"DROP TABLE IF EXISTS {own}")
    _execute(
        f"CREATE TEMPORARY TABLE {own} (path varchar(64), day date, category varchar(32),"
        f" {', '.join(f'{q(c)} bigint' for c in COUNTERS)})"
    )
    rows = 0
    month_table = q(MonthRollup._meta.db_table + SHADOW)
    try:
        for month_start, month_end in months:
            written: dict[int, list[int]] = defaultdict(list)  # level: id ranges of its rows
            span = [month_start, month_end, month_start, month_end]
            with transaction.atomic(), connection.cursor() as cursor:
                # Facts placed above a grid (a community's own appeal, say), summed
                # where they are: each level above adds its own to its children's sums.
                cursor.execute(f"DELETE FROM {own}")  # noqa: S608
                cursor.execute(
                    f"INSERT INTO {own} (path, day, category, {names})"  # noqa: S608
                    f" SELECT path, day, category, {sums}"
                    f" FROM ({facts(f'LENGTH(path) < {deepest * SEGMENT}')}) f"
                    " GROUP BY path, day, category",
                    span,
                )
                below = _last_id(cursor, day_table)
                width = deepest * SEGMENT
                cursor.execute(
                    insert(
                        day_table,
                        f"SUBSTR(path, 1, {width}), day, category",
                        deepest,
                        facts(f"LENGTH(path) >= {width}"),
                    ),
                    span,
                )
                rows += cursor.rowcount
                top = _last_id(cursor, day_table)
            _progress("rollups")
            for depth in range(deepest - 1, 0, -1):
                width = depth * SEGMENT
                with transaction.atomic(), connection.cursor() as cursor:
                    source = (
                        f"SELECT path, day, category, {names} FROM {day_table}"  # noqa: S608
                        f" WHERE id > %s AND id <= %s UNION ALL"
                        f" SELECT path, day, category, {names} FROM {own}"
                        f" WHERE LENGTH(path) = {width}"
                    )
                    cursor.execute(
                        insert(
                            day_table,
                            f"SUBSTR(path, 1, {width}), day, category",
                            depth,
                            source,
                        ),
                        [below, top],
                    )
                    rows += cursor.rowcount
                    below, top = top, _last_id(cursor, day_table)
                    written[depth] += [below, top]
                _progress("rollups")
            for depth, ranges in written.items():
                if depth > MONTH_LEVELS:
                    continue
                # The month grain of this level from its day rows just written.
                source = " UNION ALL ".join(
                    [
                        f"SELECT path, day, category, {names} FROM {day_table}"  # noqa: S608
                        " WHERE id > %s AND id <= %s"
                    ]
                    * (len(ranges) // 2)
                )
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(
                        insert(month_table, f"path, {month_of}, category", depth, source), ranges
                    )
                _progress("rollups")
    finally:
        _execute(f"DROP TABLE IF EXISTS {own}")
    return rows


def _fact_counter_columns() -> tuple[str, str]:
    """The counters a rollup sums, as columns of the appeal facts (the response-band
    flags computed from response_time) and of the mediation facts (zeros where a kind
    of fact has no such counter)."""
    q = connection.ops.quote_name
    bands = []
    for index, name in enumerate(BAND_COUNTERS):
        low = RESPONSE_BAND_BOUNDS[index - 1] if index else 0
        condition = f"response_time >= {low}"
        if index < len(RESPONSE_BAND_BOUNDS):
            condition += f" AND response_time < {RESPONSE_BAND_BOUNDS[index]}"
        bands.append(f"CASE WHEN {condition} THEN 1 ELSE 0 END AS {q(name)}")
    appeal_columns = ", ".join(
        [*(q(c) for c in APPEAL_COUNTERS), *(f"0 AS {q(c)}" for c in MEDIATION_COUNTERS), *bands]
    )
    mediation_columns = ", ".join(
        [
            *(f"0 AS {q(c)}" for c in APPEAL_COUNTERS),
            *(q(c) for c in MEDIATION_COUNTERS),
            *(f"0 AS {q(c)}" for c in BAND_COUNTERS),
        ]
    )
    return appeal_columns, mediation_columns


def _sqlite_rollups(fact_table: str, mediation_table: str) -> int:
    """SQLite: every level (and the month grain) summed first into temporary tables,
    which take no lock on the database, each level from the one below as on PostgreSQL;
    then copied into the shadow tables in key order, ROLLUP_COPY_ROWS rows per write
    transaction. Written in key order, each page of the shadow's indexes is written by
    one or two transactions; filled a few days at a time instead, every transaction wrote
    a little into every page of them (most of the rollups' 47 s of CPU at a million
    appeals)."""
    q = connection.ops.quote_name
    appeal_columns, mediation_columns = _fact_counter_columns()
    names = ", ".join(q(c) for c in COUNTERS)
    sums = ", ".join(f"SUM({q(c)})" for c in COUNTERS)
    deepest = len(LEVEL_ORDER)
    grid = deepest * SEGMENT
    key = "path, day, category"
    columns = ", ".join(f"{q(c)} bigint" for c in COUNTERS)
    level_table = {depth: f"{LEVEL_TEMP}{depth}" for depth in range(1, deepest + 1)}
    temps = [OWN, MONTHS_TEMP, *level_table.values()]

    def facts(condition: str, node: str) -> str:
        """Every fact whose path is as `condition` says, summed by (node, day, category)
        in key order."""
        return (
            f"SELECT {node} AS path, day, category, {sums} FROM ("  # noqa: S608
            f"SELECT path, day, category, {appeal_columns} FROM {q(fact_table)}"
            f" WHERE {condition} UNION ALL SELECT path, day, category, {mediation_columns}"
            f" FROM {q(mediation_table)} WHERE {condition}) f"
            f" GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        )

    rows = 0
    try:
        for table in temps:
            _execute(f"DROP TABLE IF EXISTS {q(table)}")
            extra = ", level smallint" if table == MONTHS_TEMP else ""
            _execute(
                f"CREATE TEMPORARY TABLE {q(table)} (path varchar(64), day date,"
                f" category varchar(32){extra}, {columns})"
            )
        # Temporary tables only: this connection's own, nobody waits on these statements.
        _execute(
            f"INSERT INTO {q(level_table[deepest])} ({key}, {names}) "
            + facts(f"LENGTH(path) >= {grid}", f"SUBSTR(path, 1, {grid})")
        )
        # Facts placed above a grid (a community's own appeal, say), summed where they
        # are: each level above adds its own to its children's sums.
        _execute(
            f"INSERT INTO {q(OWN)} ({key}, {names}) " + facts(f"LENGTH(path) < {grid}", "path")
        )
        for depth in range(deepest - 1, 0, -1):
            width = depth * SEGMENT
            _execute(
                f"INSERT INTO {q(level_table[depth])} ({key}, {names})"  # noqa: S608
                f" SELECT SUBSTR(path, 1, {width}), day, category, {sums} FROM ("
                f"SELECT {key}, {names} FROM {q(level_table[depth + 1])} UNION ALL"
                f" SELECT {key}, {names} FROM {q(OWN)} WHERE LENGTH(path) = {width}) f"
                " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
            )
        month_of = _unit_start("month", "day")
        for depth in range(1, MONTH_LEVELS + 1):
            _execute(
                f"INSERT INTO {q(MONTHS_TEMP)} ({key}, level, {names})"  # noqa: S608
                f" SELECT path, {month_of}, category, {depth}, {sums}"
                f" FROM {q(level_table[depth])} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
            )
        copies = [(Rollup, level_table[depth], str(depth)) for depth in range(1, deepest + 1)] + [
            (MonthRollup, MONTHS_TEMP, "level")
        ]
        for model, source, level in copies:
            target = q(model._meta.db_table + SHADOW)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT MAX(rowid) FROM {q(source)}")  # noqa: S608
                count = cursor.fetchone()[0] or 0
            for low in range(0, count, ROLLUP_COPY_ROWS):
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(
                        f"INSERT INTO {target} ({key}, level, {names})"  # noqa: S608
                        f" SELECT {key}, {level}, {names} FROM {q(source)}"
                        " WHERE rowid > %s AND rowid <= %s ORDER BY rowid",
                        [low, low + ROLLUP_COPY_ROWS],
                    )
                    if model is Rollup:
                        rows += cursor.rowcount
                _progress("rollups")
    finally:
        for table in temps:
            _execute(f"DROP TABLE IF EXISTS {q(table)}")
    return rows


# SQLite: rollup rows copied per write transaction (in key order: the indexes grow at
# their ends); PostgreSQL writes a month at a time (no lock on anyone).
ROLLUP_COPY_ROWS = 50_000
LEVEL_TEMP = "dash_rebuild_level"  # temporary, SQLite: one level's day rows, in key order
MONTHS_TEMP = "dash_rebuild_months"  # temporary, SQLite: the month rows of every level
OWN = "dash_rebuild_own"  # temporary: the facts above grid level, summed where they are


def _last_id(cursor: Any, table: str) -> int:
    cursor.execute(f"SELECT MAX(id) FROM {table}")  # noqa: S608
    return cursor.fetchone()[0] or 0
