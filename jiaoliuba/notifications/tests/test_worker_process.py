"""The real worker process delivers a webhook to a local receiver."""

import time

import pytest

from jiaoliuba.notifications import services
from jiaoliuba.notifications.models import Delivery, WebhookEndpoint
from jiaoliuba.testing.worker import worker_process

SECRET = "worker-test-secret"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_process_delivers_a_signed_webhook(make_resident, webhook_receiver):
    receiver = webhook_receiver(SECRET)
    WebhookEndpoint.objects.create(name="receiver", url=receiver.url, secret=SECRET)
    services.notify(
        recipients=[make_resident()],
        kind="appeal.resolved",
        title="诉求已办结",
        body="谢谢您的耐心。",
        link="/appeals/1/",
        channels=(),
    )
    delivery = Delivery.objects.get()
    with worker_process():
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            delivery.refresh_from_db()
            if delivery.status != "pending":
                break
            time.sleep(0.2)
        assert delivery.status == "sent", (delivery.status, delivery.last_error)
        assert delivery.attempts == 1
        [request] = receiver.requests
        assert request.signature_ok
        assert request.headers["X-Jiaoliuba-Event"] == "appeal.resolved"
        assert "诉求已办结" in request.body.decode("utf-8")
