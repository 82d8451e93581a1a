"""Deadlines and the sweep's next look at an appeal. Pure functions of the appeal's
columns, so services and the sweep compute them the same way."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from jiaoliuba.appeals import rulebook
from jiaoliuba.appeals.choices import OPEN_STATUSES, Priority
from jiaoliuba.appeals.models import Appeal
from jiaoliuba.core import workdays

# docs/appeal-loop.md: red 24 natural hours / 3 working days; yellow 1 / 3; blue 1 / 7.
DEFAULT_LIMITS = {
    Priority.RED: {
        "response_hours": 24,
        "response_working_days": None,
        "resolution_working_days": 3,
    },
    Priority.YELLOW: {
        "response_hours": None,
        "response_working_days": 1,
        "resolution_working_days": 3,
    },
    Priority.BLUE: {
        "response_hours": None,
        "response_working_days": 1,
        "resolution_working_days": 7,
    },
}


@dataclass(frozen=True)
class Deadlines:
    response_due_at: dt.datetime
    resolution_due_at: dt.datetime


def limits_for(priority: str, category: str, book: rulebook.Rulebook | None = None) -> dict:
    limits = (book or rulebook.get()).limits
    rule = limits.get((priority, category)) or limits.get((priority, ""))
    return rule if rule is not None else DEFAULT_LIMITS[Priority(priority)]


def deadlines_for(
    *,
    priority: str,
    category: str,
    received_at: dt.datetime,
    book: rulebook.Rulebook | None = None,
) -> Deadlines:
    limits = limits_for(priority, category, book)
    if limits["response_hours"]:
        response = workdays.deadline_natural_hours(received_at, limits["response_hours"])
    else:
        response = workdays.deadline_working_days(received_at, limits["response_working_days"] or 1)
    resolution = workdays.deadline_working_days(received_at, limits["resolution_working_days"])
    return Deadlines(response_due_at=response, resolution_due_at=max(resolution, response))


def urge_lead() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "APPEAL_URGE_LEAD_HOURS", 4))


def _milestones(appeal: Appeal) -> list[tuple[dt.datetime, str]]:
    """(when, what) still pending for the sweep: urge and supervise for each running clock."""
    if appeal.status not in OPEN_STATUSES:
        return []
    lead = urge_lead()
    pending = []
    if appeal.first_response_at is None:
        if appeal.response_urged_at is None:
            pending.append((appeal.response_due_at - lead, "response_urge"))
        if appeal.response_supervised_at is None:
            pending.append((appeal.response_due_at, "response_supervise"))
    if appeal.resolution_urged_at is None:
        pending.append((appeal.resolution_due_at - lead, "resolution_urge"))
    if appeal.resolution_supervised_at is None:
        pending.append((appeal.resolution_due_at, "resolution_supervise"))
    return pending


def refresh(appeal: Appeal) -> None:
    """Set current_due_at and next_check_at from the other columns (in memory)."""
    if appeal.status in OPEN_STATUSES:
        appeal.current_due_at = (
            appeal.response_due_at if appeal.first_response_at is None else appeal.resolution_due_at
        )
    else:
        appeal.current_due_at = None
    pending = _milestones(appeal)
    appeal.next_check_at = min(when for when, _what in pending) if pending else None


def due_milestones(appeal: Appeal, now: dt.datetime) -> list[str]:
    """Milestones whose time has come. A breach makes the reminder before it moot."""
    due = [what for when, what in _milestones(appeal) if when <= now]
    for clock in ("response", "resolution"):
        if f"{clock}_supervise" in due and f"{clock}_urge" in due:
            due.remove(f"{clock}_urge")
    return due
