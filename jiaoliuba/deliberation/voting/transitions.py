"""The one table of what may be done to a vote: action → (from statuses, to status,
policy). The services enforce it; the console and the API derive their buttons and
their errors from it. Topic stages live in deliberation.transitions, not here."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jiaoliuba.core.transitions import Table, transition
from jiaoliuba.deliberation.voting import policies
from jiaoliuba.deliberation.voting.choices import VoteStatus

TRANSITIONS: Table = Table(
    (
        transition("open", (VoteStatus.DRAFT,), VoteStatus.OPEN, policies.may_manage),
        transition("close", (VoteStatus.OPEN,), VoteStatus.CLOSED, policies.may_manage),
        transition(
            "cancel", (VoteStatus.DRAFT, VoteStatus.OPEN), VoteStatus.CANCELLED, policies.may_manage
        ),
        transition("cast", (VoteStatus.OPEN,), None, policies.may_cast),
        # Paper ballots of an offline meeting, entered (and corrected) while the vote is open.
        transition("paper", (VoteStatus.OPEN,), None, policies.may_manage),
        transition("correct", (VoteStatus.OPEN,), None, policies.may_manage),
    ),
    state="status",
    wrong_state=_("This cannot be done while the vote is “%(status)s”."),
)


require = TRANSITIONS.require
check = TRANSITIONS.check
permits = TRANSITIONS.permits
offered = TRANSITIONS.offered
