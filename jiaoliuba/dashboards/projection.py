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

from django.db import connection, models, transaction

from jiaoliuba.accounts.models import ResidentProfile
from jiaoliuba.appeals.models import Appeal, AppealEvent, Mediation, Rating
from jiaoliuba.core import clock
from jiaoliuba.dashboards.facts import (
    APPEAL_FIELDS,
    CHAIN_COLUMNS,
    AppealRow,
    RatingRow,
    appeal_counters,
    appeal_fact_values,
    mediation_fact_values,
)
from jiaoliuba.dashboards.models import (
    CALENDAR_UNITS,
    COUNTERS,
    MEDIATION_COUNTERS,
    MONTH_LEVELS,
    AppealFact,
    MediationFact,
    MonthRollup,
    ProjectionState,
    Rollup,
)
from jiaoliuba.regions.choices import SEGMENT

STATE = "appeals"
SAFE_HORIZON = dt.timedelta(minutes=5)
BATCH = 2000

Key = tuple[str, Any, str]  # (path, day, category)


Row = dict[str, Any]  # one fact's columns by attname, as read or as computed
Changes = dict[int, int]  # counter index -> amount, only those that are not 0


def _latest_ratings(appeal_ids: list[int]) -> dict[int, RatingRow]:
    latest: dict[int, RatingRow] = {}
    # Rule 3: the latest rating counts. Ratings are ordered newest first.
    ratings = (
        Rating.objects.filter(appeal_id__in=appeal_ids)
        .order_by("appeal_id", "-created_at", "-id")
        .values_list("appeal_id", "level", "solved")
    )
    for appeal_id, level, solved in ratings:
        if appeal_id not in latest:
            latest[appeal_id] = RatingRow(level, solved)
    return latest


def _submitter_paths(appeals: Iterable[AppealRow]) -> dict[int, str]:
    users = {a.submitter_id for a in appeals if a.submitter_id}
    return dict(
        ResidentProfile.objects.filter(user_id__in=users).values_list("user_id", "region_path")
    )


# Every column of a fact, with the value a model instance would default it to: the
# catch-up compares and writes plain dicts (building a hundred model instances of forty
# fields, twice, was a good part of a catch-up's Python time).
APPEAL_FACT_FIELDS = tuple(AppealFact._meta.concrete_fields)
APPEAL_FACT_COLUMNS = tuple(f.attname for f in APPEAL_FACT_FIELDS)
APPEAL_FACT_DEFAULTS = {
    f.attname: f.get_default() for f in APPEAL_FACT_FIELDS if f.attname != "appeal_id"
}
MEDIATION_FACT_COLUMNS = tuple(f.attname for f in MediationFact._meta.concrete_fields)
MEDIATION_FACT_DEFAULTS = {f.attname: f.get_default() for f in MediationFact._meta.concrete_fields}


def _fact(appeal: AppealRow, ratings: dict[int, RatingRow], homes: dict[int, str]) -> Row:
    values = appeal_fact_values(
        appeal, ratings.get(appeal.id), homes.get(appeal.submitter_id or 0, "")
    )
    return {"appeal_id": appeal.id, **APPEAL_FACT_DEFAULTS, **values}


INDEX = {name: i for i, name in enumerate(COUNTERS)}
MONTH_PATH = MONTH_LEVELS * SEGMENT  # month rows: paths up to the community


def _add(deltas: dict[Key, list[int]], key: Key, counters: dict[str, int], sign: int) -> None:
    """Add (sign=+1) or take away (-1) one fact's counters at every node of its path
    (bench/catch_up.py puts its city back with it)."""
    _move(deltas, None, key, {INDEX[name]: sign * amount for name, amount in counters.items()})


