"""`rollups_rebuild`: every fact and rollup recomputed from the appeals, set-based, into
shadow tables that are swapped in at the end (see rollups_rebuild). The live path is in
projection.py; tests hold the two to the same rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.db.models import Max

from jiaoliuba.appeals.models import Appeal, AppealEvent, Mediation
from jiaoliuba.core import clock
from jiaoliuba.dashboards.facts import APPEAL_FIELDS, appeal_facts_insert_sql, mediation_fact_values
from jiaoliuba.dashboards.models import (
    APPEAL_COUNTERS,
    BAND_COUNTERS,
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
    _insert,
    _locked_state,
    _unit_start,
    submitter_chains_refresh,
)
from jiaoliuba.regions.choices import LEVEL_ORDER, SEGMENT

SHADOW = "_shadow"
RETIRED = "_retired"  # SQLite: the tables swapped out, emptied in batches, then dropped
MODELS = (AppealFact, MediationFact, Rollup, MonthRollup)
DAY_INDEX = "dash_shadow_day"  # helps the month-by-month rollups; dropped before the swap
# The participation chains read facts by (submitter, day, appeal): the model's own index.
CHAIN_INDEX = "fact_submitter_chain"
SUBMITTER_BATCH = 500  # submitters per chain transaction (1,000 held the lock 33 s under load 13)


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

    What the swap holds the lock for is kept short. On PostgreSQL every index and
    foreign key is built on the shadow beforehand, and the swap only drops and renames
    (the foreign keys are validated afterwards, without blocking writers). SQLite cannot
    rename an index and reads every page of a table it drops, so there the swap only
    renames: the old tables become `*_retired`; then each index moves from the retired
    table to the new one, dropped and built in transactions of their own (a few seconds
    each at a million appeals, inside the busy timeout), and the retired tables are
    emptied in batches and dropped. Until an index exists, the dashboard reads that use
    it scan instead."""
    q = connection.ops.quote_name
    postgres = connection.vendor == "postgresql"
    ddl = {model: _shadow_ddl(model) for model in MODELS}
    for model in MODELS:
        _execute(f"DROP TABLE IF EXISTS {q(model._meta.db_table + SHADOW)}")
        _execute(f"DROP TABLE IF EXISTS {q(model._meta.db_table + RETIRED)}")  # a crash's
        for sql in ddl[model][0]:
            _execute(sql)
    began = clock.now()
    newest = AppealEvent.objects.aggregate(m=Max("id"))["m"] or 0
    fact_table = AppealFact._meta.db_table + SHADOW
    appeals = _shadow_facts(fact_table, MediationFact._meta.db_table + SHADOW)
    chain_index = CHAIN_INDEX + SHADOW
    _execute(f"CREATE INDEX {q(chain_index)} ON {q(fact_table)} (submitter_id, day, appeal_id)")
    _execute(f"CREATE INDEX {q(DAY_INDEX)} ON {q(fact_table)} (day)")
    _shadow_chains(fact_table)
    rows = _shadow_rollups(fact_table, MediationFact._meta.db_table + SHADOW)
    _execute(f"DROP INDEX {q(DAY_INDEX)}")
    after: list[str] = []  # built after the swap, one transaction each
    foreign_keys: list[tuple[str, str]] = []
    for model in MODELS:
        for sql in ddl[model][1]:
            if postgres:
                if f"{q(CHAIN_INDEX)} " not in sql:  # already there, as the helper
                    _execute(_on_shadow(model, sql))
            elif f"{q(CHAIN_INDEX)} " in sql:
                # First, so the catch-ups after the swap have it; the helper goes then.
                after[:0] = [sql, f"DROP INDEX {q(chain_index)}"]
            else:
                after.append(sql)
        if postgres:
            foreign_keys += _foreign_keys(ddl[model][1])
    _swap(newest, began)
    for sql in after:
        if sql.startswith("CREATE INDEX "):
            # The retired table still holds an index of this name: its own transaction.
            with transaction.atomic():
                _execute(f"DROP INDEX IF EXISTS {q(sql.split(chr(34))[1])}")
            _progress("indexes")
        with transaction.atomic():
            _execute(sql)
        _progress("indexes")
    if not postgres:
        for model in MODELS:
            _retire(model._meta.db_table + RETIRED)
    for table, name in foreign_keys:
        with transaction.atomic():
            _execute(f"ALTER TABLE {q(table)} VALIDATE CONSTRAINT {q(name)}")
    return {"appeals": appeals, "rollup_rows": rows}


def _swap(newest: int, began: dt.datetime) -> None:
    q = connection.ops.quote_name
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        state = _locked_state()  # no catch-up writes the old tables meanwhile
        if postgres:
            # Deferred foreign-key checks still pending on the old facts (an enclosing
            # transaction wrote them) would forbid dropping the table: run them now.
            _execute("SET CONSTRAINTS ALL IMMEDIATE")
        for model in MODELS:
            table = model._meta.db_table
            if postgres:
                _execute(f"DROP TABLE {q(table)}")  # the files go at commit: instant
            else:
                # Dropping reads every page of the table and its indexes (43 s for the
                # facts and rollups of a million appeals): the old table is renamed
                # here and emptied in short batches after the swap (_retire).
                _execute(f"ALTER TABLE {q(table)} RENAME TO {q(table + RETIRED)}")
            _execute(f"ALTER TABLE {q(table + SHADOW)} RENAME TO {q(table)}")
            if postgres:
                _rename_shadow_names(table)
        # Everything committed before the rebuild began is in; what changed since is
        # re-read from there by the next catch-up (refreshing a fact is idempotent).
        state.seen_id = state.safe_id = state.checkpoint_id = newest
        state.rebuilt_at = state.checkpoint_at = clock.now()
        state.as_of = began
        state.save()
        if postgres:
            _execute("SET CONSTRAINTS ALL DEFERRED")
    _progress("swapped")


