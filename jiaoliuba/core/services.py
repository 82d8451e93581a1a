"""Writes shared by every app: the audit log, the sensitive-access log, worker beats and
the requeue of tasks a dead worker left running."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jiaoliuba.core import clock
from jiaoliuba.core.models import AuditLog, PeriodicTaskRun, SensitiveAccessLog, WorkerHeartbeat

logger = logging.getLogger(__name__)


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def model_snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """Field values worth auditing; foreign keys by id, encrypted fields never."""
    snapshot = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        snapshot[name] = getattr(obj, attname)
    return _jsonable(snapshot)


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditLog:
    before = _jsonable(before or {})
    after = _jsonable(after or {})
    changes = {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        changes=changes,
        ip=ip,
    )


def sensitive_access_record(
    *, actor: Any, subject: models.Model, field: str, reason: str, ip: str | None = None
) -> SensitiveAccessLog:
    return SensitiveAccessLog.objects.create(
        actor=actor,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        field=field,
        reason=reason[:200],
        ip=ip,
    )


def worker_heartbeat_beat(
    *, worker_id: str, hostname: str, pid: int, started_at: dt.datetime
) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": hostname[:200],
            "pid": pid,
            "started_at": started_at,
            "last_seen_at": clock.now(),
        },
    )


def periodic_run_claim(*, name: str, every: dt.timedelta) -> bool:
    """True if this caller won the right to enqueue `name` now. Safe with many workers:
    the update only matches while the previous run is older than `every`."""
    now = clock.now()
    PeriodicTaskRun.objects.get_or_create(name=name, defaults={"last_enqueued_at": None})
    due = models.Q(last_enqueued_at__isnull=True) | models.Q(last_enqueued_at__lte=now - every)
    return PeriodicTaskRun.objects.filter(due, name=name).update(last_enqueued_at=now) == 1


def task_orphans_requeue(*, stale_seconds: float | None = None) -> list[str]:
    """Tasks left RUNNING by a worker that died (killed, out of memory, its machine gone)
    go back to READY, so another worker runs them. A worker beats from a thread of its
    own while its tasks run, so a RUNNING task whose worker has not beaten for
    WORKER_STALE_SECONDS belongs to a dead worker. Every task of the project is written
    to be run again safely (the appeal's follow-up checks its mark, notices are keyed);
    this is what makes the queue at-least-once. Returns the ids put back."""
    stale = settings.WORKER_STALE_SECONDS if stale_seconds is None else stale_seconds
    cutoff = clock.now() - dt.timedelta(seconds=stale)
    live = set(
        WorkerHeartbeat.objects.filter(last_seen_at__gt=cutoff).values_list("worker_id", flat=True)
    )
    running = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=cutoff
    ).values_list("id", "worker_ids", "task_path")
    requeued = []
    for task_id, worker_ids, task_path in running:
        if worker_ids and worker_ids[-1] in live:
            continue  # a long task of a live worker
        # Compare-and-set: two workers reaping at once put it back once.
        if DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY, started_at=None
        ):
            requeued.append(str(task_id))
            logger.warning(
                "task %s (%s) was left running by worker %s, which stopped beating; queued again",
                task_id,
                task_path,
                worker_ids[-1] if worker_ids else "?",
            )
    return requeued


def task_results_purge(*, batch: int = 5000) -> int:
    """Finished task rows past their keeping time (TASK_RESULTS_KEEP_DAYS; failures are
    kept four times as long, for whoever investigates them). Every appeal leaves one row,
    so without this the table grows with the city's history. Deleted in batches so the
    queue's own writers never wait long."""
    now = clock.now()
    keep = dt.timedelta(days=settings.TASK_RESULTS_KEEP_DAYS)
    removed = 0
    for status, cutoff in (
        (TaskResultStatus.SUCCESSFUL, now - keep),
        (TaskResultStatus.FAILED, now - 4 * keep),
    ):
        while True:
            ids = list(
                DBTaskResult.objects.filter(status=status, finished_at__lt=cutoff).values_list(
                    "pk", flat=True
                )[:batch]
            )
            if not ids:
                break
            removed += DBTaskResult.objects.filter(pk__in=ids).delete()[0]
    return removed
