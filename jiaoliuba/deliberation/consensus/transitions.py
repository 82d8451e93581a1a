"""The one table of what may be done to a consensus question: action → (from statuses,
to status, policy). The services enforce it; the pages and the API derive their buttons
and their errors from it. Who counts as a member or a manager is the topic's rule
(deliberation.policies), applied to the question's topic."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jiaoliuba.core.transitions import Table, transition
from jiaoliuba.deliberation import policies
from jiaoliuba.deliberation.consensus.choices import QuestionStatus
from jiaoliuba.deliberation.models import ConsensusQuestion

OPEN = (QuestionStatus.OPEN,)
ANY = tuple(QuestionStatus.values)


def _member(user: Any, question: ConsensusQuestion) -> bool:
    return policies.is_member(user, question.topic)


def _member_or_staff(user: Any, question: ConsensusQuestion) -> bool:
    return policies.is_member(user, question.topic) or policies.staff_sees(user, question.topic)


def _view(user: Any, question: ConsensusQuestion) -> bool:
    return policies.may_view(user, question.topic)


def _manage(user: Any, question: ConsensusQuestion) -> bool:
    return policies.may_manage(user, question.topic)


TRANSITIONS: Table = Table(
    (
        # Residents of the topic's area vote; staff do not take part in the map.
        transition("vote", OPEN, None, _member),
        transition("add_statement", OPEN, None, _member_or_staff),
        transition("close", OPEN, QuestionStatus.CLOSED, _manage),
        transition("reopen", (QuestionStatus.CLOSED,), QuestionStatus.OPEN, _manage),
        # A hidden statement stays hidden after the question is closed, too.
        transition("hide", ANY, None, _manage),
        # Anyone who can read a statement may report it; staff settle the reports.
        transition("flag", ANY, None, _view),
        transition("dismiss_flags", ANY, None, _manage),
    ),
    state="status",
    wrong_state=_("This cannot be done while the question is “%(status)s”."),
)

require = TRANSITIONS.require
permits = TRANSITIONS.permits
offered = TRANSITIONS.offered
