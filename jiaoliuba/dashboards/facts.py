"""The counting rules of DESIGN.md ("KPIs"), written once. Live updates and the rebuild
both call these functions, so the two cannot disagree about what an appeal counts as.

Only what is settled is counted here. Whether an open appeal is already late depends on
the time of the question, so selectors count those live from AppealFact's deadlines."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from jiaoliuba.appeals.choices import MediationOutcome, Priority, RatingLevel, Status
from jiaoliuba.appeals.models import Appeal, Mediation, Rating
from jiaoliuba.dashboards.models.facts import (
    APPEAL_COUNTERS,
    BAND_COUNTERS,
    RESPONSE_BAND_BOUNDS,
)

# The appeal columns the rules read: loading only these keeps a rebuild of a million
# appeals from decrypting phone numbers and carrying texts it never looks at.
APPEAL_FIELDS = (
    "id",
    "status",
    "region_path",
    "received_at",
    "category",
    "priority",
    "submitter_id",
    "is_anonymous",
    "dispatched_at",
    "first_response_at",
    "resolved_at",
    "response_due_at",
    "resolution_due_original_at",
    "extension_count",
    "return_count",
    "escalation_count",
    "is_repeat",
    "reopen_count",
)
RATING_FIELDS = ("id", "appeal_id", "level", "solved", "created_at")

# Rule 2: these count in 受理量 (received) only. A withdrawn appeal too: nobody handled it
# to an outcome, so it must neither count as resolved nor as late.
NOT_COUNTED = (Status.REJECTED, Status.MERGED, Status.WITHDRAWN)


def local_day(moment):
    return timezone.localtime(moment).date()


def appeal_fact_values(
    appeal: Appeal, latest_rating: Rating | None, submitter_path: str = ""
) -> dict[str, Any]:
    """AppealFact columns for one appeal in its present state."""
    valid = appeal.status not in NOT_COUNTED
    values: dict[str, Any] = {
        "path": appeal.region_path,
        "day": local_day(appeal.received_at),
        "category": appeal.category,
        "submitter_id": appeal.submitter_id,
        "submitter_path": submitter_path,
        "response_due_at": appeal.response_due_at,
        "resolution_due_original_at": appeal.resolution_due_original_at,
        "response_time": None,
        "received": 1,
        "valid": int(valid),
    }
    if not valid:
        return values
    dispatched = appeal.dispatched_at is not None
    values.update(
        red=int(appeal.priority == Priority.RED),
        yellow=int(appeal.priority == Priority.YELLOW),
        blue=int(appeal.priority == Priority.BLUE),
        anonymous=int(appeal.is_anonymous),
        dispatched=int(dispatched),
        extended=int(dispatched and appeal.extension_count > 0),
        returned=int(dispatched and appeal.return_count > 0),
        escalated=int(appeal.escalation_count > 0),
        repeat=int(appeal.is_repeat or appeal.reopen_count > 0),
        reopened=int(appeal.reopen_count > 0),
    )
    if appeal.first_response_at is not None:
        # An offline appeal may be entered with a received time after staff already
        # acted on it; a response never takes negative time.
        seconds = max(0, int((appeal.first_response_at - appeal.received_at).total_seconds()))
        on_time = appeal.first_response_at <= appeal.response_due_at
        values.update(
            response_time=seconds,
            responded=1,
            response_seconds=seconds,
            response_on_time=int(on_time),
            response_late=int(not on_time),
        )
    if appeal.resolved_at is not None:
        on_time = appeal.resolved_at <= appeal.resolution_due_original_at
        values.update(resolved=1, resolved_on_time=int(on_time), resolved_late=int(not on_time))
    if latest_rating is not None:
        values.update(
            rated=1,
            rated_satisfied=int(latest_rating.level == RatingLevel.SATISFIED),
            rated_basic=int(latest_rating.level == RatingLevel.BASIC),
            rated_unsatisfied=int(latest_rating.level == RatingLevel.UNSATISFIED),
            rated_solved=int(latest_rating.solved),
        )
    return values


def response_band(seconds: int) -> int:
    """The index of the band holding a response time (see RESPONSE_BANDS_HOURS)."""
    return bisect_right(RESPONSE_BAND_BOUNDS, seconds)


def appeal_counters(values: Mapping[str, Any]) -> dict[str, int]:
    """What one appeal fact adds to its rollups: its counters and its response band."""
    counters = {name: int(values.get(name) or 0) for name in APPEAL_COUNTERS}
    if values.get("response_time") is not None:
        counters[BAND_COUNTERS[response_band(values["response_time"])]] = 1
    return counters


def mediation_fact_values(mediation: Mediation, appeal: Appeal) -> dict[str, Any] | None:
    """MediationFact columns, or None while the mediation has not concluded."""
    if mediation.concluded_at is None:
        return None
    return {
        "path": appeal.region_path,
        "day": local_day(mediation.concluded_at),
        "category": appeal.category,
        "appeal_id": appeal.pk,
        "mediations_concluded": 1,
        "mediations_agreed": int(mediation.outcome == MediationOutcome.AGREEMENT),
    }
