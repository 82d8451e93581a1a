"""Routing rules and time limits as every intake reads them: loaded from the database
once per change, not once per appeal.

Administrators change them rarely and every appeal needs them, so each process keeps the
rows in memory, labelled with the version it read. The version is a random token in a
one-row table (`RulebookVersion`) that the services changing a rule or a limit
(`services.routing_rule_save` and friends) replace in the same transaction: it commits or
rolls back with the rows, so a process that sees a new token also sees the rows it stands
for, and a token once rolled back is never seen again. An intake pays one primary-key
read of that row (a prepared statement), not two table reads nor a cache look-up."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass

from django.db import connection

from jiaoliuba.appeals.models import RoutingRule, RulebookVersion, TimeLimit
from jiaoliuba.core import rawsql

_TABLE = RulebookVersion._meta.db_table
_READ_SQL = f'SELECT "version" FROM "{_TABLE}" WHERE "id" = 1'  # noqa: S608
_WRITE_SQL = f'UPDATE "{_TABLE}" SET "version" = %s WHERE "id" = 1'  # noqa: S608


@dataclass(frozen=True)
class Rulebook:
    version: str
    rules: tuple[RoutingRule, ...]  # active rules, region selected
    limits: dict[tuple[str, str], dict]  # (priority, category or "") → the limit's fields


_lock = threading.Lock()
_held: dict[str, Rulebook] = {}


def _load(version: str) -> Rulebook:
    rules = tuple(RoutingRule.objects.filter(active=True).select_related("region").order_by("pk"))
    limits = {
        (t.priority, t.category or ""): {
            "response_hours": t.response_hours,
            "response_working_days": t.response_working_days,
            "resolution_working_days": t.resolution_working_days,
        }
        for t in TimeLimit.objects.all()
    }
    return Rulebook(version=version, rules=rules, limits=limits)


def current_version() -> str:
    with rawsql.prepared_cursor() as cursor:
        cursor.execute(_READ_SQL)
        row = cursor.fetchone()
    # No row (deleted by hand): "", until the next change writes one.
    return row[0] if row else ""


def get() -> Rulebook:
    version = current_version()
    book = _held.get(version)
    if book is None:
        book = _load(version)
        with _lock:
            _held.clear()  # only the current version is worth keeping
            _held[version] = book
    return book


def forget() -> None:
    """Drop this process's copy. For tests: a rolled-back test transaction brings back the
    token of rows that are gone."""
    with _lock:
        _held.clear()


def changed() -> None:
    """Call in the transaction that changed a routing rule or a time limit."""
    version = uuid.uuid4().hex
    with connection.cursor() as cursor:
        cursor.execute(_WRITE_SQL, [version])
        if cursor.rowcount == 0:
            RulebookVersion.objects.update_or_create(pk=1, defaults={"version": version})
