import pytest

from jiaoliuba.core.models import AuditLog
from jiaoliuba.core.services import audit_record
from jiaoliuba.regions.models import Region

pytestmark = pytest.mark.django_db


def test_audit_record_keeps_only_changed_fields():
    region = Region.objects.create(
        code="411700000000", name="驻马店市", level="city", path="000411700000000"
    )
    entry = audit_record(
        actor=None,
        action="region.rename",
        target=region,
        before={"name": "旧名", "level": "city"},
        after={"name": "驻马店市", "level": "city"},
    )
    entry.refresh_from_db()
    assert entry.changes == {"name": ["旧名", "驻马店市"]}
    assert entry.target_type == "regions.region"
    assert entry.target_id == str(region.pk)


def test_admin_change_is_audited(admin_client):
    region = Region.objects.create(
        code="411700000000", name="驻马店市", level="city", path="000411700000000"
    )
    response = admin_client.post(f"/admin/regions/region/{region.pk}/change/", {"name": "驻马店"})
    assert response.status_code == 302
    entry = AuditLog.objects.get(action="admin.change")
    assert entry.changes["name"] == ["驻马店市", "驻马店"]
