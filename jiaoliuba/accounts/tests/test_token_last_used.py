"""A token's last use is stamped on its first use and then at most once a minute; on
PostgreSQL the stamp commits without waiting for the disk, only when it is its own
transaction (never inside a caller's, whose commit must stay synchronous)."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jiaoliuba.accounts import services
from jiaoliuba.accounts.models import ApiToken
from jiaoliuba.core import clock
from jiaoliuba.testing.fixtures import JIEFANG_G1

pytestmark = pytest.mark.django_db


def test_last_use_is_stamped_first_then_once_a_minute(make_resident):
    user = make_resident(JIEFANG_G1)
    token, raw = services.api_token_create(user=user, name="app")
    assert ApiToken.objects.get(pk=token.pk).last_used_at is None
    start = dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    with clock.pinned(start):
        assert client.get("/api/v1/me").status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at == start
    with clock.pinned(start + dt.timedelta(seconds=60)):
        assert services.api_token_authenticate(raw=raw) == user
    assert ApiToken.objects.get(pk=token.pk).last_used_at == start  # within the minute
    later = start + dt.timedelta(seconds=61)
    with clock.pinned(later):
        assert services.api_token_authenticate(raw=raw) == user
    assert ApiToken.objects.get(pk=token.pk).last_used_at == later


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's commit setting")
def test_inside_a_callers_transaction_the_commit_stays_synchronous(make_resident):
    user = make_resident(JIEFANG_G1)
    _token, raw = services.api_token_create(user=user, name="app")
    with transaction.atomic():
        services.api_token_authenticate(raw=raw)
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's commit setting")
@pytest.mark.django_db(transaction=True)
def test_on_its_own_the_stamp_commits_and_the_setting_ends_with_it(regions, make_resident):
    user = make_resident(JIEFANG_G1)
    token, raw = services.api_token_create(user=user, name="app")
    assert not connection.in_atomic_block
    assert services.api_token_authenticate(raw=raw) == user
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's commit setting")
@pytest.mark.django_db(transaction=True)
def test_on_its_own_the_stamp_is_one_statement_that_sets_its_commit(regions, make_resident):
    user = make_resident(JIEFANG_G1)
    token, _raw = services.api_token_create(user=user, name="app")
    now = clock.now()
    with CaptureQueriesContext(connection) as queries:
        services._stamp_last_used(token, now)
    assert len(queries) == 1
    assert "set_config('synchronous_commit', 'off', true)" in queries[0]["sql"]
    assert ApiToken.objects.get(pk=token.pk).last_used_at == now