def _move(
    days: dict[Key, list[int]], months: dict[Key, list[int]] | None, key: Key, changes: Changes
) -> None:
    """Move the day rows (and, given `months`, the month rows) of every node on the key's
    path by these changes."""
    if not changes:
        return
    path, day, category = key
    month = day.replace(day=1)
    items = list(changes.items())
    for end in range(SEGMENT, len(path) + 1, SEGMENT):
        node = path[:end]
        row = days[(node, day, category)]
        for i, amount in items:
            row[i] += amount
        if months is not None and end <= MONTH_PATH:
            row = months[(node, month, category)]
            for i, amount in items:
                row[i] += amount


def _appeal_key_counters(fact: Any) -> tuple[Key, dict[str, int]]:
    """(key, counters) of a fact, a model instance or a Row."""
    row = fact if isinstance(fact, dict) else {n: getattr(fact, n) for n in APPEAL_FACT_COLUMNS}
    return (row["path"], row["day"], row["category"]), appeal_counters(row)


def _appeal_changes(fact: Row) -> tuple[Key, Changes]:
    counters = appeal_counters(fact)
    return (fact["path"], fact["day"], fact["category"]), {
        INDEX[name]: amount for name, amount in counters.items() if amount
    }


def _mediation_changes(fact: Row) -> tuple[Key, Changes]:
    return (fact["path"], fact["day"], fact["category"]), {
        INDEX[name]: fact[name] for name in MEDIATION_COUNTERS if fact[name]
    }


def _replace(
    days: dict[Key, list[int]],
    months: dict[Key, list[int]],
    old: tuple[Key, Changes] | None,
    new: tuple[Key, Changes] | None,
) -> None:
    """Take one fact's old counters away and add its new ones; at the same key only the
    difference moves (usually one or two counters at five nodes)."""
    if old is not None and new is not None and old[0] == new[0]:
        key, changes = new[0], dict(new[1])
        for i, amount in old[1].items():
            changes[i] = changes.get(i, 0) - amount
        _move(days, months, key, {i: a for i, a in changes.items() if a})
        return
    if old is not None:
        _move(days, months, old[0], {i: -a for i, a in old[1].items()})
    if new is not None:
        _move(days, months, new[0], new[1])


def _upsert_sql(table: str, rows: int, moving: list[int]) -> str:
    """INSERT … ON CONFLICT DO UPDATE adding the deltas to the rollup rows, so applying
    them reads nothing back. Only the counters that move are parameters and updated; the
    others go in as 0 for a new row and are left alone. PostgreSQL gets one array per
    column (one statement, a short plan, whatever the number of rows); SQLite a VALUES
    list per batch of rows."""
    q = connection.ops.quote_name
    table = q(table)
    columns = ["path", "day", "category", "level", *COUNTERS]
    moves = set(moving)
    sets = ", ".join(
        f"{q(COUNTERS[i])} = {table}.{q(COUNTERS[i])} + excluded.{q(COUNTERS[i])}" for i in moving
    )
    if connection.vendor == "postgresql":
        arrays = ["%s::varchar[]", "%s::date[]", "%s::varchar[]", "%s::smallint[]"]
        arrays += [f"%s::{_PG_TYPES[i]}[]" for i in moving]
        names = ["p", "d", "c", "l", *(f"m{i}" for i in moving)]
        values = ", ".join(
            [
                "u.p",
                "u.d",
                "u.c",
                "u.l",
                *(f"u.m{i}" if i in moves else "0" for i in range(len(COUNTERS))),
            ]
        )
        source = f"SELECT {values} FROM unnest({', '.join(arrays)}) AS u({', '.join(names)})"  # noqa: S608
    else:
        # Only the moving counters are parameters, written tersely, and the zeros once in
        # the SELECT: Django turns every %s into ? with a regular expression over the whole
        # statement, which took longer than SQLite's upsert of the 200 rows it listed.
        marks = "(" + ",".join(["%s"] * (4 + len(moving))) + ")"
        column = {i: f"column{5 + n}" for n, i in enumerate(moving)}
        values = ", ".join(
            ["column1", "column2", "column3", "column4"]
            + [column.get(i, "0") for i in range(len(COUNTERS))]
        )
        # WHERE true: SQLite's parser needs it between a SELECT and ON CONFLICT.
        source = f"SELECT {values} FROM (VALUES {','.join([marks] * rows)}) WHERE true"  # noqa: S608
    return (
        f"INSERT INTO {table} ({', '.join(q(c) for c in columns)}) {source} "
        f"ON CONFLICT (path, day, category) DO UPDATE SET {sets}"
    )


