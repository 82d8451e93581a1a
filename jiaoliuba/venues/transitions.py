"""The tables of what may be done to a shift, a swap request and a visit: action →
(from states, to state, policy, guard). Services enforce them (`check`/`require`);
pages and the API derive their buttons from them (`offered`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jiaoliuba.core import clock
from jiaoliuba.core.transitions import Table, transition
from jiaoliuba.venues import policies
from jiaoliuba.venues.choices import APPEALABLE_OUTCOMES, ShiftStatus, SwapStatus, VisitStatus
from jiaoliuba.venues.models import Shift, SwapRequest, Visit

_t = transition


def _shift_manager(user: Any, shift: Shift) -> bool:
    return policies.manages(user, shift.venue.region_path)


def _shift_holder_or_manager(user: Any, shift: Shift) -> bool:
    return shift.person_id == getattr(user, "pk", None) or _shift_manager(user, shift)


def _started(shift: Shift) -> bool:
    return clock.now() >= shift.starts_at


def _not_started(shift: Shift) -> bool:
    return clock.now() < shift.starts_at


SHIFT_TRANSITIONS: Table = Table(
    (
        _t("complete", (ShiftStatus.SCHEDULED,), ShiftStatus.COMPLETED, _shift_manager, _started),
        _t("miss", (ShiftStatus.SCHEDULED,), ShiftStatus.MISSED, _shift_manager, _started),
        _t(
            "cancel",
            (ShiftStatus.SCHEDULED,),
            ShiftStatus.CANCELLED,
            _shift_manager,
            _not_started,
        ),
        _t("request_swap", (ShiftStatus.SCHEDULED,), None, _shift_holder_or_manager, _not_started),
    ),
    state="status",
    wrong_state=_("This cannot be done while the shift is “%(status)s”."),
)


def _swap_manager(user: Any, swap: SwapRequest) -> bool:
    return policies.manages(user, swap.shift.venue.region_path)


def _swap_requester(user: Any, swap: SwapRequest) -> bool:
    return swap.requested_by_id == getattr(user, "pk", None)


def _shift_not_started(swap: SwapRequest) -> bool:
    return clock.now() < swap.shift.starts_at


SWAP_TRANSITIONS: Table = Table(
    (
        _t(
            "approve",
            (SwapStatus.PENDING,),
            SwapStatus.APPROVED,
            _swap_manager,
            _shift_not_started,
        ),
        _t("reject", (SwapStatus.PENDING,), SwapStatus.REJECTED, _swap_manager),
        _t("withdraw", (SwapStatus.PENDING,), SwapStatus.WITHDRAWN, _swap_requester),
    ),
    state="status",
    wrong_state=_("This cannot be done while the swap request is “%(status)s”."),
)


def _visit_desk(user: Any, visit: Visit) -> bool:
    return policies.sees(user, visit.region_path)


def _appealable(visit: Visit) -> bool:
    return visit.outcome in APPEALABLE_OUTCOMES and visit.appeal_id is None


VISIT_TRANSITIONS: Table = Table(
    (_t("to_appeal", (VisitStatus.LOGGED,), VisitStatus.APPEALED, _visit_desk, _appealable),),
    state="status",
    wrong_state=_("This cannot be done while the visit is “%(status)s”."),
)
