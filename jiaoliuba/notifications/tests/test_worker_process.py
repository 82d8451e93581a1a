"""The real worker process delivers a webhook to a local receiver."""

import os
import subprocess
import sys
import time

import pytest
from django.db import connection

from jiaoliuba.notifications import services
from jiaoliuba.notifications.models import Delivery, WebhookEndpoint

SECRET = "worker-test-secret"


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or "postgres"
    host = settings["HOST"] or "127.0.0.1"
    return f"postgres://{user}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"


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
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "jiaoliuba", "worker", "--interval", "0.2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
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
        assert proc.poll() is None, "worker exited"
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=15)
    assert proc.returncode in (0, -15), output
