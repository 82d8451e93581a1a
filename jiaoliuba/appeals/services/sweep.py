"""The periodic sweep: overdue marks, reminders and closing unrated appeals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiaoliuba.appeals import clocks
from jiaoliuba.appeals.choices import (
    ClosureReason,
    EventKind,
    Status,
)
from jiaoliuba.appeals.models import (
    Appeal,
)
from jiaoliuba.appeals.services._common import _event, _handlers, _notify, _supervisors
from jiaoliuba.core import clock


@dataclass
class SweepReport:
    urged: int = 0
    supervised: int = 0
    closed_unrated: int = 0
    checked: int = 0


def appeals_sweep(*, now: dt.datetime | None = None, batch: int = 500) -> SweepReport:
    """催办 before a deadline and 督办 on breach, then close appeals left unrated. Looks only
    at appeals whose next_check_at has come (an index range), so it costs what is due,
    not what is open. Idempotent: each milestone is stamped once."""
    now = now or clock.now()
    report = SweepReport()
    while True:
        with transaction.atomic():
            due = list(
                Appeal.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(next_check_at__lte=now)
                .select_related(
                    "community__parent", "handling_region__parent", "assignee", "submitter"
                )
                .order_by("next_check_at")[:batch]
            )
            for appeal in due:
                report.checked += 1
                _sweep_one(appeal, now, report)
        if len(due) < batch:
            break
    report.closed_unrated = _close_unrated(now)
    return report


def _sweep_one(appeal: Appeal, now: dt.datetime, report: SweepReport) -> None:
    milestones = clocks.due_milestones(appeal, now)
    changed: list[str] = []
    for milestone in milestones:
        clock_name, action = milestone.split("_")
        due_at = appeal.response_due_at if clock_name == "response" else appeal.resolution_due_at
        data = {"clock": clock_name, "due_at": due_at.isoformat()}
        if action == "urge":
            setattr(appeal, f"{clock_name}_urged_at", now)
            changed.append(f"{clock_name}_urged_at")
            _event(appeal, EventKind.URGED, data=data, at=now)
            _notify(
                _handlers(appeal),
                "urged",
                _("Reminder: appeal %(number)s is due soon"),
                _("Deadline %(due)s."),
                appeal,
                due=due_at.astimezone(clock.SHANGHAI).strftime("%m-%d %H:%M"),
            )
            report.urged += 1
        else:
            setattr(appeal, f"{clock_name}_supervised_at", now)
            changed.append(f"{clock_name}_supervised_at")
            if getattr(appeal, f"{clock_name}_urged_at") is None:
                setattr(appeal, f"{clock_name}_urged_at", now)
                changed.append(f"{clock_name}_urged_at")
            _event(appeal, EventKind.SUPERVISED, data=data, at=now)
            _notify(
                _supervisors(appeal) + _handlers(appeal),
                "supervised",
                _("Overdue: appeal %(number)s"),
                _("The deadline %(due)s has passed; please supervise its handling."),
                appeal,
                due=due_at.astimezone(clock.SHANGHAI).strftime("%m-%d %H:%M"),
            )
            report.supervised += 1
    old_check = appeal.next_check_at
    clocks.refresh(appeal)
    Appeal.objects.filter(pk=appeal.pk, next_check_at=old_check).update(
        next_check_at=appeal.next_check_at, **{name: getattr(appeal, name) for name in changed}
    )


def _close_unrated(now: dt.datetime) -> int:
    cutoff = now - dt.timedelta(days=settings.APPEAL_RATING_DAYS)
    closed = 0
    for appeal in Appeal.objects.filter(status=Status.RESOLVED, resolved_at__lt=cutoff).order_by(
        "resolved_at"
    )[:1000]:
        with transaction.atomic():
            updated = Appeal.objects.filter(pk=appeal.pk, status=Status.RESOLVED).update(
                status=Status.CLOSED, closure_reason=ClosureReason.NOT_RATED, closed_at=now
            )
            if updated:
                _event(
                    appeal,
                    EventKind.CLOSED,
                    from_status=Status.RESOLVED,
                    to_status=Status.CLOSED,
                    visible=True,
                    data={"closure": ClosureReason.NOT_RATED},
                    at=now,
                )
                closed += 1
    return closed
