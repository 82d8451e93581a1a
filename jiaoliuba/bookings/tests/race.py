"""Many residents at once, for the concurrency tests and bench/bookings_race.py: built
in bulk (the registration service is not what is measured), then racing through the
real services on their own threads and database connections."""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import connection

from jiaoliuba.accounts.models import ResidentProfile, User
from jiaoliuba.core.errors import ApplicationError
from jiaoliuba.regions.models import Region


def bulk_residents(grid: Region, n: int, prefix: str = "race") -> list[User]:
    users = User.objects.bulk_create(
        [User(username=f"{prefix}-{i}", display_name=f"居民{i}") for i in range(n)]
    )
    users = list(User.objects.filter(username__startswith=f"{prefix}-").order_by("pk"))
    ResidentProfile.objects.bulk_create(
        [
            ResidentProfile(user=u, community=grid.parent, grid=grid, region_path=grid.path)
            for u in users
        ]
    )
    return users


def race(calls: list[Callable[[], Any]], workers: int = 24) -> tuple[Counter, float]:
    """Run every call at once (a barrier releases them together) on `workers` threads;
    returns the outcomes (a status, an error code, or "error: …") and the wall time."""
    barrier = threading.Barrier(min(workers, len(calls)))
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def run(call: Callable[[], Any]) -> None:
        try:
            # Calls after the first wave just go.
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=5)
            result = call()
            outcome = getattr(result, "status", "ok")
        except ApplicationError as exc:
            outcome = exc.code
        except Exception as exc:  # anything else breaks the guarantee
            outcome = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes[outcome] += 1

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(run, calls))
    return outcomes, time.perf_counter() - started
