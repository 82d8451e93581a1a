"""Administrators set the ranking weights in the admin; every change is audited and a
negative weight is refused without changing anything."""

import pytest

from jiaoliuba.accounts.models import User
from jiaoliuba.core.models import AuditLog
from jiaoliuba.dashboards.models import RankingWeight

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = User.objects.create_superuser("root", "s3cret-pass-123")
    client.force_login(admin, backend="jiaoliuba.accounts.backends.StaffPasswordBackend")
    return client


def test_default_weights_are_seeded_and_editable_with_an_audit_trail(admin_client):
    weight = RankingWeight.objects.get(kpi="satisfaction_rate")
    assert weight.weight == 30
    url = f"/admin/dashboards/rankingweight/{weight.pk}/change/"
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"kpi": "satisfaction_rate", "weight": "45"})
    assert response.status_code == 302
    weight.refresh_from_db()
    assert weight.weight == 45
    log = AuditLog.objects.filter(target_type__icontains="rankingweight").latest("id")
    assert "45" in str(log.changes)

    refused = admin_client.post(url, {"kpi": "satisfaction_rate", "weight": "-1"})
    assert refused.status_code == 200  # the form again, with the error
    weight.refresh_from_db()
    assert weight.weight == 45


def test_the_projection_state_is_read_only(admin_client):
    assert admin_client.get("/admin/dashboards/projectionstate/").status_code == 200
    assert admin_client.get("/admin/dashboards/projectionstate/add/").status_code == 403
