from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Max

from jiaoliuba.core import clock
from jiaoliuba.core.models import SmsOutbox, WorkerHeartbeat


@dataclass(frozen=True)
class WorkerStatus:
    last_heartbeat: dt.datetime | None
    alive: bool


def worker_status() -> WorkerStatus:
    last = WorkerHeartbeat.objects.aggregate(last=Max("last_seen_at"))["last"]
    alive = (
        last is not None and (clock.now() - last).total_seconds() <= settings.WORKER_STALE_SECONDS
    )
    return WorkerStatus(last_heartbeat=last, alive=alive)


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def sms_outbox_for_phone(*, phone_hash: str) -> list[SmsOutbox]:
    """Development and test helper: what the outbox backend 'sent' to a number."""
    return list(SmsOutbox.objects.filter(phone_hash=phone_hash).order_by("-created_at", "-id"))
