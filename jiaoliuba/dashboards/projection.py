"""Keeps AppealFact, MediationFact and Rollup in step with the appeal loop.

The appeal services append an AppealEvent for every change; this module reads the events
past its cursor, recomputes the facts of the appeals they name and applies the
difference to the rollups of every node on the appeal's path. Recomputing from the
appeal's present state makes applying an event twice harmless, which is what lets the
cursor be careful (below). Only the worker catches up (dashboard reads never write).
`rollups_rebuild` recomputes everything from the appeals into shadow tables and swaps
them in; tests hold the two to the same numbers.

PostgreSQL hands out event ids when rows are inserted, not when they commit, so a slow
transaction can commit id 100 after id 101 was read. A quick pass moves `seen_id` (cheap:
only what is new since the last pass); the periodic task re-reads everything after `safe_id`
and moves `safe_id` only past events older than SAFE_HORIZON, so such a straggler is
picked up on the next periodic run."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Max

from jiaoliuba.accounts.models import ResidentProfile
from jiaoliuba.appeals.models import Appeal, AppealEvent, Mediation, Rating
from jiaoliuba.core import clock
from jiaoliuba.dashboards.facts import (
    APPEAL_FIELDS,
    RATING_FIELDS,
    appeal_counters,
    appeal_fact_values,
    appeal_facts_insert_sql,
    mediation_fact_values,
)
from jiaoliuba.dashboards.models import (
    APPEAL_COUNTERS,
    BAND_COUNTERS,
    CALENDAR_UNITS,
    COUNTERS,
    MEDIATION_COUNTERS,
    RESPONSE_BAND_BOUNDS,
    AppealFact,
    MediationFact,
    ProjectionState,
    Rollup,
)
from jiaoliuba.regions.choices import LEVEL_ORDER, SEGMENT

STATE = "appeals"
SAFE_HORIZON = dt.timedelta(minutes=5)
BATCH = 2000

Key = tuple[str, Any, str]  # (path, day, category)


def _latest_ratings(appeal_ids: Iterable[int]) -> dict[int, Rating]:
    latest: dict[int, Rating] = {}
    # Rule 3: the latest rating counts. Ratings are ordered newest first.
    ratings = (
        Rating.objects.filter(appeal_id__in=list(appeal_ids))
        .only(*RATING_FIELDS)
        .order_by("appeal_id", "-created_at", "-id")
    )
    for rating in ratings:
        latest.setdefault(rating.appeal_id, rating)
    return latest


def _submitter_paths(appeals: Iterable[Appeal]) -> dict[int, str]:
    users = {a.submitter_id for a in appeals if a.submitter_id}
    return dict(
        ResidentProfile.objects.filter(user_id__in=users).values_list("user_id", "region_path")
    )


def _fact(appeal: Appeal, ratings: dict[int, Rating], homes: dict[int, str]) -> AppealFact:
    values = appeal_fact_values(
        appeal, ratings.get(appeal.pk), homes.get(appeal.submitter_id or 0, "")
    )
    return AppealFact(appeal_id=appeal.pk, **values)


def _ancestors(path: str) -> list[str]:
    return [path[:end] for end in range(SEGMENT, len(path) + 1, SEGMENT)]


INDEX = {name: i for i, name in enumerate(COUNTERS)}


def _add(deltas: dict[Key, list[int]], key: Key, counters: dict[str, int], sign: int) -> None:
    """Add (sign=+1) or take away (-1) one fact's counters at every node of its path."""
    path, day, category = key
    for node in _ancestors(path):
        row = deltas[(node, day, category)]
        for name, amount in counters.items():
            row[INDEX[name]] += sign * amount


def _appeal_key_counters(fact: AppealFact) -> tuple[Key, dict[str, int]]:
    values = {name: getattr(fact, name) for name in (*APPEAL_COUNTERS, "response_time")}
    return (fact.path, fact.day, fact.category), appeal_counters(values)


def _mediation_key_counters(fact: MediationFact) -> tuple[Key, dict[str, int]]:
    counters = {name: getattr(fact, name) for name in MEDIATION_COUNTERS}
    return (fact.path, fact.day, fact.category), counters