RETIRE_BATCH = 50_000  # rows of a retired table deleted per transaction


def _retire(table: str) -> None:
    """Empty a retired table in short transactions, then drop what is left of it (SQLite:
    a DROP reads every page of the table, in one transaction)."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(rowid), MAX(rowid) FROM {q(table)}")  # noqa: S608
        low, high = cursor.fetchone()
    if low is not None:
        for start in range(low, high + 1, RETIRE_BATCH):
            with transaction.atomic():
                _execute(
                    f"DELETE FROM {q(table)} WHERE rowid >= %s AND rowid < %s",  # noqa: S608
                    [start, start + RETIRE_BATCH],
                )
            _progress("retire")
    with transaction.atomic():
        _execute(f"DROP TABLE {q(table)}")
    _progress("retire")


FACT_BATCH = 10_000  # appeals per INSERT … SELECT (20,000 held the lock 12 s under load 13)


def _shadow_facts(fact_table: str, mediation_table: str) -> int:
    """The facts, by the rules of facts.py written as one INSERT … SELECT per range of
    appeal ids (each its own transaction); mediations, a few per thousand appeals,
    through the Python rules."""
    sql, _count = appeal_facts_insert_sql(fact_table)
    mediation_fields = MediationFact._meta.concrete_fields
    appeals = 0
    low = 0
    while True:
        ids = Appeal.objects.filter(pk__gt=low).order_by("pk").values_list("pk", flat=True)
        edge = list(ids[FACT_BATCH - 1 : FACT_BATCH])
        if not edge:
            edge = [Appeal.objects.aggregate(m=Max("id"))["m"] or low]
        high = edge[0]
        if high <= low:
            break
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
                mediations.append(MediationFact(mediation_id=mediation.pk, **values))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [low, high, low, high])
            appeals += cursor.rowcount
            _insert(MediationFact, mediations, mediation_table, mediation_fields)
        low = high
        _progress("facts")
    return appeals


def _shadow_chains(fact_table: str) -> None:
    """Participation chains, a range of submitters per transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MIN(submitter_id), MAX(submitter_id) FROM {connection.ops.quote_name(fact_table)}"  # noqa: S608
        )
        low, high = cursor.fetchone()
    if low is None:
        return
    for start in range(low, high + 1, SUBMITTER_BATCH):
        with transaction.atomic():
            submitter_chains_refresh(
                None, table=fact_table, between=(start, start + SUBMITTER_BATCH)
            )
        _progress("chains")


def _shadow_rollups(fact_table: str, mediation_table: str) -> int:
    """Rollups as Σ facts: one INSERT … SELECT … GROUP BY per level of the region tree and
    month of days, so each statement (and on SQLite its write lock) stays short."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MIN(day), MAX(day) FROM (SELECT day FROM {q(fact_table)}"  # noqa: S608
            f" UNION ALL SELECT day FROM {q(mediation_table)}) d"
        )
        first, last = cursor.fetchone()
    if first is None:
        return 0
    first, last = (dt.date.fromisoformat(str(d)[:10]) for d in (first, last))
    months = []
    month = first.replace(day=1)
    while month <= last:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        months.append((month, following))
        month = following
    if connection.vendor == "postgresql":
        # Other writers do not wait for an INSERT into the shadow there: one pass per
        # level reads the facts once instead of once per month.
        months = [(first, last + dt.timedelta(days=1))]
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
    names = ", ".join(q(c) for c in COUNTERS)
    sums = ", ".join(f"SUM({q(c)})" for c in COUNTERS)
    day_table = q(Rollup._meta.db_table + SHADOW)
    month_of = _unit_start("month", "day")
    months_sql = (
        f"INSERT INTO {q(MonthRollup._meta.db_table + SHADOW)}"  # noqa: S608
        f" (path, day, category, level, {names})"
        f" SELECT path, {month_of}, category, level, {sums} FROM {day_table}"
        f" WHERE id > %s GROUP BY path, {month_of}, category, level"
    )
    rows = 0
    for depth in range(1, len(LEVEL_ORDER) + 1):
        width = depth * SEGMENT
        for start, end in months:
            sql = (
                f"INSERT INTO {q(Rollup._meta.db_table + SHADOW)}"  # noqa: S608
                f" (path, day, category, level, {names})"
                f" SELECT SUBSTR(path, 1, {width}), day, category, {depth}, {sums} FROM ("
                f" SELECT path, day, category, {appeal_columns} FROM {q(fact_table)}"
                f" WHERE day >= %s AND day < %s AND LENGTH(path) >= {width}"
                f" UNION ALL SELECT path, day, category, {mediation_columns}"
                f" FROM {q(mediation_table)}"
                f" WHERE day >= %s AND day < %s AND LENGTH(path) >= {width}"
                f") f GROUP BY SUBSTR(path, 1, {width}), day, category"
            )
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SELECT MAX(id) FROM {day_table}")  # noqa: S608
                low = cursor.fetchone()[0] or 0
                cursor.execute(sql, [start, end, start, end])
                rows += cursor.rowcount
                if depth <= MONTH_LEVELS:
                    # The month grain from the day rows just written (one level, a range
                    # of ids): a fraction of the rows, read once.
                    cursor.execute(months_sql, [low])
            _progress("rollups")
    return rows
