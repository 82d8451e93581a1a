"""The real worker, as a separate process against the test database: it beats, enqueues
the due periodic task and runs it."""

import datetime as dt
import time

import pytest

from jiaoliuba.accounts.models import OneTimeCode
from jiaoliuba.core.models import PeriodicTaskRun, WorkerHeartbeat
from jiaoliuba.testing.worker import worker_process


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_process_beats_and_runs_periodic_task(client):
    OneTimeCode.objects.create(
        phone_hash="h", code_hash="c", expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    with worker_process():
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if WorkerHeartbeat.objects.exists() and not OneTimeCode.objects.exists():
                break
            time.sleep(0.2)
        assert WorkerHeartbeat.objects.exists(), "no heartbeat"
        assert not OneTimeCode.objects.exists(), "periodic purge did not run"
        assert PeriodicTaskRun.objects.filter(
            name="jiaoliuba.accounts.tasks.purge_expired_codes"
        ).exists()
        assert client.get("/healthz").json()["worker"]["alive"] is True
