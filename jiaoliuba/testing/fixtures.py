"""Shared pytest fixtures: the demo region tree and people in it."""

from __future__ import annotations

import itertools

import pytest
from django.core.cache import cache
from django.test import Client

from jiaoliuba.accounts import services as account_services
from jiaoliuba.accounts.models import User
from jiaoliuba.core import workdays
from jiaoliuba.demo.loader import REGIONS_CSV
from jiaoliuba.regions.models import Region
from jiaoliuba.regions.services import parse_region_csv, regions_import
from jiaoliuba.triage import classifier

PASSWORD = "s3cret-pass-123"
_phones = itertools.count(13700000000)

# Named nodes of the demo tree used across tests.
CITY = "411700000000"
YICHENG = "411702000000"
XIPING = "411721000000"
DONGFENG = "411702001000"
XIYUAN = "411702002000"
JIEFANG = "411702001001"
JIANKANG = "411702001002"
JIEFANG_G1 = "411702001001001"
JIEFANG_G2 = "411702001001002"
JIANKANG_G1 = "411702001002001"
XIYUAN_COMMUNITY = "411702002001"
XIPING_COMMUNITY = "411721001001"


@pytest.fixture
def regions(db) -> dict[str, Region]:
    regions_import(rows=parse_region_csv(REGIONS_CSV.read_text(encoding="utf-8")))
    return {r.code: r for r in Region.objects.all()}


@pytest.fixture
def make_staff(regions):
    def make(role: str, region_code: str, username: str | None = None) -> User:
        username = username or f"{role}-{region_code}-{next(_phones)}"
        user = account_services.user_create_staff(
            username=username, password=PASSWORD, display_name=username
        )
        account_services.role_assign(actor=None, user=user, role=role, region=regions[region_code])
        return user

    return make


@pytest.fixture
def make_resident(regions):
    def make(grid_code: str = JIEFANG_G1, name: str = "居民", phone: str | None = None) -> User:
        return account_services.resident_register(
            phone=phone or str(next(_phones)),
            display_name=name,
            grid=regions[grid_code],
            address="1号楼1单元101室",
        )

    return make


@pytest.fixture
def login_client():
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user, backend="jiaoliuba.accounts.backends.StaffPasswordBackend")
        return client

    return make


@pytest.fixture
def api_client():
    """A client that calls the API with a bearer token for the user."""

    def make(user: User) -> Client:
        _token, raw = account_services.api_token_create(user=user, name="test")
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (rate-limit counters are in the database, or
    in Redis when a test configures it)."""

    cache.clear()
    workdays.clear_cache()
    classifier.clear_caches()
    yield
    cache.clear()
    workdays.clear_cache()
