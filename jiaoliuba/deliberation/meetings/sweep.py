"""The periodic sweep of resolutions, like the appeals' (appeals/services/sweep.py): it
reads only rows whose time has come, through two indexed columns (a resolution's
next_sweep_at, a milestone's check_at), so it costs what is due, not what is open.
Idempotent: each turn is a compare-and-set and each overdue notice is stamped once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.choices import Role
from jiaoliuba.appeals.routing import holders
from jiaoliuba.core import clock
from jiaoliuba.core.errors import ApplicationError
from jiaoliuba.deliberation.meetings import resolutions
from jiaoliuba.deliberation.meetings._common import event, tell
from jiaoliuba.deliberation.meetings.choices import MeetingEventKind, ResolutionStatus
from jiaoliuba.deliberation.models import Milestone, Resolution
from jiaoliuba.deliberation.voting.choices import VoteStatus
from jiaoliuba.regions.choices import SEGMENT
from jiaoliuba.regions.models import Region

# An open vote is looked at again after this long (votes without a closing time).
VOTE_POLL = dt.timedelta(minutes=5)


@dataclass
class SweepReport:
    votes_read: int = 0
    effective: int = 0
    returned: int = 0
    overdue: int = 0


def resolutions_sweep(*, now: dt.datetime | None = None, batch: int = 200) -> SweepReport:
    now = now or clock.now()
    report = SweepReport()
    due = list(
        Resolution.objects.filter(next_sweep_at__lte=now)
        .select_related("vote")
        .order_by("next_sweep_at")[:batch]
    )
    for resolution in due:
        try:
            with clock.pinned(now):
                if resolution.status == ResolutionStatus.VOTING:
                    vote = resolution.vote
                    if vote is None or vote.status in (VoteStatus.DRAFT, VoteStatus.OPEN):
                        Resolution.objects.filter(
                            pk=resolution.pk, next_sweep_at=resolution.next_sweep_at
                        ).update(next_sweep_at=now + VOTE_POLL)
                        continue
                    fresh = resolutions.resolution_take_vote_result(resolution=resolution)
                    report.votes_read += 1
                    if fresh.status == ResolutionStatus.RETURNED:
                        report.returned += 1
                elif resolution.status == ResolutionStatus.PUBLICITY:
                    fresh = resolutions.resolution_end_publicity(resolution=resolution)
                    if fresh.status == ResolutionStatus.EFFECTIVE:
                        report.effective += 1
                    else:
                        report.returned += 1
                else:
                    Resolution.objects.filter(pk=resolution.pk).update(next_sweep_at=None)
        except ApplicationError:
            continue  # another worker or a person got there first
    report.overdue = _overdue_milestones(now, batch)
    return report


def _street_officers(path: str) -> list:
    street = Region.objects.filter(path=path[: 3 * SEGMENT]).first()
    return holders(Role.STREET_OFFICER, street) if street is not None else []


def _overdue_milestones(now: dt.datetime, batch: int) -> int:
    """Like appeal supervision: an overdue milestone tells the organiser and the street."""
    count = 0
    rows = list(
        Milestone.objects.filter(check_at__lte=now)
        .select_related("resolution__meeting__organiser")
        .order_by("check_at")[:batch]
    )
    for milestone in rows:
        with transaction.atomic():
            stamped = Milestone.objects.filter(
                pk=milestone.pk, check_at=milestone.check_at, done_at__isnull=True
            ).update(overdue_notified_at=now, check_at=None)
            if not stamped:
                continue
            resolution = milestone.resolution
            event(
                resolution.meeting,
                MeetingEventKind.MILESTONE_OVERDUE,
                resolution=resolution,
                message=milestone.title,
                data={"milestone": milestone.pk, "due_on": milestone.due_on.isoformat()},
            )
            tell(
                [resolution.meeting.organiser, *_street_officers(resolution.scope_path)],
                "milestone_overdue",
                _("Overdue milestone: %(title)s"),
                _("“%(milestone)s” of resolution “%(title)s” was due on %(due)s."),
                f"/resolutions/{resolution.pk}/",
                title=resolution.title,
                milestone=milestone.title,
                due=milestone.due_on.isoformat(),
            )
            count += 1
    return count
