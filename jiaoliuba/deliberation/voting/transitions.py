"""The one table of what may be done to a vote: action → (from statuses, to status,
policy). The services enforce it; the console and the API derive their buttons and
their errors from it. Topic stages live in deliberation.transitions, not here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from jiaoliuba.core.errors import Conflict
from jiaoliuba.deliberation.voting import policies
from jiaoliuba.deliberation.voting.choices import VoteStatus

Policy = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str | None  # None: the status stays
    policy: Policy

    def offered(self, user: Any, vote: Any) -> bool:
        return vote.status in self.sources and self.policy(user, vote)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("open", (VoteStatus.DRAFT,), VoteStatus.OPEN, policies.may_manage),
        Transition("close", (VoteStatus.OPEN,), VoteStatus.CLOSED, policies.may_manage),
        Transition(
            "cancel", (VoteStatus.DRAFT, VoteStatus.OPEN), VoteStatus.CANCELLED, policies.may_manage
        ),
        Transition("cast", (VoteStatus.OPEN,), None, policies.may_cast),
        # Paper ballots of an offline meeting, entered (and corrected) while the vote is open.
        Transition("paper", (VoteStatus.OPEN,), None, policies.may_manage),
        Transition("correct", (VoteStatus.OPEN,), None, policies.may_manage),
    )
}


def require(vote: Any, action: str) -> None:
    if vote.status not in TRANSITIONS[action].sources:
        raise Conflict(
            _("This cannot be done while the vote is “%(status)s”.")
            % {"status": vote.get_status_display()},
            code="wrong_status",
        )


def permits(action: str, user: Any, vote: Any) -> bool:
    return TRANSITIONS[action].policy(user, vote)


def offered(user: Any, vote: Any, actions: Iterable[str] | None = None) -> dict[str, bool]:
    names = TRANSITIONS if actions is None else actions
    return {name: TRANSITIONS[name].offered(user, vote) for name in names}
