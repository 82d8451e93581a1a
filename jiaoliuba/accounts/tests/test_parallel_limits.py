"""Sign-in limits hold under parallel requests to a live server (issue 9 item 4).

Every attempt is counted before it is judged, in one atomic statement, so N parallel
requests see N different counts. Run on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter

import pytest
import redis
from django.core.cache import cache
from django.db import connection

from jiaoliuba.accounts.choices import Role
from jiaoliuba.core import ratelimit
from jiaoliuba.core.models import RateCounter, SmsOutbox
from jiaoliuba.testing.fixtures import JIEFANG

pytestmark = pytest.mark.django_db(transaction=True)


def _post(url: str, body: dict) -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    for attempt in range(10):
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except (ConnectionError, urllib.error.URLError):
            # The test server's listen queue is short: a burst of connections can be
            # refused before Django sees them. Those never reached a view; try again.
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("the live server refused the connection ten times")


def _fire(url: str, bodies: list[dict]) -> Counter:
    """All requests leave at the same moment, one thread each."""
    barrier = threading.Barrier(len(bodies))
    statuses: list[int] = []
    lock = threading.Lock()

    def go(body: dict) -> None:
        barrier.wait(timeout=30)
        status = _post(url, body)
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=go, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(statuses) == len(bodies)
    return Counter(statuses)


def test_forty_parallel_wrong_passwords_check_exactly_five(live_server, make_staff, settings):
    assert settings.LOGIN_MAX_FAILURES == 5
    make_staff(Role.COMMUNITY_STAFF, JIEFANG, username="chen")
    wrong = {"username": "chen", "password": "wrong", "name": "x"}
    statuses = _fire(f"{live_server.url}/api/v1/auth/token", [wrong] * 40)
    assert statuses == Counter({401: 5, 429: 35}), statuses


def test_forty_parallel_usernames_from_one_address_check_exactly_twenty(live_server, regions):
    bodies = [{"username": f"nobody{i}", "password": "wrong", "name": "x"} for i in range(40)]
    statuses = _fire(f"{live_server.url}/api/v1/auth/token", bodies)
    assert statuses == Counter({401: 20, 429: 20}), statuses


def test_twenty_parallel_code_requests_for_one_number_send_one(live_server, regions):
    statuses = _fire(f"{live_server.url}/api/v1/auth/sms/request", [{"phone": "13912345678"}] * 20)
    assert statuses == Counter({202: 1, 429: 19}), statuses
    assert SmsOutbox.objects.count() == 1


def test_sixty_parallel_code_requests_from_one_address_send_thirty(live_server, regions):
    bodies = [{"phone": f"139{i:08d}"} for i in range(60)]
    statuses = _fire(f"{live_server.url}/api/v1/auth/sms/request", bodies)
    assert statuses == Counter({202: 30, 429: 30}), statuses
    assert SmsOutbox.objects.count() == 30


def test_database_counter_is_exact_under_threads():
    """The counter itself, against the real database, without the cache in between."""
    results: list[bool] = []
    lock = threading.Lock()
    barrier = threading.Barrier(30)

    def go() -> None:
        try:
            barrier.wait(timeout=30)
            allowed = ratelimit.hit("t:parallel", limit=7, window_seconds=60)
            with lock:
                results.append(allowed)
        finally:
            connection.close()

    threads = [threading.Thread(target=go) for _ in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert Counter(results) == Counter({True: 7, False: 23})
    assert ratelimit.count("t:parallel") == 30


def test_window_ends_and_release_gives_back_one(settings):
    assert [ratelimit.hit("t:w", limit=2, window_seconds=60) for _ in range(3)] == [
        True,
        True,
        False,
    ]
    ratelimit.release("t:w")
    assert ratelimit.count("t:w") == 2

    RateCounter.objects.filter(key="t:w").update(expires_at="2000-01-01T00:00:00Z")
    assert ratelimit.count("t:w") == 0
    assert ratelimit.hit("t:w", limit=2, window_seconds=60)
    assert ratelimit.count("t:w") == 1
    ratelimit.reset("t:w")
    assert ratelimit.count("t:w") == 0


@pytest.fixture
def redis_cache(settings):
    """The production cache, if a Redis server answers (REDIS_TEST_URL, default the local
    one, database 15); counters under a prefix of their own. CI sets JIAOLIUBA_REQUIRE_REDIS,
    so a missing server fails there instead of skipping unseen."""
    url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("JIAOLIUBA_REQUIRE_REDIS"):
            pytest.fail(f"JIAOLIUBA_REQUIRE_REDIS is set but no Redis answers at {url}")
        pytest.skip(f"no Redis at {url}")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }

    yield cache
    cache.clear()


def test_redis_counter_is_exact_under_threads(redis_cache):
    results: list[bool] = []
    lock = threading.Lock()
    barrier = threading.Barrier(30)

    def go() -> None:
        barrier.wait(timeout=30)
        allowed = ratelimit.hit("t:redis", limit=7, window_seconds=60)
        with lock:
            results.append(allowed)

    threads = [threading.Thread(target=go) for _ in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert Counter(results) == Counter({True: 7, False: 23})
    assert ratelimit.count("t:redis") == 30
    ratelimit.release("t:redis")
    assert ratelimit.count("t:redis") == 29

    assert not RateCounter.objects.exists()  # Redis counted, not the table


def test_redis_counter_always_expires(redis_cache):
    """A counter always carries its window, even one an older version left without expiry
    (the gap between Django's EXISTS and INCR), so a limit always lifts."""
    assert ratelimit.hit("t:ttl", limit=3, window_seconds=60)
    client = redis.Redis.from_url(redis_cache._cache._servers[0])
    raw = redis_cache.make_and_validate_key("rl:t:ttl")
    assert 0 < client.ttl(raw) <= 60
    assert int(client.get(raw)) == 1 and ratelimit.count("t:ttl") == 1

    client.set(raw, 5)  # no expiry: what the old gap could leave behind
    assert client.ttl(raw) == -1
    assert not ratelimit.hit("t:ttl", limit=3, window_seconds=60)
    assert 0 < client.ttl(raw) <= 60
    assert ratelimit.count("t:ttl") == 6
