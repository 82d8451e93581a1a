"""The admin: a read-only delivery log with masked targets; audited webhook endpoints."""

import pytest

from jiaoliuba.accounts.models import User
from jiaoliuba.core.models import AuditLog
from jiaoliuba.notifications import services
from jiaoliuba.notifications.models import Delivery, WebhookEndpoint
from jiaoliuba.notifications.tasks import deliver

pytestmark = pytest.mark.django_db
PHONE = "13812345678"


@pytest.fixture
def admin_client(client):
    admin = User.objects.create_superuser("root", "s3cret-pass-123")
    client.force_login(admin, backend="jiaoliuba.accounts.backends.StaffPasswordBackend")
    return client


def test_delivery_log_masks_targets_and_is_read_only(admin_client, make_resident):
    user = make_resident(phone=PHONE)
    services.notify(recipients=[user], kind="appeal.accepted", title="已签收", body="")
    delivery = Delivery.objects.get()
    deliver.call(delivery.pk)

    listing = admin_client.get("/admin/notifications/delivery/?status__exact=sent")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "138****5678" in html and PHONE not in html
    detail = admin_client.get(f"/admin/notifications/delivery/{delivery.pk}/change/")
    assert detail.status_code == 200
    assert "138****5678" in detail.content.decode()
    assert PHONE not in detail.content.decode()
    assert admin_client.get("/admin/notifications/delivery/add/").status_code == 403
    assert admin_client.get("/admin/notifications/notification/").status_code == 200


def test_webhook_endpoints_are_kept_in_the_admin_with_an_audit_trail(admin_client):
    response = admin_client.post(
        "/admin/notifications/webhookendpoint/add/",
        {
            "name": "城市运行中心",
            "url": "https://ops.example.gov.cn/hooks",
            "active": "on",
            "kinds": "appeal",
            "secret": "shared-secret",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret == "shared-secret"
    entry = AuditLog.objects.get(action="admin.add", target_type="notifications.webhookendpoint")
    assert "shared-secret" not in str(entry.changes)
    assert entry.changes["url"] == [None, "https://ops.example.gov.cn/hooks"]


def test_endpoint_gets_a_random_secret_by_default():
    a = WebhookEndpoint.objects.create(name="a", url="https://a.example/")
    b = WebhookEndpoint.objects.create(name="b", url="https://b.example/")
    assert len(a.secret) >= 40 and a.secret != b.secret
