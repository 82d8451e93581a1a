import pytest

from jiaoliuba.accounts import services
from jiaoliuba.accounts.choices import Role, VerificationStatus
from jiaoliuba.accounts.models import ResidentProfile
from jiaoliuba.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiaoliuba.core.models import AuditLog
from jiaoliuba.core.validators import id_number_check_digit
from jiaoliuba.testing.fixtures import JIANKANG, JIEFANG, JIEFANG_G1, JIEFANG_G2, XIPING_COMMUNITY

pytestmark = pytest.mark.django_db


def test_resident_chooses_community_and_grid_on_the_page(client, regions):
    user = services.resident_register(phone="13600000001")
    client.force_login(user, backend="jiaoliuba.accounts.backends.StaffPasswordBackend")
    assert client.get("/me/").status_code == 200
    response = client.post(
        "/me/profile/",
        {"display_name": "李大爷", "community": JIEFANG, "grid": JIEFANG_G2, "address": "5号楼"},
    )
    assert response.status_code == 302
    profile = ResidentProfile.objects.get(user=user)
    assert (profile.community.code, profile.grid.code, profile.address) == (
        JIEFANG,
        JIEFANG_G2,
        "5号楼",
    )
    assert "李大爷" in client.get("/me/").content.decode()


def test_grid_must_belong_to_community(client, regions):
    user = services.resident_register(phone="13600000001")
    client.force_login(user, backend="jiaoliuba.accounts.backends.StaffPasswordBackend")
    response = client.post(
        "/me/profile/",
        {"display_name": "李", "community": JIANKANG, "grid": JIEFANG_G1, "address": ""},
    )
    assert response.status_code == 200  # the form again, with the error
    assert ResidentProfile.objects.get(user=user).community is None


def test_moving_community_drops_verification(regions, make_resident, make_staff):
    resident = make_resident(JIEFANG_G1).resident
    services.resident_verify(actor=make_staff(Role.GRID_WORKER, JIEFANG_G1), resident=resident)
    services.resident_profile_update(
        actor=resident.user, resident=resident, community=regions[XIPING_COMMUNITY]
    )
    resident.refresh_from_db()
    assert resident.verification_status == VerificationStatus.UNVERIFIED
    entry = AuditLog.objects.filter(action="resident.update").latest("id")
    assert entry.changes["verification_status"] == ["verified", "unverified"]


def test_id_number_is_validated_encrypted_and_unique(regions, make_resident):
    first17 = "41170219900307123"
    valid = first17 + id_number_check_digit(first17)
    a = make_resident(JIEFANG_G1).resident
    b = make_resident(JIEFANG_G1).resident
    with pytest.raises(ValidationFailed):
        services.resident_profile_update(
            actor=a.user,
            resident=a,
            id_number=valid[:17] + "0" if valid[17] != "0" else valid[:17] + "1",
        )
    services.resident_profile_update(actor=a.user, resident=a, id_number=valid)
    assert ResidentProfile.objects.get(pk=a.pk).id_number == valid
    with pytest.raises(Conflict):
        services.resident_profile_update(actor=b.user, resident=b, id_number=valid)


def test_other_resident_cannot_edit(regions, make_resident):
    a = make_resident(JIEFANG_G1).resident
    b = make_resident(JIEFANG_G1).resident
    with pytest.raises(PermissionDenied):
        services.resident_profile_update(actor=b.user, resident=a, address="x")


def test_api_patch_with_bad_values_changes_nothing(regions, make_resident, api_client):
    resident = make_resident(JIEFANG_G1, name="原名").resident
    client = api_client(resident.user)
    response = client.patch(
        f"/api/v1/residents/{resident.pk}",
        {"display_name": "新名", "id_number": "123"},
        content_type="application/json",
    )
    assert response.status_code == 400
    resident.user.refresh_from_db()
    assert resident.user.display_name == "原名"


def test_phone_registered_twice_is_a_conflict(regions):
    services.resident_register(phone="13600000001")
    with pytest.raises(Conflict):
        services.resident_register(phone="136 0000 0001")
