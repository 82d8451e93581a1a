"""Routing rules and time limits as every intake reads them: loaded from the database
once per change, not once per appeal.

Administrators change them rarely and every appeal needs them, so each process keeps the
rows in memory, labelled with the version it read. The current version lives in the
Django cache (shared by the web workers and the background worker); the services that
change a rule or a limit (`services.routing_rule_save` and friends) set a new version, so
the next intake in any process reads the new rows. One cache read per intake instead of
two table reads; with the database cache that is one small primary-key look-up.

The version is set again when the change commits: a process that read the old rows
between the change and its commit has stored them under the new version, and the second
bump throws that copy away."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

from jiaoliuba.appeals.models import RoutingRule, TimeLimit

VERSION_KEY = "appeals:rulebook:version"


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
    version = cache.get(VERSION_KEY)
    if version is None:
        # First use, or the cache was cleared: start a version nobody has rows for.
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY) or uuid.uuid4().hex
    return version


def get() -> Rulebook:
    version = current_version()
    book = _held.get(version)
    if book is None:
        book = _load(version)
        with _lock:
            _held.clear()  # only the current version is worth keeping
            _held[version] = book
    return book


def _bump() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def changed() -> None:
    """Call in the transaction that changed a routing rule or a time limit."""
    _bump()
    transaction.on_commit(_bump)
