"""What a resident reads about where their appeal stands: the five steps of the loop
(收集 → 分类 → 办理 → 反馈 → 评价), both deadlines with how each was kept, and how a
staff member is named to them (by post, never by a masked personal name)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.selectors import user_role_assignments
from jiaoliuba.appeals.choices import OPEN_STATUSES, Status
from jiaoliuba.appeals.models import Appeal
from jiaoliuba.core import clock

STAGES = (
    ("collect", pgettext_lazy("appeal stage", "Collect")),
    ("classify", pgettext_lazy("appeal stage", "Classify")),
    ("handle", pgettext_lazy("appeal stage", "Handle")),
    ("feedback", pgettext_lazy("appeal stage", "Feedback")),
    ("rate", pgettext_lazy("appeal stage", "Rate")),
)

# How far the loop has come for each status: the number of finished steps.
_DONE_STEPS = {
    Status.SUBMITTED: 1,
    Status.DISPATCHED: 2,
    Status.ACCEPTED: 2,
    Status.IN_PROGRESS: 2,
    Status.RESOLVED: 4,
    Status.RATED: 5,
    Status.CLOSED: 5,
    Status.REJECTED: 1,
}


def _latest_rating_at(appeal: Appeal) -> dt.datetime | None:
    return max((r.created_at for r in appeal.ratings.all()), default=None)


def progress_steps(appeal: Appeal) -> list[dict[str, Any]]:
    """[{key, label, state, at, note}] with state done / current / todo / stopped. A merged
    appeal shows its master's progress: that is where its matter is handled."""
    subject = appeal.merged_into if appeal.merged_into_id and appeal.merged_into else appeal
    status = subject.status
    done = _DONE_STEPS.get(Status(status), 1)
    resolved = subject.resolved_at
    finished_at = {
        "collect": appeal.received_at,
        "classify": subject.dispatched_at,
        "handle": resolved,
        "feedback": resolved,
        "rate": _latest_rating_at(subject) or subject.closed_at,
    }
    steps = []
    for index, (key, label) in enumerate(STAGES):
        if index < done:
            state, at = "done", finished_at[key]
        elif index == done and status == Status.REJECTED:
            state, at = "stopped", subject.closed_at
        elif index == done and status not in (Status.REJECTED, Status.CLOSED, Status.RATED):
            state, at = "current", None
        else:
            state, at = "todo", None
        note = ""
        if state == "stopped":
            note = _("Rejected as invalid")
        elif key == "rate" and state == "done" and not _latest_rating_at(subject):
            note = _("Not rated")
        steps.append({"key": key, "label": label, "state": state, "at": at, "note": note})
    return steps


def _deadline(due: dt.datetime, met_at: dt.datetime | None, *, running: bool, now) -> dict:
    if met_at is not None:
        state = "met" if met_at <= due else "late"
    elif running and due < now:
        state = "overdue"
    elif running:
        state = "pending"
    else:
        state = "none"
    return {"due": due, "at": met_at, "state": state}


def resident_deadlines(appeal: Appeal) -> dict[str, Any] | None:
    """Both clocks as the resident may read them. The 已超期 badge is shown exactly when
    one of these is 'overdue', so the badge never contradicts a date on the page."""
    if appeal.status in (Status.REJECTED, Status.MERGED):
        return None
    now = clock.now()
    running = appeal.status in OPEN_STATUSES
    return {
        "response": _deadline(
            appeal.response_due_at, appeal.first_response_at, running=running, now=now
        ),
        "resolution": _deadline(
            appeal.resolution_due_at, appeal.resolved_at, running=running, now=now
        ),
        "extended": appeal.resolution_due_at != appeal.resolution_due_original_at,
    }


# How a resident reads each post, e.g. "第1网格网格员", "解放路社区工作人员".
_POST_LABELS = {
    Role.GRID_WORKER: pgettext_lazy("staff post", "%(region)s grid worker"),
    Role.COMMUNITY_STAFF: pgettext_lazy("staff post", "%(region)s staff"),
    Role.COMMUNITY_SECRETARY: pgettext_lazy("staff post", "%(region)s party secretary"),
    Role.STREET_OFFICER: pgettext_lazy("staff post", "%(region)s staff"),
    Role.DISTRICT_OFFICER: pgettext_lazy("staff post", "%(region)s staff"),
    Role.CITY_ADMIN: pgettext_lazy("staff post", "%(region)s staff"),
    Role.PROFESSIONAL: pgettext_lazy("staff post", "%(region)s professional"),
    Role.VOLUNTEER: pgettext_lazy("staff post", "%(region)s volunteer"),
    Role.AUDITOR: pgettext_lazy("staff post", "%(region)s staff"),
}


def staff_post_label(actor: Any, appeal: Appeal | None) -> str:
    """The post through which `actor` acted on the appeal: the role held nearest above the
    appeal's place (else any role they hold). Residents read a post, not a name."""
    held = [a for a in user_role_assignments(user=actor) if a.role in _POST_LABELS]
    if appeal is not None:
        covering = [a for a in held if appeal.region_path.startswith(a.region.path)]
        held = sorted(covering, key=lambda a: -len(a.region.path)) or held
    if not held:
        return _("Staff")
    post = held[0]
    # The region name is data passed as an argument, never part of the format string.
    return str(_POST_LABELS[Role(post.role)]) % {"region": post.region.name}
