"""Write transactions that queue first come, first served on SQLite.

SQLite has one write lock for the whole database. With `transaction_mode=IMMEDIATE`
every `atomic()` asks for it at BEGIN and, while another connection holds it, waits in
SQLite's busy handler, which sleeps between tries with growing pauses (1, 2, 5 … then
100 ms). A writer that has waited a while looks every 100 ms, one that just arrived
every few ms, so newcomers keep winning the lock and the oldest waiters starve until
the busy `timeout` runs out: "database is locked", a 500. Under a rush of threads in one
process (200 residents booking the last seats, bench/bookings_race.py) a few requests
waited past the 20 s timeout even though the average wait was a few seconds.

`write_transaction()` puts the writers of one process in a queue before BEGIN: the
lock is handed over in arrival order and the next waiter is woken the moment it is
free, so no one starves and SQLite's busy handler only sees writers of other processes
(one per process at most). If the queue or the database still cannot be had within the
busy timeout, the caller gets `Busy` (503, "try again"), never a 500; nothing has been
written. On PostgreSQL (row locks, no database lock) and inside an outer transaction it
is plain `transaction.atomic()`."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction
from django.utils.translation import gettext_lazy as _

from jiaoliuba.core.errors import Busy

_BUSY = _("Many people are doing this at the same moment. Please try again in a few seconds.")


class FifoLock:
    """A lock handed to waiters in the order they asked, with a timeout."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._waiting: deque[object] = deque()
        self._held = False

    def acquire(self, timeout: float) -> bool:
        me = object()
        deadline = time.monotonic() + timeout
        with self._cond:
            self._waiting.append(me)
            try:
                while self._held or self._waiting[0] is not me:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return False
                    self._cond.wait(remaining)
                self._held = True
                return True
            finally:
                self._waiting.remove(me)
                self._cond.notify_all()  # the next in line (or a timed-out head's successor)

    def release(self) -> None:
        with self._cond:
            self._held = False
            self._cond.notify_all()


_queues: dict[str, FifoLock] = {}
_queues_lock = threading.Lock()


def _queue(name: str) -> FifoLock:
    with _queues_lock:
        return _queues.setdefault(name, FifoLock())


def _busy_timeout(alias: str) -> float:
    return float(connections[alias].settings_dict.get("OPTIONS", {}).get("timeout", 5))


@contextmanager
def write_transaction(using: str | None = None) -> Iterator[None]:
    """`transaction.atomic()` for a write that many may attempt at once."""
    alias = using or DEFAULT_DB_ALIAS
    connection = connections[alias]
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        with transaction.atomic(using=alias):
            yield
        return
    connection.ensure_connection()  # opening it (and its PRAGMAs) is not done in the queue
    queue = _queue(str(connection.settings_dict["NAME"]))
    if not queue.acquire(_busy_timeout(alias)):
        raise Busy(_BUSY)
    try:
        with transaction.atomic(using=alias):
            yield
    except OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        raise Busy(_BUSY) from exc  # rolled back: nothing written
    finally:
        queue.release()
