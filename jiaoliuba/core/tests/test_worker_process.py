"""The real worker, as a separate process against the test database: it beats, enqueues
the due periodic task and runs it."""

import datetime as dt
import os
import subprocess
import sys
import time

import pytest
from django.db import connection

from jiaoliuba.accounts.models import OneTimeCode
from jiaoliuba.core.models import PeriodicTaskRun, WorkerHeartbeat


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or "postgres"
    host = settings["HOST"] or "127.0.0.1"
    return f"postgres://{user}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_process_beats_and_runs_periodic_task(client):
    OneTimeCode.objects.create(
        phone_hash="h", code_hash="c", expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
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
            if WorkerHeartbeat.objects.exists() and not OneTimeCode.objects.exists():
                break
            time.sleep(0.2)
        assert WorkerHeartbeat.objects.exists(), "no heartbeat"
        assert not OneTimeCode.objects.exists(), "periodic purge did not run"
        assert PeriodicTaskRun.objects.filter(
            name="jiaoliuba.accounts.tasks.purge_expired_codes"
        ).exists()
        assert client.get("/healthz").json()["worker"]["alive"] is True
        assert proc.poll() is None, "worker exited"
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=15)
    assert proc.returncode in (0, -15), output
