"""Shared pytest fixtures: the demo region tree and people in it."""

from __future__ import annotations

import itertools
import time

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiaoliuba.accounts import services as account_services
from jiaoliuba.accounts import twofactor
from jiaoliuba.accounts.models import User
from jiaoliuba.appeals import rulebook
from jiaoliuba.core import workdays
from jiaoliuba.deliberation.voting import selectors as vote_selectors
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


def totp_device_for(user: User) -> TOTPDevice:
    """The person's confirmed authenticator app, made if they have none (tests only).
    Tolerance 3: a test may sign in a few times within one 30-second step."""
    device = twofactor.totp_device_of(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True, tolerance=3)
    return device


def totp_code(device: TOTPDevice) -> str:
    """A code the app would show that the device has not accepted yet (django-otp refuses a
    time step it has seen, so two sign-ins in one step take the next one)."""
    device.refresh_from_db()
    now_t = (int(time.time()) - device.t0) // device.step + device.drift
    step = max(now_t, device.last_t + 1)
    return str(hotp(device.bin_key, step, digits=device.digits)).zfill(device.digits)


def verified_session(client: Client, user: User) -> None:
    """Mark a signed-in test client's session as having passed the second factor."""
    if twofactor.user_needs_second_factor(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = totp_device_for(user).persistent_id
        session.save()


@pytest.fixture(autouse=True)
def _force_login_passes_second_factor(monkeypatch):
    """`Client.force_login` skips the password; here it skips the second factor too, so a
    test about a page need not sign in twice. Tests of signing in use the forms."""
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        verified_session(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


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
    vote_selectors.forget_published()
    rulebook.forget()
    yield
    cache.clear()
    workdays.clear_cache()
