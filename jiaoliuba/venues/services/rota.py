"""The duty rota (值班): shifts at a venue, their completion (a volunteer's earns points),
and swap requests approved by the community's staff. Staff and grid workers' shifts are
mirrored into accounts.DutyShift, the rota appeal routing already prefers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts import services as account_services
from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.models import User
from jiaoliuba.accounts.selectors import user_covers, user_scope_paths, user_scope_regions
from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, PermissionDenied, ValidationFailed, lazy_format
from jiaoliuba.notifications.services import notify
from jiaoliuba.points.choices import Act
from jiaoliuba.points.services import points_award
from jiaoliuba.regions.models import Region
from jiaoliuba.venues import policies
from jiaoliuba.venues.choices import ActKind, DutyRole, EventKind, ShiftStatus, SwapStatus
from jiaoliuba.venues.models import Shift, SwapRequest, Venue
from jiaoliuba.venues.services._common import act, event, local_day
from jiaoliuba.venues.transitions import SHIFT_TRANSITIONS, SWAP_TRANSITIONS

MAX_SHIFT = dt.timedelta(hours=12)
ROLE_FOR_DUTY = {
    DutyRole.STAFF: policies.MANAGE_ROLES,
    DutyRole.GRID_WORKER: frozenset({Role.GRID_WORKER}),
    DutyRole.VOLUNTEER: frozenset({Role.VOLUNTEER}),
}


def duty_role_fits(person: Any, duty_role: str, path: str) -> bool:
    """The person holds the role the shift needs at the venue's community: staff covering
    it, a grid worker of one of its grids, a volunteer registered there (or above)."""
    roles = ROLE_FOR_DUTY.get(DutyRole(duty_role)) if duty_role in DutyRole.values else None
    if roles is None:
        return False
    if user_covers(person, path, roles=roles):
        return True
    return any(p.startswith(path) for p in user_scope_paths(person, roles=roles))


def _mirror_region(person: User, duty_role: str, venue: Venue) -> Region | None:
    """Where routing should see this person on duty: the community for staff, their grid
    for a grid worker; volunteers handle no appeals."""
    if duty_role == DutyRole.STAFF:
        return venue.region
    if duty_role == DutyRole.GRID_WORKER:
        return next(
            (r for r in user_scope_regions(person) if r.path.startswith(venue.region_path)), None
        )
    return None


def _mirror(person: User, shift: Shift) -> int | None:
    region = _mirror_region(person, shift.duty_role, shift.venue)
    if region is None:
        return None
    return account_services.duty_shift_add(
        user=person, region=region, starts_at=shift.starts_at, ends_at=shift.ends_at
    ).pk


def shift_create(
    *,
    actor: User,
    venue: Venue,
    person: User,
    duty_role: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
) -> Shift:
    if not policies.manages(actor, venue.region_path):
        raise PermissionDenied(
            _("Only the community's staff may plan the rota."), code="venue_not_manager"
        )
    if not ends_at > starts_at or ends_at - starts_at > MAX_SHIFT:
        raise ValidationFailed(
            _("A shift must end after it starts and last at most 12 hours."), code="shift_times"
        )
    if not duty_role_fits(person, duty_role, venue.region_path):
        raise ValidationFailed(
            _("That person holds no such role at this community."), code="shift_role"
        )
    with transaction.atomic():
        overlapping = Shift.objects.filter(
            person=person,
            status=ShiftStatus.SCHEDULED,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        ).exists()
        if overlapping:
            raise ValidationFailed(
                _("That person is already on duty at that time."), code="shift_overlap"
            )
        shift = Shift.objects.create(
            venue=venue,
            person=person,
            duty_role=duty_role,
            starts_at=starts_at,
            ends_at=ends_at,
            day=local_day(starts_at),
            created_by=actor,
            created_at=clock.now(),
        )
        mirrored = _mirror(person, shift)
        if mirrored:
            Shift.objects.filter(pk=shift.pk).update(duty_shift_id=mirrored)
            shift.duty_shift_id = mirrored
        event(
            venue,
            EventKind.SHIFT_CREATED,
            actor=actor,
            shift=shift,
            to_status=ShiftStatus.SCHEDULED,
            data={"person": person.pk, "duty_role": duty_role},
        )
    return shift


GUARD_REFUSALS = {
    "complete": _("A shift can be marked only once it has started."),
    "miss": _("A shift can be marked only once it has started."),
    "cancel": _("A shift that has started cannot be cancelled."),
    "request_swap": _("A shift that has started cannot be swapped."),
}


def _locked_shift(shift_id: int) -> Shift:
    return Shift.objects.select_for_update(of=("self",)).select_related("venue").get(pk=shift_id)


def _move_shift(shift: Shift, action: str, actor: User, kind: str) -> Shift:
    SHIFT_TRANSITIONS.check(
        shift, action, actor, _("Only the community's staff may do this."), code="shift_refused"
    )
    if not SHIFT_TRANSITIONS.guard_allows(action, shift):
        raise Conflict(GUARD_REFUSALS[action], code=f"shift_{action}_not_now")
    target = SHIFT_TRANSITIONS[action].target
    moved = Shift.objects.filter(pk=shift.pk, status=shift.status).update(status=target)
    if moved != 1:
        raise Conflict(_("Someone else changed this shift just now."), code="shift_changed")
    event(
        shift.venue,
        kind,
        actor=actor,
        shift=shift,
        from_status=shift.status,
        to_status=str(target),
    )
    shift.status = str(target)
    return shift


def shift_complete(*, actor: User, shift: Shift) -> Shift:
    """Staff confirm a shift was served; a volunteer's earns points (confirmed by them)
    and counts as taking part."""
    with transaction.atomic():
        fresh = _locked_shift(shift.pk)
        _move_shift(fresh, "complete", actor, EventKind.SHIFT_COMPLETED)
        if fresh.duty_role == DutyRole.VOLUNTEER:
            act(fresh.person, ActKind.VOLUNTEER_SHIFT, fresh.pk, fresh.day)
            points_award(
                user=fresh.person,
                act=Act.VOLUNTEER_SHIFT,
                source=f"venues.shift:{fresh.pk}",
                confirmed_by=actor,
            )
    return fresh


def shift_mark_missed(*, actor: User, shift: Shift) -> Shift:
    with transaction.atomic():
        fresh = _locked_shift(shift.pk)
        return _move_shift(fresh, "miss", actor, EventKind.SHIFT_MISSED)


def shift_cancel(*, actor: User, shift: Shift) -> Shift:
    with transaction.atomic():
        fresh = _locked_shift(shift.pk)
        _move_shift(fresh, "cancel", actor, EventKind.SHIFT_CANCELLED)
        if fresh.duty_shift_id:
            account_services.duty_shift_remove(shift_id=fresh.duty_shift_id)
    return fresh


def _text(message: Any, **params: Any) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % params if params else str(message)


def swap_request(*, actor: User, shift: Shift, replacement: User, reason: str = "") -> SwapRequest:
    """The person on the rota (or staff for them) asks to hand the shift to `replacement`."""
    reason = (reason or "").strip()
    if len(reason) > 200:
        raise ValidationFailed(_("The reason is longer than 200 characters."), code="swap_reason")
    with transaction.atomic():
        fresh = _locked_shift(shift.pk)
        SHIFT_TRANSITIONS.check(
            fresh,
            "request_swap",
            actor,
            _("Only the person on duty or the community's staff may ask for a swap."),
            code="swap_refused",
        )
        if not SHIFT_TRANSITIONS.guard_allows("request_swap", fresh):
            raise Conflict(GUARD_REFUSALS["request_swap"], code="shift_request_swap_not_now")
        if replacement.pk == fresh.person_id:
            raise ValidationFailed(
                _("Please choose someone else to take the shift."), code="swap_same_person"
            )
        if not duty_role_fits(replacement, fresh.duty_role, fresh.venue.region_path):
            raise ValidationFailed(
                _("That person holds no such role at this community."), code="shift_role"
            )
        try:
            with transaction.atomic():
                swap = SwapRequest.objects.create(
                    shift=fresh,
                    requested_by=actor,
                    replacement=replacement,
                    reason=reason,
                    created_at=clock.now(),
                )
        except IntegrityError as exc:
            raise Conflict(
                _("A swap of this shift is already awaiting approval."), code="swap_pending"
            ) from exc
        event(
            fresh.venue,
            EventKind.SWAP_REQUESTED,
            actor=actor,
            shift=fresh,
            swap=swap,
            to_status=SwapStatus.PENDING,
            data={"from": fresh.person_id, "to": replacement.pk},
        )
    return swap


def _locked_swap(swap_id: int) -> SwapRequest:
    return (
        SwapRequest.objects.select_for_update(of=("self",))
        .select_related("shift__venue", "replacement", "requested_by")
        .get(pk=swap_id)
    )


def _decide(swap: SwapRequest, action: str, actor: User, kind: str) -> SwapRequest:
    SWAP_TRANSITIONS.check(
        swap, action, actor, _("You may not decide this swap request."), code="swap_refused"
    )
    if not SWAP_TRANSITIONS.guard_allows(action, swap):
        raise Conflict(GUARD_REFUSALS["request_swap"], code="swap_shift_started")
    target = str(SWAP_TRANSITIONS[action].target)
    now = clock.now()
    moved = SwapRequest.objects.filter(pk=swap.pk, status=swap.status).update(
        status=target, decided_by=actor, decided_at=now
    )
    if moved != 1:
        raise Conflict(_("Someone else decided this request just now."), code="swap_changed")
    event(
        swap.shift.venue,
        kind,
        actor=actor,
        shift=swap.shift,
        swap=swap,
        from_status=swap.status,
        to_status=target,
    )
    swap.status, swap.decided_by, swap.decided_at = target, actor, now
    return swap


def swap_approve(*, actor: User, swap: SwapRequest) -> SwapRequest:
    """The shift passes to the replacement (and routing's mirror with it)."""
    with transaction.atomic():
        fresh = _locked_swap(swap.pk)
        shift = _locked_shift(fresh.shift_id)
        fresh.shift = shift
        _decide(fresh, "approve", actor, EventKind.SWAP_APPROVED)
        moved = Shift.objects.filter(pk=shift.pk, status=ShiftStatus.SCHEDULED).update(
            person=fresh.replacement
        )
        if moved != 1:
            raise Conflict(
                lazy_format(
                    _("This cannot be done while the shift is “%(status)s”."),
                    {"status": shift.get_status_display()},
                ),
                code="wrong_status",
            )
        if shift.duty_shift_id:
            account_services.duty_shift_remove(shift_id=shift.duty_shift_id)
        shift.person = fresh.replacement
        mirrored = _mirror(fresh.replacement, shift)
        Shift.objects.filter(pk=shift.pk).update(duty_shift_id=mirrored)
        when = shift.starts_at.astimezone(clock.SHANGHAI)
        notify(
            recipients=[fresh.replacement, fresh.requested_by],
            kind="venue.swap_approved",
            title=_text(_("Duty swap approved")),
            body=_text(
                _("%(venue)s, %(when)s: the shift is now %(name)s's."),
                venue=shift.venue.name,
                when=f"{when:%m-%d %H:%M}",
                name=str(fresh.replacement),
            ),
            channels=(),
            payload={"shift": shift.pk, "swap": fresh.pk},
        )
    return fresh


def swap_reject(*, actor: User, swap: SwapRequest) -> SwapRequest:
    with transaction.atomic():
        fresh = _locked_swap(swap.pk)
        return _decide(fresh, "reject", actor, EventKind.SWAP_REJECTED)


def swap_withdraw(*, actor: User, swap: SwapRequest) -> SwapRequest:
    with transaction.atomic():
        fresh = _locked_swap(swap.pk)
        return _decide(fresh, "withdraw", actor, EventKind.SWAP_WITHDRAWN)
