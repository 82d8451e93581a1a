import datetime as dt

import pytest

from jiaoliuba.core import clock, services
from jiaoliuba.core.models import PeriodicTaskRun, WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_missing_worker(client):
    body = client.get("/healthz").json()
    assert body["database"] == "ok"
    assert body["worker"] == {"alive": False, "last_heartbeat": None}


def test_healthz_reports_stale_and_fresh_heartbeat(client):
    services.worker_heartbeat_beat(worker_id="w1", hostname="h", pid=1, started_at=clock.now())
    assert client.get("/healthz").json()["worker"]["alive"] is True

    WorkerHeartbeat.objects.update(last_seen_at=clock.now() - dt.timedelta(minutes=5))
    body = client.get("/healthz").json()
    assert body["worker"]["alive"] is False
    assert body["worker"]["last_heartbeat"] is not None


def test_periodic_claim_is_exclusive_until_due():
    every = dt.timedelta(hours=1)
    assert services.periodic_run_claim(name="t", every=every) is True
    assert services.periodic_run_claim(name="t", every=every) is False

    PeriodicTaskRun.objects.update(last_enqueued_at=clock.now() - dt.timedelta(hours=2))
    assert services.periodic_run_claim(name="t", every=every) is True


def test_api_errors_carry_code_and_both_languages(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "not_authenticated"
    assert body["message_en"] == "Please sign in first."
    assert body["message_zh"] and body["message_zh"] != body["message_en"]


def test_api_validation_error_is_structured(client):
    response = client.post("/api/v1/auth/token", data="{}", content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"


def test_openapi_is_served(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/residents/{resident_id}" in spec["paths"]
