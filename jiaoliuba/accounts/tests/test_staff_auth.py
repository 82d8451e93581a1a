import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiaoliuba.accounts import selectors, services
from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.models import ApiToken, ResidentProfile
from jiaoliuba.core import clock
from jiaoliuba.core.errors import NotAuthenticated, RateLimited
from jiaoliuba.testing.fixtures import DONGFENG, JIEFANG, JIEFANG_G1, PASSWORD

pytestmark = pytest.mark.django_db


def test_lockout_after_failures_even_with_right_password(make_staff, settings):
    settings.LOGIN_MAX_FAILURES = 3
    make_staff(Role.COMMUNITY_STAFF, JIEFANG, username="chen")
    for _ in range(3):
        with pytest.raises(NotAuthenticated):
            services.staff_authenticate(username="chen", password="wrong", ip="1.2.3.4")
    with pytest.raises(RateLimited):
        services.staff_authenticate(username="chen", password=PASSWORD, ip="5.6.7.8")


def test_staff_login_page(client, make_staff):
    # A grid worker: the password alone (roles above sign in with a second step too).
    make_staff(Role.GRID_WORKER, JIEFANG_G1, username="chen")
    response = client.post("/staff/login/", {"username": "chen", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    response = client.post("/staff/login/", {"username": "chen", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/workbench/"


def test_token_issue_use_and_revoke(client, make_staff):
    make_staff(Role.GRID_WORKER, JIEFANG_G1, username="chen")  # no second factor
    response = client.post(
        "/api/v1/auth/token",
        {"username": "chen", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 201
    token = response.json()["token"]
    assert token not in {t.key_hash for t in ApiToken.objects.all()}
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/v1/me", **headers).json()["username"] == "chen"
    assert client.delete("/api/v1/auth/token", **headers).status_code == 204
    assert client.get("/api/v1/me", **headers).status_code == 401


def test_token_with_bad_password(client, make_staff):
    make_staff(Role.COMMUNITY_STAFF, JIEFANG, username="chen")
    response = client.post(
        "/api/v1/auth/token", {"username": "chen", "password": "x"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["code"] == "bad_credentials"


def test_expired_token_is_refused(client, make_staff):
    user = make_staff(Role.COMMUNITY_STAFF, JIEFANG, username="chen")
    _token, raw = services.api_token_create(user=user)
    ApiToken.objects.update(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_resident_cannot_use_password_login(client, make_resident):
    make_resident(phone="13700009999")
    response = client.post("/staff/login/", {"username": "13700009999", "password": ""})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_my_regions_are_where_my_roles_are(make_staff, api_client, regions):
    # Served by accounts at the path regions served before (regions knows no people).
    street = regions[DONGFENG]
    user = make_staff(Role.STREET_OFFICER, DONGFENG, username="wang")
    answer = api_client(user).get("/api/v1/regions/mine")
    assert answer.status_code == 200
    assert answer.json() == [
        {
            "code": street.code,
            "name": street.name,
            "level": street.level,
            "parent_code": street.parent.code,
        }
    ]
    # "mine" is not read as a region code by /regions/{code}.
    assert (
        api_client(make_staff(Role.COMMUNITY_STAFF, JIEFANG))
        .get("/api/v1/regions/mine")
        .json()[0]["code"]
        == JIEFANG
    )


def test_a_token_is_checked_on_every_request(client, make_staff, make_resident):
    """The token check is one hand-written query: revoking, expiry and deactivation all
    take effect on the very next request, and the user it gives equals the ORM's."""
    user = make_staff(Role.COMMUNITY_STAFF, JIEFANG, username="chen")
    token, raw = services.api_token_create(user=user)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/me", **headers).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=clock.now() - dt.timedelta(seconds=1))
    assert client.get("/api/v1/me", **headers).status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(expires_at=clock.now() + dt.timedelta(days=1))
    assert client.get("/api/v1/me", **headers).status_code == 200
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert client.get("/api/v1/me", **headers).status_code == 401
    type(user).objects.filter(pk=user.pk).update(is_active=True)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=clock.now())
    assert client.get("/api/v1/me", **headers).status_code == 401
    assert services.api_token_authenticate(raw=raw + "x") is None


def test_the_token_check_gives_the_user_and_profile_the_orm_would(make_resident):
    resident_user = make_resident(phone="13700001234")
    _token, raw = services.api_token_create(user=resident_user)
    user = services.api_token_authenticate(raw=raw)
    fresh = type(resident_user).objects.get(pk=resident_user.pk)
    assert user is not None and user.pk == fresh.pk
    for field in fresh._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(fresh, field.attname), field.name
    assert user.phone == "13700001234"  # left encrypted, read on first use
    profile = selectors.resident_of(user)
    stored = ResidentProfile.objects.get(user=fresh)
    assert profile is not None and profile.pk == stored.pk
    assert (profile.community, profile.grid) == (stored.community, stored.grid)
    assert profile.user is user and profile.grid.name == stored.grid.name
    # A user without a resident profile has none, without another query.
    staff_token = services.api_token_create(
        user=type(resident_user).objects.create(username="wu", display_name="吴")
    )[1]
    staff_user = services.api_token_authenticate(raw=staff_token)
    assert staff_user is not None and selectors.resident_of(staff_user) is None
    assert selectors.user_roles_at(user) == {Role.RESIDENT: []}


def test_the_token_check_gives_the_roles_the_roles_query_would(make_staff, make_resident, regions):
    """The roles read with the token (one column of the token check) are what
    user_roles_at reads on its own, for staff with several posts, a resident who is also
    staff, a resident and a user with neither; and reading them costs no query."""
    staff = make_staff(Role.COMMUNITY_STAFF, JIEFANG, username="li")
    services.role_assign(actor=None, user=staff, role=Role.STREET_OFFICER, region=regions[DONGFENG])
    services.role_assign(actor=None, user=staff, role=Role.GRID_WORKER, region=regions[JIEFANG_G1])
    both = make_resident(phone="13700004321")
    services.role_assign(actor=None, user=both, role=Role.GRID_WORKER, region=regions[JIEFANG_G1])
    plain = make_resident(phone="13700005678")
    nobody = type(plain).objects.create(username="zhou", display_name="周")
    for person in (staff, both, plain, nobody):
        raw = services.api_token_create(user=person)[1]
        user = services.api_token_authenticate(raw=raw)
        assert user is not None
        with CaptureQueriesContext(connection) as queries:
            carried = selectors.user_roles_at(user)
        assert len(queries) == 0
        asked = selectors.user_roles_at(type(person).objects.get(pk=person.pk))
        assert {r: sorted(p) for r, p in carried.items()} == {
            r: sorted(p) for r, p in asked.items()
        }, person.username
