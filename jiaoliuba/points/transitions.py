"""The one table of what may be done to a redemption: action → (from statuses, to status,
policy). The services enforce it; pages and the API derive their buttons from it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jiaoliuba.core.transitions import Table, transition
from jiaoliuba.points import policies
from jiaoliuba.points.choices import HonourStatus, RedemptionStatus

TRANSITIONS: Table = Table(
    (
        transition(
            "fulfil", (RedemptionStatus.PLACED,), RedemptionStatus.FULFILLED, policies.may_fulfil
        ),
        transition(
            "cancel", (RedemptionStatus.PLACED,), RedemptionStatus.CANCELLED, policies.may_cancel
        ),
    ),
    state="status",
    wrong_state=_("This cannot be done while the redemption is “%(status)s”."),
)

# Honours: nominated → confirmed, or withdrawn before or after confirmation.
HONOURS: Table = Table(
    (
        transition(
            "confirm", (HonourStatus.NOMINATED,), HonourStatus.CONFIRMED, policies.may_confirm
        ),
        transition(
            "withdraw",
            (HonourStatus.NOMINATED, HonourStatus.CONFIRMED),
            HonourStatus.WITHDRAWN,
            policies.may_nominate,
        ),
    ),
    state="status",
    wrong_state=_("This cannot be done while the honour is “%(status)s”."),
)

require = TRANSITIONS.require
permits = TRANSITIONS.permits
offered = TRANSITIONS.offered
