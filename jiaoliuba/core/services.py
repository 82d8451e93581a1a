"""Writes shared by every app: the audit log, the sensitive-access log, worker beats."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from jiaoliuba.core import clock
from jiaoliuba.core.models import AuditLog, PeriodicTaskRun, SensitiveAccessLog, WorkerHeartbeat


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