_PG_TYPES = ["bigint" if name == "response_seconds" else "integer" for name in COUNTERS]
UPSERT_ROWS = 200  # SQLite: × at most 70 parameters, under its limit


def _pg_array(values: list[Any], *, text: bool = False) -> str:
    """A PostgreSQL array literal, cast in the statement: psycopg would otherwise adapt
    the lists element by element, which took longer than the upsert itself."""
    if text:
        items = ('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
        return "{" + ",".join(items) + "}"
    return "{" + ",".join(str(v) for v in values) + "}"


def _by_month(deltas: dict[Key, list[int]]) -> dict[Key, list[int]]:
    """The day deltas summed per month, city to community: what the month grain moves
    by."""
    months: dict[Key, list[int]] = defaultdict(lambda: [0] * len(COUNTERS))
    for (path, day, category), delta in deltas.items():
        if len(path) > MONTH_LEVELS * SEGMENT:
            continue
        row = months[(path, day.replace(day=1), category)]
        for i, amount in enumerate(delta):
            if amount:
                row[i] += amount
    return months


def _apply(deltas: dict[Key, list[int]], months: dict[Key, list[int]] | None = None) -> None:
    """Add the deltas to the day and the month rollups (summed from the day deltas unless
    given): only keys and counters that moved."""
    if months is None:
        months = _by_month(deltas)
    for model, grain in ((Rollup, deltas), (MonthRollup, months)):
        moved = [(key, delta) for key, delta in grain.items() if any(delta)]
        if moved:
            _upsert(model._meta.db_table, moved)


def _upsert(table: str, moved: list[tuple[Key, list[int]]]) -> None:
    postgres = connection.vendor == "postgresql"
    size = len(moved) if postgres else UPSERT_ROWS
    with connection.cursor() as cursor:
        for start in range(0, len(moved), size):
            batch = moved[start : start + size]
            # The counters that move in this batch: the columns of the deltas, transposed.
            columns = list(zip(*(delta for _, delta in batch), strict=True))
            moving = [i for i, column in enumerate(columns) if any(column)]
            if postgres:
                params: list[Any] = [
                    _pg_array([key[0] for key, _ in batch], text=True),
                    _pg_array([key[1] for key, _ in batch]),
                    _pg_array([key[2] for key, _ in batch], text=True),
                    _pg_array([len(key[0]) // SEGMENT for key, _ in batch]),
                    *(_pg_array(list(columns[i])) for i in moving),
                ]
            else:
                params = []
                for (path, day, category), delta in batch:
                    params += [path, day, category, len(path) // SEGMENT]
                    params += [delta[i] for i in moving]
            cursor.execute(_upsert_sql(table, len(batch), moving), params)


def facts_refresh(appeal_ids: Iterable[int]) -> None:
    """Recompute the facts of these appeals and move the rollups by the difference."""
    ids = sorted(set(appeal_ids))
    for start in range(0, len(ids), BATCH):
        _refresh_batch(ids[start : start + BATCH])


# What a fact's participation chain is computed from, and the columns computed (in SQL).
CHAIN_INPUTS = ("submitter_id", "day", "participates")
CHAIN_OUTPUTS = CHAIN_COLUMNS
APPEAL_FACT_COMPARED = tuple(
    f.attname for f in AppealFact._meta.concrete_fields if f.attname not in CHAIN_OUTPUTS
)
MEDIATION_FACT_COMPARED = tuple(f.attname for f in MediationFact._meta.concrete_fields)


def _differs(old: Row, new: Row, columns: tuple[str, ...]) -> bool:
    return any(old[c] != new[c] for c in columns)


def _insert(model: type[Any], rows: list[Row], table: str = "", fields: Any = None) -> None:
    """COPY (PostgreSQL) or multi-row INSERTs (SQLite) of plain values: the ORM's
    bulk_create spends most of a catch-up compiling SQL for a hundred rows of forty
    columns, and an executemany still parses one statement per row. `rows` hold the
    fields' values by attname."""
    if not rows:
        return
    fields = list(fields or model._meta.concrete_fields)
    # Numbers, flags and strings go in as they are; dates and times through the backend.
    plain = (models.IntegerField, models.BooleanField, models.CharField, models.ForeignKey)
    names = [f.attname for f in fields]
    prepared = [
        (name, field.get_db_prep_save)
        for name, field in zip(names, fields, strict=True)
        if not isinstance(field, plain)
    ]

    def values(row: Row) -> list[Any]:
        if not prepared:
            return [row[name] for name in names]
        row = dict(row)
        for name, prepare in prepared:
            row[name] = prepare(row[name], connection)
        return [row[name] for name in names]

    q = connection.ops.quote_name
    table = q(table or model._meta.db_table)
    columns = ", ".join(q(f.column) for f in fields)
    if connection.vendor == "postgresql":
        # COPY: no statement to parse, no placeholders for the driver to split.
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(values(row))
        return
    marks = f"({','.join(['%s'] * len(fields))})"  # terse: Django's %s → ? scans it all
    size = max(1, INSERT_PARAMETERS // len(fields))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            params: list[Any] = []
            for row in chunk:
                params += values(row)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {','.join([marks] * len(chunk))}",  # noqa: S608
                params,
            )


INSERT_PARAMETERS = 10_000  # per statement: well under SQLite's and PostgreSQL's limits


def _update(model: type[Any], pairs: list[tuple[Row, Row]], compared: tuple[str, ...]) -> None:
    """UPDATE only the columns that moved, one executemany per set of moved columns."""
    meta = model._meta
    key = meta.pk
    by_name = {f.attname: f for f in meta.concrete_fields}
    groups: dict[tuple[str, ...], list[Row]] = defaultdict(list)
    for old, new in pairs:
        moved = tuple(c for c in compared if old[c] != new[c])
        groups[moved].append(new)
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        for moved, rows in groups.items():
            fields = [by_name[c] for c in moved]
            if connection.vendor == "postgresql":
                # One statement over arrays instead of a statement per row.
                names = [f"v{i}" for i in range(len(fields))]
                arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in [*fields, key])
                sets = ", ".join(
                    f"{q(f.column)} = u.{n}" for f, n in zip(fields, names, strict=True)
                )
                cursor.execute(
                    f"UPDATE {q(meta.db_table)} SET {sets} FROM unnest({arrays})"  # noqa: S608
                    f" AS u({', '.join([*names, 'k'])}) WHERE {q(key.column)} = u.k",
                    [
                        *(
                            [f.get_db_prep_save(row[f.attname], connection) for row in rows]
                            for f in fields
                        ),
                        [row[key.attname] for row in rows],
                    ],
                )
                continue
            sets = ", ".join(f"{q(f.column)} = %s" for f in fields)
            sql = f"UPDATE {q(meta.db_table)} SET {sets} WHERE {q(key.column)} = %s"  # noqa: S608
            cursor.executemany(
                sql,
                [
                    [
                        *(f.get_db_prep_save(row[f.attname], connection) for f in fields),
                        row[key.attname],
                    ]
                    for row in rows
                ],
            )


def _refresh_batch(ids: list[int]) -> None:
    """Only facts that changed are written: most events (a note, an urge, a reply before
    the first response was counted) leave the appeal's fact as it was, and a re-read of
    events already applied (the worker's straggler pass) writes nothing at all."""
    days: dict[Key, list[int]] = defaultdict(lambda: [0] * len(COUNTERS))
    months: dict[Key, list[int]] = defaultdict(lambda: [0] * len(COUNTERS))
    appeals = {
        row[0]: AppealRow(*row)
        for row in Appeal.objects.filter(pk__in=ids).values_list(*APPEAL_FIELDS)
    }
    ratings = _latest_ratings(ids)
    homes = _submitter_paths(appeals.values())
    old_facts = {
        fact["appeal_id"]: fact
        for fact in (
            dict(zip(APPEAL_FACT_COLUMNS, row, strict=True))
            for row in AppealFact.objects.filter(appeal_id__in=ids).values_list(
                *APPEAL_FACT_COLUMNS
            )
        )
    }
    new_facts = {i: _fact(appeals[i], ratings, homes) for i in ids if i in appeals}
    gone = [i for i in old_facts if i not in new_facts]
    inserted: list[Row] = []
    updated: list[tuple[Row, Row]] = []
    # Per submitter whose acts were added, removed or moved: the earliest (day, appeal)
    # among them, from where on their chain is worked out again.
    chains: dict[int, tuple[dt.date, int]] = {}
    for appeal_id, fact in new_facts.items():
        old = old_facts.get(appeal_id)
        if old is not None and not _differs(old, fact, APPEAL_FACT_COMPARED):
            continue
        if old is None or _differs(old, fact, CHAIN_INPUTS):
            # A new act or one that moved: insert afresh, the chain is recomputed below.
            for x in (old, fact):
                if x is not None and x["submitter_id"]:
                    _earliest(chains, x)
            inserted.append(fact)
        else:
            updated.append((old, fact))
        _replace(days, months, None if old is None else _appeal_changes(old), _appeal_changes(fact))
    for appeal_id in gone:
        old = old_facts[appeal_id]
        _replace(days, months, _appeal_changes(old), None)
        if old["submitter_id"]:
            _earliest(chains, old)
    replaced = [f["appeal_id"] for f in inserted if f["appeal_id"] in old_facts] + gone
    if replaced:
        AppealFact.objects.filter(appeal_id__in=replaced).delete()
    if chains:
        _chains_before_insert(chains, inserted)
    _insert(AppealFact, inserted)
    _update(AppealFact, updated, APPEAL_FACT_COMPARED)

    old_mediations = {
        fact["mediation_id"]: fact
        for fact in (
            dict(zip(MEDIATION_FACT_COLUMNS, row, strict=True))
            for row in MediationFact.objects.filter(appeal_id__in=ids).values_list(
                *MEDIATION_FACT_COLUMNS
            )
        )
    }
    new_mediations: dict[int, Row] = {}
    for mediation in Mediation.objects.filter(appeal_id__in=ids, concluded_at__isnull=False):
        values = mediation_fact_values(mediation, appeals[mediation.appeal_id])
        if values is not None:
            new_mediations[mediation.pk] = {
                **MEDIATION_FACT_DEFAULTS,
                "mediation_id": mediation.pk,
                **values,
            }
    stale = [
        pk
        for pk, old_mediation in old_mediations.items()
        if pk not in new_mediations
        or _differs(old_mediation, new_mediations[pk], MEDIATION_FACT_COMPARED)
    ]
    fresh = [m for pk, m in new_mediations.items() if pk not in old_mediations or pk in stale]
    for pk in stale:
        _replace(days, months, _mediation_changes(old_mediations[pk]), None)
    for new_mediation in fresh:
        _replace(days, months, None, _mediation_changes(new_mediation))
    if stale:
        MediationFact.objects.filter(mediation_id__in=stale).delete()
    _insert(MediationFact, fresh)
    _apply(days, months)


def _earliest(chains: dict[int, tuple[dt.date, int]], fact: Row) -> None:
    point = (fact["day"], fact["appeal_id"])
    known = chains.get(fact["submitter_id"])
    if known is None or point < known:
        chains[fact["submitter_id"]] = point


def _chains_before_insert(chains: dict[int, tuple[dt.date, int]], inserted: list[Row]) -> None:
    """The participation chains of these submitters (as submitter_chains_refresh works
    them out in SQL) from the earliest act that was added, removed or moved on: the new
    facts go in with their chain columns set, and only stored facts whose chain moves are
    updated, usually none (a new appeal is its submitter's latest). Inserting with empty
    chains and updating afterwards wrote every new fact twice, each time into every
    index (the largest statement of a catch-up of new appeals on PostgreSQL).

    A chain only looks back, so the stored facts before that point keep theirs, and the
    last of them tells where the chain stands there: its own day if it is an act of
    participation, else the previous act's day it already holds. So only that one fact
    and the facts from the point on are read, not every fact of the submitter (reading
    a hundred submitters' whole histories, scattered over a million facts, was the
    largest part of a catch-up of new appeals on SQLite)."""
    fresh = {f["appeal_id"]: f for f in inserted if f["submitter_id"] is not None}
    acts: dict[int, list[tuple[dt.date, int, int]]] = defaultdict(list)
    stored: dict[int, tuple[Any, ...]] = {}
    start: dict[int, dt.date | None] = dict.fromkeys(chains)
    q = connection.ops.quote_name
    table = q(AppealFact._meta.db_table)
    columns = ", ".join(
        f"f.{q(c)}" for c in ("appeal_id", "submitter_id", "day", "participates", *CHAIN_OUTPUTS)
    )
    submitters = sorted(chains)
    with connection.cursor() as cursor:
        for first in range(0, len(submitters), CHAIN_SUBMITTERS):
            chunk = submitters[first : first + CHAIN_SUBMITTERS]
            points = ",".join(["(%s,%s,%s)"] * len(chunk))
            params = [v for s in chunk for v in (s, *chains[s])]
            # From each point on: a range of fact_submitter_chain (submitter, day, appeal).
            cursor.execute(
                f"WITH p(s, d, a) AS (VALUES {points}) SELECT {columns}"  # noqa: S608
                f" FROM p JOIN {table} f ON f.submitter_id = p.s AND f.day >= p.d",
                params,
            )
            for appeal_id, submitter_id, day, participates, *chain in cursor.fetchall():
                if appeal_id not in fresh and (day, appeal_id) >= chains[submitter_id]:
                    acts[submitter_id].append((day, appeal_id, participates))
                    stored[appeal_id] = tuple(chain)
            # The last stored fact before each point: one step back along the same index.
            cursor.execute(
                f"WITH p(s, d, a) AS (VALUES {points})"  # noqa: S608
                f" SELECT submitter_id, day, participates, submitter_prev_day FROM {table}"
                f" WHERE appeal_id IN (SELECT (SELECT g.appeal_id FROM {table} g"
                " WHERE g.submitter_id = p.s AND g.day <= p.d AND (g.day < p.d OR g.appeal_id < p.a)"
                " ORDER BY g.day DESC, g.appeal_id DESC LIMIT 1) FROM p)",
                params,
            )
            for submitter_id, day, participates, prev in cursor.fetchall():
                start[submitter_id] = day if participates == 1 else prev
    for fact in fresh.values():
        acts[fact["submitter_id"]].append((fact["day"], fact["appeal_id"], fact["participates"]))
    moved: list[tuple[Row, Row]] = []
    for submitter_id, chain in acts.items():
        chain.sort()  # by day, then appeal id: the window's order
        prev = start[submitter_id]
        for day, appeal_id, participates in chain:
            values = (prev, *_chain_flags(prev, day)) if participates == 1 else (prev, *NO_FLAGS)
            if appeal_id in fresh:
                fresh[appeal_id].update(zip(CHAIN_OUTPUTS, values, strict=True))
            elif stored[appeal_id] != values:
                old = dict(zip(CHAIN_OUTPUTS, stored[appeal_id], strict=True))
                new = dict(zip(CHAIN_OUTPUTS, values, strict=True))
                moved.append(({"appeal_id": appeal_id, **old}, {"appeal_id": appeal_id, **new}))
            if participates == 1:
                prev = day
    _update(AppealFact, moved, CHAIN_OUTPUTS)


CHAIN_SUBMITTERS = 500  # per statement: 3 parameters each


NO_FLAGS = (None,) * len(CALENDAR_UNITS)
FIRST_ACT = (True,) * len(CALENDAR_UNITS)
assert CALENDAR_UNITS == ("week", "month", "quarter", "year")  # _chain_flags' order


def _chain_flags(prev: dt.date | None, day: dt.date) -> tuple[bool, ...]:
    """first_in_<unit> of an act on `day` whose previous act was on `prev`, in
    CALENDAR_UNITS order: whether `prev` is before the first day of the week (Monday),
    month, quarter and year holding `day` (_unit_start's days, compared without
    building them)."""
    if prev is None:
        return FIRST_ACT
    year, month = day.year, day.month
    return (
        prev.toordinal() < day.toordinal() - day.weekday(),
        (prev.year, prev.month) < (year, month),
        (prev.year, (prev.month - 1) // 3) < (year, (month - 1) // 3),
        prev.year < year,
    )


def _unit_start(unit: str, column: str) -> str:
    """SQL for the first day of the calendar unit holding the date in `column`."""
    if connection.vendor == "postgresql":
        # Through timestamp, not timestamptz: no time zone to look up for every row.
        return f"CAST(date_trunc('{unit}', CAST({column} AS timestamp)) AS date)"
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
    flags = {
        f"first_in_{unit}": f"CASE WHEN participates = 1 THEN (prev IS NULL"
        f" OR prev < {_unit_start(unit, 'day')}) END"
        for unit in CALENDAR_UNITS
    }
    # One statement: the flags follow from the previous act, computed in the same pass.
    # What moved is found inside it, from the rows the window has read already, so only
    # those rows are looked up again by key and written (most of a chain stays as it was).
    sets = ", ".join(f"{column} = w.{column}" for column in flags)
    computed = ", ".join(f"{value} AS {column}" for column, value in flags.items())
    olds = "".join(f", {column} AS was_{column}" for column in flags)
    was = "".join(f", was_{column}" for column in flags)
    moved = "".join(f" OR was_{column} IS DISTINCT FROM {column}" for column in flags)
    chain = (
        f"UPDATE {table} SET submitter_prev_day = w.prev, {sets}"  # noqa: S608
        f" FROM (SELECT * FROM (SELECT appeal_id, prev, was_prev{was}, {computed}"
        f" FROM (SELECT appeal_id, day, participates, submitter_prev_day AS was_prev{olds},"
        f" MAX(CASE WHEN participates = 1 THEN day END) OVER ("
        f" PARTITION BY submitter_id ORDER BY day, appeal_id"
        f" ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev"
        f" FROM {table} WHERE submitter_id IS NOT NULL {{only}}) x) y"
        f" WHERE was_prev IS DISTINCT FROM prev{moved}) w"
        f" WHERE {table}.appeal_id = w.appeal_id"
    )
    with connection.cursor() as cursor:
        if submitter_ids is None:
            # Always with a parameter list, so the literal %% read the same way on both
            # paths and in the query log DEBUG keeps.
            only = "AND submitter_id >= %s AND submitter_id < %s" if between else ""
            cursor.execute(chain.format(only=only), list(between or []))
            return
        for start in range(0, len(submitter_ids), 500):
            chunk = submitter_ids[start : start + 500]
            only = f"AND submitter_id IN ({', '.join(['%s'] * len(chunk))})"
            cursor.execute(chain.format(only=only), chunk)


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
