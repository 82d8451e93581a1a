"""The venues API under /api/v1/venues/: thin, parse → service or selector → the same
dicts as the pages (presenters). Errors are the ErrorOut of every route."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.utils.translation import gettext_lazy as _
from ninja import Router, Status

from jiaoliuba.accounts.selectors import user_by_id
from jiaoliuba.accounts.types import ApiRequest
from jiaoliuba.core import clock
from jiaoliuba.core.errors import NotFound, ValidationFailed
from jiaoliuba.venues import presenters, selectors, services
from jiaoliuba.venues.api.schemas import (
    AppealRef,
    FiguresOut,
    ShiftOut,
    SwapIn,
    SwapOut,
    VenueCardOut,
    VisitIn,
    VisitOut,
)

router = Router(tags=["venues"])


def _swap(swap) -> dict:
    return {
        "id": swap.pk,
        "shift_id": swap.shift_id,
        "replacement_id": swap.replacement_id,
        "status": swap.status,
    }


@router.get("", response=list[VenueCardOut])
def venue_list(request: ApiRequest):
    """Venues the caller may see: their community's (residents) or their scope's (staff)."""
    return [presenters.venue_card(v) for v in selectors.venue_list(user=request.auth)[:100]]


@router.get("/{venue_id}", response=VenueCardOut)
def venue_get(request: ApiRequest, venue_id: int):
    """Hours, open now or the next opening, the month's theme and who is on duty."""
    return presenters.venue_card(selectors.access_venue(user=request.auth, venue_id=venue_id))


@router.get("/{venue_id}/figures", response=FiguresOut)
def venue_figures(request: ApiRequest, venue_id: int, year: int | None = None):
    venue = selectors.access_staff_venue(user=request.auth, venue_id=venue_id)
    figures = selectors.venue_year_figures(venue, year or clock.local_now().year)
    return dataclasses.asdict(figures)


@router.get("/{venue_id}/visits", response=list[VisitOut])
def visit_list(request: ApiRequest, venue_id: int, limit: int = 50):
    venue = selectors.access_staff_venue(user=request.auth, venue_id=venue_id)
    rows = selectors.visit_list(user=request.auth, venue=venue)[: max(1, min(limit, 200))]
    return [presenters.visit_dict(v) for v in rows]


@router.post("/{venue_id}/visits", response={201: VisitOut})
def visit_log(request: ApiRequest, venue_id: int, payload: VisitIn):
    venue = selectors.access_staff_venue(user=request.auth, venue_id=venue_id)
    visit = services.visit_log(actor=request.auth, venue=venue, **payload.dict())
    return Status(201, presenters.visit_dict(visit))


@router.post("/visits/{visit_id}/appeal", response={201: AppealRef})
def visit_to_appeal(request: ApiRequest, visit_id: int):
    """The visit's suggestion or problem becomes an appeal in one step."""
    visit = selectors.access_visit(user=request.auth, visit_id=visit_id)
    appeal = services.visit_to_appeal(actor=request.auth, visit=visit)
    return Status(201, {"appeal_id": appeal.pk, "number": appeal.number})


@router.get("/visits/by-appeal/{appeal_id}", response=VisitOut)
def visit_by_appeal(request: ApiRequest, appeal_id: int):
    """The visit an appeal was made from (404 when none, or outside the caller's scope)."""
    visit = selectors.visit_for_appeal(user=request.auth, appeal_id=appeal_id)
    if visit is None:
        raise NotFound(_("No such visit."), code="visit_not_found")
    return presenters.visit_dict(visit)


@router.get("/{venue_id}/shifts", response=list[ShiftOut])
def shift_list(request: ApiRequest, venue_id: int, days: int = 31):
    venue = selectors.access_staff_venue(user=request.auth, venue_id=venue_id)
    today = clock.local_now().date()
    end = today + dt.timedelta(days=max(1, min(days, 93)))
    rows = selectors.shift_list(user=request.auth, venue=venue, start=today, end=end)
    return [presenters.shift_dict(s) for s in rows[:500]]


@router.get("/shifts/mine", response=list[ShiftOut])
def my_shifts(request: ApiRequest):
    return [presenters.shift_dict(s) for s in selectors.my_shifts(user=request.auth)[:100]]


@router.post("/shifts/{shift_id}/complete", response=ShiftOut)
def shift_complete(request: ApiRequest, shift_id: int):
    shift = selectors.access_shift(user=request.auth, shift_id=shift_id)
    return presenters.shift_dict(services.shift_complete(actor=request.auth, shift=shift))


@router.post("/shifts/{shift_id}/swaps", response={201: SwapOut})
def swap_request(request: ApiRequest, shift_id: int, payload: SwapIn):
    shift = selectors.access_shift(user=request.auth, shift_id=shift_id)
    replacement = user_by_id(user_id=payload.replacement_id)
    if replacement is None:
        raise ValidationFailed(_("Please choose a person."), code="person_required")
    swap = services.swap_request(
        actor=request.auth, shift=shift, replacement=replacement, reason=payload.reason
    )
    return Status(201, _swap(swap))


@router.post("/swaps/{swap_id}/{action}", response=SwapOut)
def swap_decide(request: ApiRequest, swap_id: int, action: str):
    """action: approve, reject (staff) or withdraw (the requester)."""
    swap = selectors.access_swap(user=request.auth, swap_id=swap_id)
    decide = {
        "approve": services.swap_approve,
        "reject": services.swap_reject,
        "withdraw": services.swap_withdraw,
    }.get(action)
    if decide is None:
        raise ValidationFailed(_("Unknown action."), code="unknown_action")
    return _swap(decide(actor=request.auth, swap=swap))
