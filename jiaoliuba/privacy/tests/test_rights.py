"""PIPL rights end to end: a resident who has done a bit of everything gets a full copy,
then deletes; history keeps its figures and loses the person."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client

from jiaoliuba.accounts import guardians
from jiaoliuba.accounts import services as accounts
from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.models import ApiToken, GuardianConsent, ResidentProfile, User
from jiaoliuba.appeals.models import Appeal
from jiaoliuba.appeals.services.intake import Intake, appeal_submit
from jiaoliuba.core import clock
from jiaoliuba.core.errors import PermissionDenied, ValidationFailed
from jiaoliuba.core.models import SmsOutbox
from jiaoliuba.core.validators import id_number_check_digit
from jiaoliuba.dashboards.models import AppealFact
from jiaoliuba.notifications.models import Notification
from jiaoliuba.privacy import registry, services
from jiaoliuba.privacy.choices import RequestKind
from jiaoliuba.privacy.models import PrivacyRequest
from jiaoliuba.testing.fixtures import JIEFANG, JIEFANG_G1, JIEFANG_G2
from jiaoliuba.testing.tasks import run_intake_follow_ups

pytestmark = pytest.mark.django_db
PHONE = "13911112222"


def id_for(born: dt.date) -> str:
    body = f"411702{born:%Y%m%d}123"
    return body + id_number_check_digit(body)


@pytest.fixture
def person(regions, make_resident, login_client):
    user = make_resident(JIEFANG_G1, name="王淑芬", phone=PHONE)
    profile = ResidentProfile.objects.get(user=user)
    accounts.resident_profile_update(
        actor=user, resident=profile, address="3号楼2单元402", id_number=id_for(dt.date(1961, 5, 4))
    )
    appeal_submit(
        submitter=user,
        intake=Intake(
            content="楼下垃圾桶满了三天没人清运，气味很大",
            community=regions[JIEFANG],
            contact_phone="13655556666",
        ),
    )
    run_intake_follow_ups()
    accounts.api_token_create(user=user, name="手机")
    SmsOutbox.objects.create(phone=PHONE, phone_hash=user.phone_hash, body="您的诉求已受理")
    return user


def test_the_copy_holds_everything_and_names_every_field(person, login_client):
    page = login_client(person).get("/me/data/")
    assert page.status_code == 200
    text = page.content.decode()
    for expected in (
        "王淑芬",
        PHONE,
        "3号楼2单元402",
        "楼下垃圾桶满了三天没人清运",
        "13655556666",
        "您的诉求已受理",
    ):
        assert expected in text
    download = login_client(person).get("/me/data/export.json")
    assert download["Content-Disposition"].startswith("attachment")
    copy = json.loads(download.content)
    appeals = copy["data"]["appeals"]["appeals"]["rows"]
    assert [row["content"] for row in appeals] == ["楼下垃圾桶满了三天没人清运，气味很大"]
    assert appeals[0]["contact_phone"] == "13655556666"
    assert copy["data"]["accounts"]["resident_profile"]["rows"][0]["id_number"] == id_for(
        dt.date(1961, 5, 4)
    )
    assert copy["data"]["notifications"]["notifications"]["rows"], "the receipt is in the inbox"
    # Every section of every source is there, titled and labelled, even when empty.
    for label, module in registry.sources():
        assert set(copy["data"][label]) == set(module.export(person))
    assert PrivacyRequest.objects.filter(kind=RequestKind.EXPORT, user=person).count() == 2


def test_nobody_else_gets_the_copy(person, api_client):
    assert Client().get("/me/data/").status_code == 302
    assert Client().get("/api/v1/me/data").status_code == 401
    other = User.objects.create_user(username=None)
    answer = api_client(other).get("/api/v1/me/data")
    assert answer.status_code == 200
    assert PHONE not in answer.content.decode()


def test_deletion_keeps_the_figures_and_loses_the_person(person, login_client):
    appeal = Appeal.objects.get(submitter=person)
    facts_before = AppealFact.objects.filter(submitter=person).count()
    client = login_client(person)
    refused = client.post("/me/data/erase/", {"confirmation": "yes"})
    assert refused.status_code == 400
    assert User.objects.get(pk=person.pk).phone == PHONE  # nothing changed

    done = client.post("/me/data/erase/", {"confirmation": "注销"})
    assert done.status_code == 200
    assert client.get("/me/").status_code == 302  # signed out

    person.refresh_from_db()
    assert (person.phone, person.phone_hash, person.username, person.is_active) == (
        "",
        None,
        None,
        False,
    )
    assert person.display_name == "已注销用户" and not person.has_usable_password()
    profile = ResidentProfile.objects.get(user=person)
    assert (profile.address, profile.id_number, profile.id_number_hash) == ("", "", None)
    assert profile.region_path  # still counted in its community's population
    appeal.refresh_from_db()
    assert appeal.contact_phone == "" and appeal.submitter_id == person.pk
    assert appeal.content.startswith("楼下垃圾桶")
    assert AppealFact.objects.filter(submitter=person).count() == facts_before
    assert not ApiToken.objects.filter(user=person).exists()
    assert not Notification.objects.filter(recipient=person).exists()
    assert not SmsOutbox.objects.filter(phone_hash=accounts.phone_hash(PHONE)).exists()
    record = PrivacyRequest.objects.get(kind=RequestKind.ERASURE)
    assert record.counts["accounts"] >= 2 and record.counts["appeals"] == 1
    # Signing in again with the same number starts a new resident.
    accounts.otp_request(phone=PHONE, ip="10.0.0.9")
    sms = SmsOutbox.objects.get(phone_hash=accounts.phone_hash(PHONE))
    again = accounts.otp_verify(phone=PHONE, code=re.search(r"\d{6}", sms.body).group())
    assert again.pk != person.pk and again.display_name != "王淑芬"


def test_staff_accounts_are_not_deleted_from_the_page(regions, make_staff):
    worker = make_staff(Role.GRID_WORKER, JIEFANG_G1, username="g1")
    with pytest.raises(PermissionDenied):
        services.privacy_erase(user=worker, confirmation="注销")
    assert User.objects.get(pk=worker.pk).is_active


def test_erase_through_the_api(person, api_client):
    client = api_client(person)
    assert (
        client.post(
            "/api/v1/me/erase", {"confirmation": "no"}, content_type="application/json"
        ).status_code
        == 400
    )
    answer = client.post(
        "/api/v1/me/erase", {"confirmation": "DELETE"}, content_type="application/json"
    )
    assert answer.status_code == 200
    assert answer.json()["counts"]["appeals"] == 1
    # The token went with the account.
    assert client.get("/api/v1/me/data").status_code == 401


def test_a_child_id_needs_a_guardian_consent_first(regions, make_resident, make_staff):
    child = make_resident(JIEFANG_G1, name="小明")
    profile = ResidentProfile.objects.get(user=child)
    today = clock.local_now().date()
    thirteen = id_for(today.replace(year=today.year - 14) + dt.timedelta(days=1))
    fourteen = id_for(today.replace(year=today.year - 14))
    with pytest.raises(ValidationFailed) as refused:
        accounts.resident_profile_update(actor=child, resident=profile, id_number=thirteen)
    assert refused.value.code == "guardian_consent_required"
    profile.refresh_from_db()
    assert profile.id_number == ""
    worker = make_staff(Role.GRID_WORKER, JIEFANG_G1, username="g1")
    with pytest.raises(PermissionDenied):
        guardians.guardian_consent_record(
            actor=child, resident=profile, guardian_name="王芳", relation="母亲"
        )
    guardians.guardian_consent_record(
        actor=worker,
        resident=profile,
        guardian_name="王芳",
        relation="母亲",
        guardian_phone="13700001111",
    )
    accounts.resident_profile_update(actor=child, resident=profile, id_number=thirteen)
    assert GuardianConsent.objects.get(resident=profile).recorded_by == worker
    # Fourteen today is old enough on one's own.
    other = ResidentProfile.objects.get(user=make_resident(JIEFANG_G1, name="小红"))
    accounts.resident_profile_update(actor=other.user, resident=other, id_number=fourteen)


def test_staff_record_the_consent_on_the_resident_page(
    regions, make_resident, make_staff, login_client
):
    child = ResidentProfile.objects.get(user=make_resident(JIEFANG_G1, name="小刚"))
    worker = make_staff(Role.GRID_WORKER, JIEFANG_G1, username="g1")
    client = login_client(worker)
    page = client.get(f"/workbench/residents/{child.pk}/")
    assert "record-consent" in page.content.decode()
    bad = client.post(
        f"/workbench/residents/{child.pk}/guardian/", {"guardian_name": "", "relation": "父亲"}
    )
    assert bad.status_code == 400 and not GuardianConsent.objects.exists()
    bad_phone = client.post(
        f"/workbench/residents/{child.pk}/guardian/",
        {"guardian_name": "李强", "relation": "父亲", "guardian_phone": "12345"},
    )
    assert bad_phone.status_code == 400 and not GuardianConsent.objects.exists()
    done = client.post(
        f"/workbench/residents/{child.pk}/guardian/",
        {"guardian_name": "李强", "relation": "父亲", "guardian_phone": "13700002222"},
    )
    assert done.status_code == 302
    assert GuardianConsent.objects.get(resident=child).guardian_phone == "13700002222"
    assert "李强" in client.get(f"/workbench/residents/{child.pk}/").content.decode()
    # Someone outside the grid cannot reach the child's page at all.
    stranger = make_staff(Role.GRID_WORKER, JIEFANG_G2, username="g2")
    assert (
        login_client(stranger)
        .post(f"/workbench/residents/{child.pk}/guardian/", {"guardian_name": "x", "relation": "y"})
        .status_code
        == 404
    )
