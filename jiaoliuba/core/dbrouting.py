"""Dashboard and export reads on a PostgreSQL read replica (DATABASE_REPLICA_URL).

Nothing goes to the replica unless a read asks for it: code that may be served a few
seconds late wraps itself in `replica_reads()` (or `@reads_from_replica`); every other
read, and every write wherever it happens, goes to the primary ("default").

Inside `replica_reads()` on the replica, the reads run in one REPEATABLE READ, READ ONLY
transaction: one snapshot, so a page's figures and its "数据截至" stamp (the rollups'
`as_of`, read from the same snapshot) agree even while the replica is replaying. A replica
that lags shows its own, older stamp. A replica that cannot be reached is skipped: the
reads go to the primary, the fall-back is logged, and the replica is not tried again for
REPLICA_RETRY_SECONDS so that every request does not wait on a connect timeout.

Without a "replica" alias (SQLite, or one PostgreSQL), all of this is a no-op."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections, transaction

REPLICA = "replica"
REPLICA_RETRY_SECONDS = 30.0

logger = logging.getLogger("jiaoliuba.dbrouting")

_reads: ContextVar[str | None] = ContextVar("jiaoliuba_replica_reads", default=None)
_lock = threading.Lock()
_down_until = 0.0

P = ParamSpec("P")
R = TypeVar("R")


class ReplicaRouter:
    """Reads go where `replica_reads()` says (the primary outside it); writes and
    migrations always go to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        return _reads.get() or DEFAULT_DB_ALIAS

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def reading_from() -> str:
    """The alias reads go to right now."""
    return _reads.get() or DEFAULT_DB_ALIAS


def _mark_down(error: BaseException) -> None:
    global _down_until
    with _lock:
        was_up = _down_until <= time.monotonic()
        _down_until = time.monotonic() + REPLICA_RETRY_SECONDS
    if was_up:
        logger.warning(
            "read replica unavailable, reading from the primary for %ss: %s",
            int(REPLICA_RETRY_SECONDS),
            str(error).strip() or type(error).__name__,
        )


def _replica_usable() -> bool:
    """Connect (or check the kept connection) unless the replica failed recently."""
    global _down_until
    if _down_until > time.monotonic():
        return False
    connection = connections[REPLICA]
    try:
        if connection.connection is not None and not connection.is_usable():
            connection.close()
        connection.ensure_connection()
    except (OperationalError, InterfaceError) as error:
        connection.close()
        _mark_down(error)
        return False
    if _down_until:
        with _lock:
            _down_until = 0.0
        logger.info("read replica reachable again")
    return True


@contextmanager
def _reading_on(alias: str) -> Iterator[str]:
    token = _reads.set(alias)
    try:
        if alias != REPLICA:
            yield alias
            return
        with transaction.atomic(using=REPLICA):
            with connections[REPLICA].cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield alias
    finally:
        _reads.reset(token)


@contextmanager
def replica_reads() -> Iterator[str]:
    """Send the reads inside to the replica, in one read-only snapshot; yields the alias
    used ("replica", or "default" without a replica or when it cannot be reached)."""
    current = _reads.get()
    if current is not None:  # nested: keep the outer choice (and its snapshot)
        yield current
        return
    if replica_configured() and _replica_usable():
        snapshot = ExitStack()
        try:
            snapshot.enter_context(_reading_on(REPLICA))
        except (OperationalError, InterfaceError) as error:  # lost between check and BEGIN
            connections[REPLICA].close()
            _mark_down(error)
        else:
            with snapshot:
                yield REPLICA
            return
    with _reading_on(DEFAULT_DB_ALIAS):
        yield DEFAULT_DB_ALIAS


def reads_from_replica(func: Callable[P, R]) -> Callable[P, R]:
    """Run a read-only function (a dashboard view, an export, an API handler) inside
    `replica_reads()`. If the replica fails part-way (it went away, or PostgreSQL
    cancelled a query that conflicted with replay), the function runs again on the
    primary: it only reads, so running it twice is safe."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        used = DEFAULT_DB_ALIAS
        try:
            with replica_reads() as used:
                return func(*args, **kwargs)
        except (OperationalError, InterfaceError) as error:
            if used != REPLICA:
                raise
            if _reads.get() is not None:  # nested inside another replica read: its call
                raise
            connections[REPLICA].close()  # a fresh connection for the next read
            if _replica_usable():  # up, the query failed (e.g. conflict with replay)
                logger.warning("replica read failed, read again on the primary: %s", error)
            with _reading_on(DEFAULT_DB_ALIAS):
                return func(*args, **kwargs)

    return wrapper
