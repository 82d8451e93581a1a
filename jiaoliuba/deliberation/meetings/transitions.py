"""The tables of what may be done to a meeting and to a resolution: action → (from
states, to state, policy, guard). The services enforce them (`require`, `permits`); pages
and the API derive their buttons from them (`offered`). A state or a rule changes here,
nowhere else.

A resolution's way: adopted by the meeting → (if it needs one) the vote → 公示 for N
calendar days → in effect (no upheld objection) or back to the meeting → carried out,
supervised and rated → closed. The sweep (actor None) ends 公示 and reads votes."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jiaoliuba.core import clock
from jiaoliuba.core.transitions import Table, transition
from jiaoliuba.deliberation.meetings import policies
from jiaoliuba.deliberation.meetings.choices import MeetingStatus, ResolutionStatus
from jiaoliuba.deliberation.models import Meeting, Resolution
from jiaoliuba.deliberation.voting.choices import VoteStatus

S = MeetingStatus
R = ResolutionStatus
OPEN = (S.SCHEDULED, S.IN_PROGRESS)
HELD = (S.IN_PROGRESS, S.CONCLUDED)


def _manage(user: Any, meeting: Meeting) -> bool:
    return policies.may_manage(user, meeting)


def _check_in(user: Any, meeting: Meeting) -> bool:
    return policies.may_check_in(user, meeting)


def _view(user: Any, meeting: Meeting) -> bool:
    return policies.may_view(user, meeting)


MEETING: Table = Table(
    (
        transition("start", (S.SCHEDULED,), S.IN_PROGRESS, _manage),
        transition("conclude", (S.IN_PROGRESS,), S.CONCLUDED, _manage),
        transition("cancel", (S.SCHEDULED,), S.CANCELLED, _manage),
        transition("invite", OPEN, None, _manage),
        transition("agenda", OPEN, None, _manage),
        transition("attendance", OPEN, None, _manage),
        transition("check_in", OPEN, None, _check_in, policies.checkin_open),
        transition("round", (S.IN_PROGRESS,), None, _manage),
        transition("statement", (S.IN_PROGRESS,), None, _manage),
        transition("minutes", HELD, None, _manage),
        transition("resolve", HELD, None, _manage),
        transition("view", tuple(S.values), None, _view),
    ),
    state="status",
    wrong_state=_("This cannot be done while the meeting is “%(status)s”."),
)


def _manage_r(user: Any, resolution: Resolution) -> bool:
    return policies.may_manage_resolution(user, resolution)


def _system_or_manage(user: Any, resolution: Resolution) -> bool:
    # The sweep acts with no person; staff may press the same button sooner.
    return user is None or policies.may_manage_resolution(user, resolution)


def _object(user: Any, resolution: Resolution) -> bool:
    return policies.may_object(user, resolution)


def _supervise(user: Any, resolution: Resolution) -> bool:
    return policies.is_supervisor(user, resolution)


def _needs_no_vote_or_passed(resolution: Resolution) -> bool:
    return not resolution.requires_vote or resolution.vote_passed is True


def _needs_vote(resolution: Resolution) -> bool:
    return resolution.requires_vote and resolution.vote_id is None


def _vote_done(resolution: Resolution) -> bool:
    vote = resolution.vote
    return vote is not None and vote.status in (VoteStatus.CLOSED, VoteStatus.CANCELLED)


def _publicity_over(resolution: Resolution) -> bool:
    ends = resolution.publicity_ends_at
    return ends is not None and clock.now() >= ends


RESOLUTION: Table = Table(
    (
        transition("open_vote", (R.ADOPTED,), R.VOTING, _manage_r, _needs_vote),
        # The vote's result: passed → adopted (then 公示), failed → back to the meeting.
        transition("vote_result", (R.VOTING,), None, _system_or_manage, _vote_done),
        transition("publish", (R.ADOPTED,), R.PUBLICITY, _manage_r, _needs_no_vote_or_passed),
        transition("object", (R.PUBLICITY,), None, _object),
        transition("answer", (R.PUBLICITY,), None, _manage_r),
        # 公示 over: in effect without an upheld objection, else back to the meeting.
        transition("end_publicity", (R.PUBLICITY,), None, _system_or_manage, _publicity_over),
        transition("milestone", (R.PUBLICITY, R.EFFECTIVE), None, _manage_r),
        transition("progress", (R.EFFECTIVE,), None, _manage_r),
        transition("supervisor", (R.PUBLICITY, R.EFFECTIVE), None, _manage_r),
        transition("check", (R.EFFECTIVE,), None, _supervise),
        transition("rate", (R.EFFECTIVE,), None, _object),
        transition("close", (R.EFFECTIVE,), R.CLOSED, _manage_r),
    ),
    state="status",
    wrong_state=_("This cannot be done while the resolution is “%(status)s”."),
)