def _upsert_sql(rows: int, moving: list[int]) -> str:
    """INSERT … ON CONFLICT DO UPDATE adding the deltas to the rollup rows (both
    databases), so applying them reads nothing back. Only the counters that move are
    parameters and updated; the others go in as 0 for a new row and are left alone."""
    table = connection.ops.quote_name(Rollup._meta.db_table)
    q = connection.ops.quote_name
    columns = ["path", "day", "category", "level", *COUNTERS]
    moves = set(moving)
    marks = (
        "(%s, %s, %s, %s, "
        + ", ".join("%s" if i in moves else "0" for i in range(len(COUNTERS)))
        + ")"
    )
    sets = ", ".join(
        f"{q(COUNTERS[i])} = {table}.{q(COUNTERS[i])} + excluded.{q(COUNTERS[i])}" for i in moving
    )
    return (
        f"INSERT INTO {table} ({', '.join(q(c) for c in columns)}) "  # noqa: S608
        f"VALUES {', '.join([marks] * rows)} "
        f"ON CONFLICT (path, day, category) DO UPDATE SET {sets}"
    )


UPSERT_ROWS = 200  # × at most 70 parameters: under SQLite's and PostgreSQL's limits


def _apply(deltas: dict[Key, list[int]]) -> None:
    """Add the deltas to the rollups: only keys and counters that moved, one upsert per
    batch."""
    moved = [(key, delta) for key, delta in deltas.items() if any(delta)]
    with connection.cursor() as cursor:
        for start in range(0, len(moved), UPSERT_ROWS):
            batch = moved[start : start + UPSERT_ROWS]
            moving = [i for i in range(len(COUNTERS)) if any(d[i] for _, d in batch)]
            params: list[Any] = []
            for (path, day, category), delta in batch:
                params += [path, day, category, len(path) // SEGMENT, *(delta[i] for i in moving)]
            cursor.execute(_upsert_sql(len(batch), moving), params)


def facts_refresh(appeal_ids: Iterable[int]) -> None:
    """Recompute the facts of these appeals and move the rollups by the difference."""
    ids = sorted(set(appeal_ids))
    for start in range(0, len(ids), BATCH):
        _refresh_batch(ids[start : start + BATCH])


# What a fact's participation chain is computed from, and the columns computed (in SQL).
CHAIN_INPUTS = ("submitter_id", "day", "participates")
CHAIN_OUTPUTS = ("submitter_prev_day", *(f"first_in_{unit}" for unit in CALENDAR_UNITS))
APPEAL_FACT_COMPARED = tuple(
    f.attname for f in AppealFact._meta.concrete_fields if f.attname not in CHAIN_OUTPUTS
)
MEDIATION_FACT_COMPARED = tuple(f.attname for f in MediationFact._meta.concrete_fields)


def _differs(old: Any, new: Any, columns: tuple[str, ...]) -> bool:
    return any(getattr(old, c) != getattr(new, c) for c in columns)


def _insert(model: type[Any], objects: list[Any], table: str = "", fields: Any = None) -> None:
    """executemany of plain INSERTs: the ORM's bulk_create spends most of a catch-up
    compiling SQL for a hundred rows of seventy columns."""
    if not objects:
        return
    fields = fields or model._meta.concrete_fields
    q = connection.ops.quote_name
    sql = (
        f"INSERT INTO {q(table or model._meta.db_table)} ({', '.join(q(f.column) for f in fields)})"  # noqa: S608
        f" VALUES ({', '.join(['%s'] * len(fields))})"
    )
    rows = [
        [f.get_db_prep_save(getattr(o, f.attname), connection) for f in fields] for o in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _update(model: type[Any], pairs: list[tuple[Any, Any]], compared: tuple[str, ...]) -> None:
    """UPDATE only the columns that moved, one executemany per set of moved columns."""
    meta = model._meta
    key = meta.pk
    by_name = {f.attname: f for f in meta.concrete_fields}
    groups: dict[tuple[str, ...], list[Any]] = defaultdict(list)
    for old, new in pairs:
        moved = tuple(c for c in compared if getattr(old, c) != getattr(new, c))
        groups[moved].append(new)
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        for moved, objects in groups.items():
            fields = [by_name[c] for c in moved]
            sets = ", ".join(f"{q(f.column)} = %s" for f in fields)
            sql = f"UPDATE {q(meta.db_table)} SET {sets} WHERE {q(key.column)} = %s"  # noqa: S608
            cursor.executemany(
                sql,
                [
                    [*(f.get_db_prep_save(getattr(o, f.attname), connection) for f in fields), o.pk]
                    for o in objects
                ],
            )


def _refresh_batch(ids: list[int]) -> None:
    """Only facts that changed are written: most events (a note, an urge, a reply before
    the first response was counted) leave the appeal's fact as it was, and a re-read of
    events already applied (the worker's straggler pass) writes nothing at all."""
    deltas: dict[Key, list[int]] = defaultdict(lambda: [0] * len(COUNTERS))
    appeals = {a.pk: a for a in Appeal.objects.filter(pk__in=ids).only(*APPEAL_FIELDS)}
    ratings = _latest_ratings(ids)
    homes = _submitter_paths(appeals.values())
    old_facts = {f.appeal_id: f for f in AppealFact.objects.filter(appeal_id__in=ids)}
    new_facts = {i: _fact(appeals[i], ratings, homes) for i in ids if i in appeals}
    gone = [i for i in old_facts if i not in new_facts]
    inserted: list[AppealFact] = []
    updated: list[tuple[AppealFact, AppealFact]] = []
    chains: set[int] = set()
    for appeal_id, fact in new_facts.items():
        old = old_facts.get(appeal_id)
        if old is not None and not _differs(old, fact, APPEAL_FACT_COMPARED):
            continue
        if old is None or _differs(old, fact, CHAIN_INPUTS):
            # A new act or one that moved: insert afresh, the chain is recomputed below.
            chains.update(x.submitter_id for x in (old, fact) if x and x.submitter_id)
            inserted.append(fact)
        else:
            updated.append((old, fact))
        if old is not None:
            _add(deltas, *_appeal_key_counters(old), -1)
        _add(deltas, *_appeal_key_counters(fact), +1)
    for appeal_id in gone:
        old = old_facts[appeal_id]
        _add(deltas, *_appeal_key_counters(old), -1)
        if old.submitter_id:
            chains.add(old.submitter_id)
    replaced = [f.appeal_id for f in inserted if f.appeal_id in old_facts] + gone
    if replaced:
        AppealFact.objects.filter(appeal_id__in=replaced).delete()
    _insert(AppealFact, inserted)
    _update(AppealFact, updated, APPEAL_FACT_COMPARED)
    if chains:
        submitter_chains_refresh(sorted(chains))

    old_mediations = {m.mediation_id: m for m in MediationFact.objects.filter(appeal_id__in=ids)}
    new_mediations = {}
    for mediation in Mediation.objects.filter(appeal_id__in=ids, concluded_at__isnull=False):
        values = mediation_fact_values(mediation, appeals[mediation.appeal_id])
        if values is not None:
            new_mediations[mediation.pk] = MediationFact(mediation_id=mediation.pk, **values)
    stale = [
        pk
        for pk, old_mediation in old_mediations.items()
        if pk not in new_mediations
        or _differs(old_mediation, new_mediations[pk], MEDIATION_FACT_COMPARED)
    ]
    fresh = [m for pk, m in new_mediations.items() if pk not in old_mediations or pk in stale]
    for pk in stale:
        _add(deltas, *_mediation_key_counters(old_mediations[pk]), -1)
    for new_mediation in fresh:
        _add(deltas, *_mediation_key_counters(new_mediation), +1)
    if stale:
        MediationFact.objects.filter(mediation_id__in=stale).delete()
    _insert(MediationFact, fresh)
    _apply(deltas)


def _unit_start(unit: str, column: str) -> str:
    """SQL for the first day of the calendar unit holding the date in `column`."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('{unit}', {column}) AS date)"
    if unit == "week":  # the Monday on or before
        return f"date({column}, '-6 days', 'weekday 1')"
    if unit == "quarter":
        # %% because the statement always runs with parameters (see below).
        months = f"((CAST(strftime('%%m', {column}) AS integer) - 1) %% 3)"
        return f"date({column}, 'start of month', '-' || {months} || ' months')"
    return f"date({column}, 'start of {unit}')"


def submitter_chains_refresh(
    submitter_ids: list[int] | None, *, table: str = "", between: tuple[int, int] | None = None
) -> None:
    """Set each fact's submitter_prev_day (the day of the same submitter's previous
    participating appeal, ties broken by appeal id) and its first-in-week/month/quarter/year
    flags, for the given submitters or for all of them (rebuild). One window function
    over each submitter's facts in (day, appeal id) order, instead of a subquery per fact;
    only rows whose value moves are written."""
    # Only our own table and column names are formatted in; ids go in as parameters.
    table = connection.ops.quote_name(table or AppealFact._meta.db_table)
    where = "submitter_id IS NOT NULL"
    chain = (
        f"UPDATE {table} SET submitter_prev_day = w.prev FROM ("  # noqa: S608
        f" SELECT appeal_id, MAX(CASE WHEN participates = 1 THEN day END) OVER ("
        f" PARTITION BY submitter_id ORDER BY day, appeal_id"
        f" ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev"
        f" FROM {table} WHERE {where} {{only}}) w"
        f" WHERE {table}.appeal_id = w.appeal_id"
        f" AND {table}.submitter_prev_day IS DISTINCT FROM w.prev"
    )
    flags = {
        f"first_in_{unit}": f"CASE WHEN participates = 1 THEN (submitter_prev_day IS NULL"
        f" OR submitter_prev_day < {_unit_start(unit, 'day')}) END"
        for unit in CALENDAR_UNITS
    }
    sets = ", ".join(f"{column} = {value}" for column, value in flags.items())
    moved = " OR ".join(f"{column} IS DISTINCT FROM {value}" for column, value in flags.items())
    firsts = f"UPDATE {table} SET {sets} WHERE {where} {{only}} AND ({moved})"  # noqa: S608
    with connection.cursor() as cursor:
        if submitter_ids is None:
            # An empty parameter list, so the literal %% read the same way on both paths
            # and in the query log DEBUG keeps.
            only = "AND submitter_id >= %s AND submitter_id < %s" if between else ""
            cursor.execute(chain.format(only=only), list(between or []))
            cursor.execute(firsts.format(only=only), list(between or []))
            return
        for start in range(0, len(submitter_ids), 500):
            chunk = submitter_ids[start : start + 500]
            only = f"AND submitter_id IN ({', '.join(['%s'] * len(chunk))})"
            cursor.execute(chain.format(only=only), chunk)
            cursor.execute(firsts.format(only=only), chunk)


def _locked_state() -> ProjectionState:
    ProjectionState.objects.get_or_create(name=STATE)
    return ProjectionState.objects.select_for_update().get(name=STATE)


def rollups_catch_up(*, thorough: bool = False) -> int:
    """Apply the events the rollups have not seen; returns how many were read.
    `thorough` re-reads from `safe_id` (the periodic task); otherwise from `seen_id`."""
    began = clock.now()
    state = ProjectionState.objects.filter(name=STATE).first()
    start = 0 if state is None else (state.safe_id if thorough else state.seen_id)
    if not AppealEvent.objects.filter(id__gt=start).exists():
        # Nothing new: the rollups are current as of now, which dashboards show.
        if not ProjectionState.objects.filter(name=STATE).update(as_of=began):
            ProjectionState.objects.get_or_create(name=STATE, defaults={"as_of": began})
        return 0
    with transaction.atomic():
        state = _locked_state()
        state.as_of = began
        start = state.safe_id if thorough else state.seen_id
        read = 0
        while True:
            events = list(
                AppealEvent.objects.filter(id__gt=start)
                .order_by("id")
                .values_list("id", "appeal_id")[:BATCH]
            )
            if not events:
                break
            facts_refresh(appeal_id for _, appeal_id in events)
            read += len(events)
            start = events[-1][0]
        state.seen_id = max(state.seen_id, start)
        if thorough:
            _checkpoint(state, clock.now())
        state.save()
    return read


def _checkpoint(state: ProjectionState, now: dt.datetime) -> None:
    """After a full re-read from safe_id: a checkpoint older than SAFE_HORIZON has had
    every event up to it committed, and this pass applied them, so it becomes safe."""
    if state.checkpoint_at is not None and state.checkpoint_at > now - SAFE_HORIZON:
        return  # too recent to trust yet; keep it
    if state.checkpoint_at is not None:
        state.safe_id = max(state.safe_id, state.checkpoint_id)
    state.checkpoint_id, state.checkpoint_at = state.seen_id, now


SHADOW = "_shadow"
CHAIN_INDEX = "dash_shadow_chain"  # helps the batched chain pass; dropped at the swap
DAY_INDEX = "dash_shadow_day"  # helps the month-by-month rollups; dropped at the swap
SUBMITTER_BATCH = 2000


def _progress(phase: str) -> None:
    """Called between the rebuild's batches (each its own short transaction). A no-op;
    tests hook it to act while a rebuild is half-way."""


def _shadow_ddl(model: type[Any]) -> tuple[list[str], list[str]]:
    """(CREATE TABLE of the model's shadow, the model's own index statements). The shadow
    starts without secondary indexes, which makes filling it cheap; the model's indexes are
    created under their own names after the swap."""
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


def _rename_shadow_names(table: str) -> None:
    """PostgreSQL keeps the shadow's names on its constraints and identity sequence after
    the rename: give them the names a migration would have given."""
    shadow = table + SHADOW
    with connection.cursor() as cursor:
        cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass", [table])
        names = [row[0] for row in cursor.fetchall()]
        sequence = None
        if _model_of(table)._meta.pk.column == "id":  # Rollup's identity column
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
    q = connection.ops.quote_name
    for name in names:
        if name.startswith(shadow) or name.endswith(SHADOW):
            fixed = table + name[len(shadow) :] if name.startswith(shadow) else name[: -len(SHADOW)]
            _execute(f"ALTER TABLE {q(table)} RENAME CONSTRAINT {q(name)} TO {q(fixed)}")
    if sequence and shadow in sequence:
        _execute(f"ALTER SEQUENCE {sequence} RENAME TO {q(table + '_id_seq')}")


def _model_of(table: str) -> type[Any]:
    return next(m for m in (AppealFact, MediationFact, Rollup) if m._meta.db_table == table)


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
    the cursor goes back to where the rebuild began."""
    q = connection.ops.quote_name
    models = (AppealFact, MediationFact, Rollup)
    ddl = {model: _shadow_ddl(model) for model in models}
    for model in models:
        _execute(f"DROP TABLE IF EXISTS {q(model._meta.db_table + SHADOW)}")
        for sql in ddl[model][0]:
            _execute(sql)
    began = clock.now()
    newest = AppealEvent.objects.aggregate(m=Max("id"))["m"] or 0
    fact_table = AppealFact._meta.db_table + SHADOW
    appeals = _shadow_facts(fact_table, MediationFact._meta.db_table + SHADOW)
    _execute(f"CREATE INDEX {q(CHAIN_INDEX)} ON {q(fact_table)} (submitter_id, day, appeal_id)")
    _execute(f"CREATE INDEX {q(DAY_INDEX)} ON {q(fact_table)} (day)")
    _shadow_chains(fact_table)
    rows = _shadow_rollups(fact_table, MediationFact._meta.db_table + SHADOW)
    with transaction.atomic():
        state = _locked_state()  # no catch-up writes the old tables meanwhile
        postgres = connection.vendor == "postgresql"
        if postgres:
            # Deferred foreign-key checks still pending on the old facts (an enclosing
            # transaction wrote them) would forbid dropping the table: run them now.
            _execute("SET CONSTRAINTS ALL IMMEDIATE")
        _execute(f"DROP INDEX {q(CHAIN_INDEX)}")
        _execute(f"DROP INDEX {q(DAY_INDEX)}")
        for model in models:
            table = model._meta.db_table
            _execute(f"DROP TABLE {q(table)}")
            _execute(f"ALTER TABLE {q(table + SHADOW)} RENAME TO {q(table)}")
            if postgres:
                _rename_shadow_names(table)
            for sql in ddl[model][1]:
                _execute(sql)
        # Everything committed before the rebuild began is in; what changed since is
        # re-read from there by the next catch-up (refreshing a fact is idempotent).
        state.seen_id = state.safe_id = state.checkpoint_id = newest
        state.rebuilt_at = state.checkpoint_at = clock.now()
        state.as_of = began
        state.save()
        if postgres:
            _execute("SET CONSTRAINTS ALL DEFERRED")
    _progress("swapped")
    return {"appeals": appeals, "rollup_rows": rows}


FACT_BATCH = 20_000  # appeals per INSERT … SELECT: well under a second of write lock


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
                cursor.execute(sql, [start, end, start, end])
                rows += cursor.rowcount
            _progress("rollups")
    return rows
