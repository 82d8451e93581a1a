"""Fixed-window counters in the cache (the database cache in development, Redis in
production), shared by every process."""

from __future__ import annotations

from django.core.cache import cache


def hit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt; True while the caller is within `limit` for the window."""
    full_key = f"rl:{key}"
    if cache.add(full_key, 1, timeout=window_seconds):
        return limit >= 1
    try:
        count = cache.incr(full_key)
    except ValueError:  # expired between add and incr
        cache.add(full_key, 1, timeout=window_seconds)
        count = 1
    return count <= limit


def count(key: str) -> int:
    return int(cache.get(f"rl:{key}", 0))


def reset(key: str) -> None:
    cache.delete(f"rl:{key}")
