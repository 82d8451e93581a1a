"""Every role sees exactly its subtree, through the API and the pages; anything else is
a 404, including ids guessed one by one."""

import pytest
from django.test import Client

from jiaoliuba.accounts.choices import Role, VerificationStatus
from jiaoliuba.accounts.models import ResidentProfile
from jiaoliuba.core.models import AuditLog, SensitiveAccessLog
from jiaoliuba.testing.fixtures import (
    CITY,
    DONGFENG,
    JIANKANG,
    JIEFANG,
    JIEFANG_G1,
    JIEFANG_G2,
    XIPING_COMMUNITY,
    XIYUAN_COMMUNITY,
    YICHENG,
)

pytestmark = pytest.mark.django_db

EXPECTED = {
    (Role.GRID_WORKER, JIEFANG_G1): {"g1"},
    (Role.COMMUNITY_STAFF, JIEFANG): {"g1", "g2"},
    (Role.COMMUNITY_SECRETARY, JIEFANG): {"g1", "g2"},
    (Role.STREET_OFFICER, DONGFENG): {"g1", "g2", "jk"},
    (Role.DISTRICT_OFFICER, YICHENG): {"g1", "g2", "jk", "xy"},
    (Role.CITY_ADMIN, CITY): {"g1", "g2", "jk", "xy", "xp"},
    (Role.PROFESSIONAL, DONGFENG): set(),
    (Role.VOLUNTEER, JIEFANG): set(),
}


@pytest.fixture
def people(make_resident):
    return {
        "g1": make_resident(JIEFANG_G1, name="g1").resident,
        "g2": make_resident(JIEFANG_G2, name="g2").resident,
        "jk": make_resident(JIANKANG + "001", name="jk").resident,
        "xy": make_resident(XIYUAN_COMMUNITY + "001", name="xy").resident,
        "xp": make_resident(XIPING_COMMUNITY + "001", name="xp").resident,
    }


@pytest.mark.parametrize(("role", "region"), list(EXPECTED))
def test_api_list_and_detail_are_scoped(role, region, people, make_staff, api_client):
    client = api_client(make_staff(role, region))
    listed = {r["display_name"] for r in client.get("/api/v1/residents?limit=200").json()}
    assert listed == EXPECTED[(role, region)]
    for key, resident in people.items():
        response = client.get(f"/api/v1/residents/{resident.pk}")
        if key in EXPECTED[(role, region)]:
            assert response.status_code == 200
            body = response.json()
            assert body["phone_masked"].count("*") == 4
            assert resident.user.phone not in response.content.decode()
        else:
            assert response.status_code == 404, (role, key)
            assert response.json()["code"] == "resident_not_found"


@pytest.mark.parametrize(("role", "region"), list(EXPECTED))
def test_pages_are_scoped(role, region, people, make_staff, login_client):
    client = login_client(make_staff(role, region))
    response = client.get("/workbench/residents/")
    if not EXPECTED[(role, region)] and role in (Role.PROFESSIONAL, Role.VOLUNTEER):
        assert response.status_code == 404
        return
    page = response.content.decode()
    for key, resident in people.items():
        shown = f"/workbench/residents/{resident.pk}/" in page
        assert shown == (key in EXPECTED[(role, region)]), (role, key)
        detail = client.get(f"/workbench/residents/{resident.pk}/")
        assert detail.status_code == (200 if key in EXPECTED[(role, region)] else 404)


def test_guessing_ids_finds_nothing_outside_scope(people, make_staff, api_client, login_client):
    worker = make_staff(Role.GRID_WORKER, JIEFANG_G1)
    client, pages = api_client(worker), login_client(worker)
    highest = max(r.pk for r in ResidentProfile.objects.all())
    found = {
        pk
        for pk in range(1, highest + 5)
        if client.get(f"/api/v1/residents/{pk}").status_code == 200
    }
    assert found == {people["g1"].pk}
    for pk in range(1, highest + 5):
        for suffix in ("", "reveal-phone/", "verify/"):
            method = pages.get if not suffix else pages.post
            status = method(f"/workbench/residents/{pk}/{suffix}", {"reason": "x" * 5}).status_code
            if pk != people["g1"].pk:
                assert status == 404, (pk, suffix)


def test_resident_sees_only_themself(people, api_client):
    client = api_client(people["g1"].user)
    assert client.get("/api/v1/residents").json() == []
    assert client.get(f"/api/v1/residents/{people['g1'].pk}").status_code == 200
    assert client.get(f"/api/v1/residents/{people['g2'].pk}").status_code == 404


def test_resident_cannot_open_staff_pages(people, login_client):
    client = login_client(people["g1"].user)
    assert client.get("/workbench/").status_code == 404
    assert client.get(f"/workbench/residents/{people['g1'].pk}/").status_code == 404


def test_anonymous_is_sent_to_sign_in(client, people):
    assert client.get("/workbench/").status_code == 302
    assert client.get("/api/v1/residents").status_code == 401


def test_reveal_phone_is_logged_and_limited_to_handling_roles(people, make_staff, api_client):
    worker = api_client(make_staff(Role.GRID_WORKER, JIEFANG_G1))
    url = f"/api/v1/residents/{people['g1'].pk}/reveal-phone"
    response = worker.post(url, {"reason": "回电核实诉求"}, content_type="application/json")
    assert response.json()["value"] == people["g1"].user.phone
    log = SensitiveAccessLog.objects.get()
    assert (log.field, log.subject_id, log.reason) == (
        "phone",
        str(people["g1"].pk),
        "回电核实诉求",
    )
    # an empty reason is refused and logs nothing
    assert worker.post(url, {"reason": " "}, content_type="application/json").status_code == 400
    # a street officer sees the resident but not the full number
    street = api_client(make_staff(Role.STREET_OFFICER, DONGFENG))
    response = street.post(url, {"reason": "查看"}, content_type="application/json")
    assert response.status_code == 403
    assert SensitiveAccessLog.objects.count() == 1


def test_verify_by_grid_worker_is_audited_and_not_repeatable(people, make_staff, api_client):
    worker = make_staff(Role.GRID_WORKER, JIEFANG_G1)
    client = api_client(worker)
    url = f"/api/v1/residents/{people['g1'].pk}/verify"
    body = client.post(url).json()
    assert body["verification_status"] == VerificationStatus.VERIFIED
    people["g1"].refresh_from_db()
    assert people["g1"].verified_by == worker
    assert (
        AuditLog.objects.filter(action="resident.verify", target_id=str(people["g1"].pk)).count()
        == 1
    )
    assert client.post(url).status_code == 409
    district = api_client(make_staff(Role.DISTRICT_OFFICER, YICHENG))
    assert district.post(f"/api/v1/residents/{people['g2'].pk}/verify").status_code == 403


def test_session_api_calls_need_csrf(people, make_staff):
    worker = make_staff(Role.GRID_WORKER, JIEFANG_G1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(worker, backend="jiaoliuba.accounts.backends.StaffPasswordBackend")
    assert client.get("/api/v1/residents").status_code == 200
    assert client.post(f"/api/v1/residents/{people['g1'].pk}/verify").status_code in (401, 403)
    people["g1"].refresh_from_db()
    assert people["g1"].verification_status == VerificationStatus.UNVERIFIED
