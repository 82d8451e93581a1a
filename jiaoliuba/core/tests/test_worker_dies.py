"""A worker killed in the middle of a task: the task is not lost. Real worker processes
against the test database; the first is killed with SIGKILL (no chance to clean up), the
second finds the task its dead peer left running and runs it."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys

import pytest
from django_tasks_db.models import DBTaskResult

from jiaoliuba.core import clock, services
from jiaoliuba.core.models import WorkerHeartbeat
from jiaoliuba.testing.slow_task import mark_then_work
from jiaoliuba.testing.worker import database_url, wait_until

STALE = 2.0  # seconds without a beat before a worker counts as dead (60 in production)


def _worker() -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "WORKER_STALE_SECONDS": str(STALE),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "jiaoliuba", "worker", "--interval", "0.2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _status(task_id) -> str:
    return DBTaskResult.objects.get(pk=task_id).status


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_task_left_running_by_a_killed_worker_is_run_by_another(tmp_path):
    result = mark_then_work.enqueue(str(tmp_path / "mark"), 120)
    first = _worker()
    try:
        assert wait_until(lambda: _status(result.id) == "RUNNING", seconds=180), "never taken"
        first_id = DBTaskResult.objects.get(pk=result.id).worker_ids[-1]
        # It keeps beating while the task runs (a long task is not a dead worker).
        seen = WorkerHeartbeat.objects.get(worker_id=first_id).last_seen_at
        assert wait_until(
            lambda: WorkerHeartbeat.objects.get(worker_id=first_id).last_seen_at > seen,
            seconds=30,
        )
        assert services.task_orphans_requeue(stale_seconds=STALE) == []
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert _status(result.id) == "RUNNING"  # left behind by the dead worker

    second = _worker()
    try:
        assert wait_until(lambda: _status(result.id) == "SUCCESSFUL", seconds=180), _status(
            result.id
        )
    finally:
        second.terminate()
        output, _ = second.communicate(timeout=15)
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.return_value == "resumed"  # run again, and it found its own mark
    assert len(row.worker_ids) == 2 and row.worker_ids[0] == first_id != row.worker_ids[1]
    assert "queued again" in output


@pytest.mark.django_db
def test_a_long_task_of_a_live_worker_is_left_alone(settings):
    result = mark_then_work.enqueue("/nonexistent/never-run", 1)
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim("alive-worker")
    DBTaskResult.objects.filter(pk=row.pk).update(
        started_at=row.started_at - dt.timedelta(minutes=30)
    )
    services.worker_heartbeat_beat(
        worker_id="alive-worker", hostname="h", pid=1, started_at=row.started_at
    )
    assert services.task_orphans_requeue() == []
    assert _status(result.id) == "RUNNING"
    # Once its worker stops beating for longer than the limit, it goes back to the queue.
    WorkerHeartbeat.objects.filter(worker_id="alive-worker").update(
        last_seen_at=row.started_at - dt.timedelta(minutes=30)
    )
    assert services.task_orphans_requeue() == [str(result.id)]
    assert _status(result.id) == "READY"
    assert services.task_orphans_requeue() == []  # once


@pytest.mark.django_db
def test_finished_task_rows_are_purged_after_their_keeping_time(settings):
    settings.TASK_RESULTS_KEEP_DAYS = 14
    now = clock.now()
    rows = {}
    for name, status, age_days in (
        ("old ok", "SUCCESSFUL", 15),
        ("new ok", "SUCCESSFUL", 13),
        ("old failure", "FAILED", 15),
        ("very old failure", "FAILED", 57),
        ("waiting", "READY", 400),
    ):
        result = mark_then_work.enqueue(name, 0)
        DBTaskResult.objects.filter(pk=result.id).update(
            status=status, finished_at=now - dt.timedelta(days=age_days)
        )
        rows[name] = result.id
    assert services.task_results_purge(batch=1) == 2
    left = {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)}
    assert left == {rows["new ok"], rows["old failure"], rows["waiting"]}
