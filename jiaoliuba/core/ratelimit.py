"""Fixed-window counters shared by every process: in Redis when the cache is Redis (its
INCR is atomic), otherwise in the RateCounter table, bumped by one upsert statement.

Callers reserve first and decide after: `hit` counts the attempt and answers whether it
is still within the limit, so N parallel requests see N different counts and exactly
`limit` of them go through. (Reading a count, then doing the work, then counting lets
every parallel request through; so does the database cache, whose incr is get + set.)

A database counter is written in the caller's transaction: call it outside one, or the
count is lost when the caller's error rolls the transaction back."""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.utils import timezone

from jiaoliuba.core.models import RateCounter

PURGE_CHANCE = 0.01


def _in_redis() -> bool:
    return "redis" in settings.CACHES["default"]["BACKEND"].lower()


def _cache_key(key: str) -> str:
    return f"rl:{key}"


def hit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt; True while the caller is within `limit` for the window."""
    if window_seconds <= 0:
        return True
    count = _hit_redis(key, window_seconds) if _in_redis() else _hit_db(key, window_seconds)
    return count <= limit


def _hit_redis(key: str, window_seconds: int) -> int:
    # One MULTI/EXEC: create the counter with its expiry if absent, then INCR (which keeps
    # the expiry). Django's cache.incr checks EXISTS before INCR, so a window ending
    # between the two made a counter with no expiry, a limit that never lifted.
    full_key = cache.make_and_validate_key(_cache_key(key))
    client = cache._cache.get_client(full_key, write=True)  # type: ignore[attr-defined]
    pipe = client.pipeline(transaction=True)
    pipe.set(full_key, 0, ex=window_seconds, nx=True)
    pipe.incr(full_key)
    pipe.ttl(full_key)
    _, count, ttl = pipe.execute()
    if ttl == -1:  # a counter an older version left without expiry
        client.expire(full_key, window_seconds)
    return int(count)


def _hit_db(key: str, window_seconds: int) -> int:
    now = timezone.now()
    ops = connection.ops
    table = ops.quote_name(RateCounter._meta.db_table)
    k, n, exp = (ops.quote_name(c) for c in ("key", "count", "expires_at"))
    at = ops.adapt_datetimefield_value(now)
    until = ops.adapt_datetimefield_value(now + dt.timedelta(seconds=window_seconds))
    # One statement, so the row is locked from the read of the old count to the write of
    # the new one (PostgreSQL and SQLite both support INSERT ... ON CONFLICT ... RETURNING).
    # A window that has ended starts again at 1.
    # Only quoted names from the model's metadata are interpolated; values are parameters.
    sql = (
        f"INSERT INTO {table} ({k}, {n}, {exp}) VALUES (%s, 1, %s) "  # noqa: S608
        f"ON CONFLICT ({k}) DO UPDATE SET "
        f"{n} = CASE WHEN {table}.{exp} > %s THEN {table}.{n} + 1 ELSE 1 END, "
        f"{exp} = CASE WHEN {table}.{exp} > %s THEN {table}.{exp} ELSE excluded.{exp} END "
        f"RETURNING {n}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, until, at, at])
        count = int(cursor.fetchone()[0])
    if random.random() < PURGE_CHANCE:  # noqa: S311 - housekeeping, not security
        purge_expired()
    return count


def release(key: str) -> None:
    """Give back one reserved attempt (it turned out not to count, e.g. a sign-in that
    succeeded must not use up the address's failure budget)."""
    if _in_redis():
        try:
            if int(cache.decr(_cache_key(key))) < 0:
                cache.delete(_cache_key(key))
        except ValueError:
            pass
        return

    RateCounter.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)


def count(key: str) -> int:
    if _in_redis():
        return int(cache.get(_cache_key(key), 0))
    row = RateCounter.objects.filter(key=key, expires_at__gt=timezone.now()).first()
    return row.count if row else 0


def reset(key: str) -> None:
    if _in_redis():
        cache.delete(_cache_key(key))
    else:
        RateCounter.objects.filter(key=key).delete()


def purge_expired() -> int:
    return RateCounter.objects.filter(expires_at__lte=timezone.now()).delete()[0]
