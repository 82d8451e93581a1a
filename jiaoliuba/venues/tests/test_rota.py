"""The duty rota: shifts mirrored for routing, the person on duty, swaps through their
transition table, and a volunteer's completed shift paying points once."""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.models import DutyShift
from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiaoliuba.points.models import PointsEntry
from jiaoliuba.venues import selectors, services
from jiaoliuba.venues.choices import DutyRole, ShiftStatus, SwapStatus
from jiaoliuba.venues.models import VenueAct, VenueEvent

from .conftest import local

WED = dt.date(2026, 9, 30)


@pytest.fixture
def evening(venue, staff):
    return services.shift_create(
        actor=staff,
        venue=venue,
        person=staff,
        duty_role=DutyRole.STAFF,
        starts_at=local(WED, 17),
        ends_at=local(WED, 20),
    )


def test_shift_is_on_duty_and_mirrored_for_routing(venue, staff, evening, regions):
    mirror = DutyShift.objects.get(pk=evening.duty_shift_id)
    assert (mirror.user, mirror.region, mirror.starts_at) == (staff, venue.region, local(WED, 17))
    with clock.pinned(local(WED, 19)):
        (on_duty,) = selectors.venue_on_duty(venue)
        assert on_duty.user_id == staff.pk and on_duty.duty_role == DutyRole.STAFF
        assert selectors.on_duty_users(region=venue.region) == [staff]
        grid = regions["411702001001001"]
        assert selectors.on_duty_users(region=grid) == [staff]
    with clock.pinned(local(WED, 20)):
        assert selectors.venue_on_duty(venue) == []


def test_grid_worker_mirrored_at_their_grid(venue, staff, grid_worker):
    shift = services.shift_create(
        actor=staff,
        venue=venue,
        person=grid_worker,
        duty_role=DutyRole.GRID_WORKER,
        starts_at=local(WED, 9),
        ends_at=local(WED, 12),
    )
    assert DutyShift.objects.get(pk=shift.duty_shift_id).region.code == "411702001001001"


def test_wrong_role_and_overlap_are_refused(venue, staff, grid_worker, evening):
    with pytest.raises(ValidationFailed):
        services.shift_create(
            actor=staff,
            venue=venue,
            person=grid_worker,
            duty_role=DutyRole.VOLUNTEER,
            starts_at=local(WED, 9),
            ends_at=local(WED, 12),
        )
    with pytest.raises(ValidationFailed):
        services.shift_create(
            actor=staff,
            venue=venue,
            person=staff,
            duty_role=DutyRole.STAFF,
            starts_at=local(WED, 19),
            ends_at=local(WED, 21),
        )
    with pytest.raises(PermissionDenied):
        services.shift_create(
            actor=grid_worker,
            venue=venue,
            person=grid_worker,
            duty_role=DutyRole.GRID_WORKER,
            starts_at=local(WED, 9),
            ends_at=local(WED, 12),
        )


def test_swap_approved_moves_the_shift_and_the_mirror(venue, staff, make_staff, evening):
    colleague = make_staff(Role.COMMUNITY_SECRETARY, venue.region.code)
    with clock.pinned(local(WED, 10)):
        swap = services.swap_request(
            actor=staff, shift=evening, replacement=colleague, reason="家里有事"
        )
        with pytest.raises(Conflict):  # one pending request per shift
            services.swap_request(actor=staff, shift=evening, replacement=colleague)
        services.swap_approve(actor=colleague, swap=swap)
        with pytest.raises(Conflict):  # already decided
            services.swap_reject(actor=colleague, swap=swap)
    evening.refresh_from_db()
    swap.refresh_from_db()
    assert evening.person == colleague and swap.status == SwapStatus.APPROVED
    assert DutyShift.objects.get(pk=evening.duty_shift_id).user == colleague
    assert DutyShift.objects.filter(user=staff).count() == 0
    kinds = list(
        VenueEvent.objects.filter(shift=evening)
        .order_by("pk")
        .values_list("kind", "from_status", "to_status")
    )
    assert kinds == [
        ("shift_created", "", "scheduled"),
        ("swap_requested", "", "pending"),
        ("swap_approved", "pending", "approved"),
    ]


def test_swap_refused_once_the_shift_started(venue, staff, make_staff, evening):
    colleague = make_staff(Role.COMMUNITY_STAFF, venue.region.code)
    with clock.pinned(local(WED, 17, 30)), pytest.raises(Conflict):
        services.swap_request(actor=staff, shift=evening, replacement=colleague)


def test_volunteer_shift_completed_pays_points_once(venue, staff, volunteer):
    shift = services.shift_create(
        actor=staff,
        venue=venue,
        person=volunteer,
        duty_role=DutyRole.VOLUNTEER,
        starts_at=local(WED, 14, 30),
        ends_at=local(WED, 17, 30),
    )
    assert shift.duty_shift_id is None  # volunteers take no appeals
    with clock.pinned(local(WED, 14)), pytest.raises(Conflict):
        services.shift_complete(actor=staff, shift=shift)  # not started yet
    with clock.pinned(local(WED, 18)):
        services.shift_complete(actor=staff, shift=shift)
        with pytest.raises(Conflict):
            services.shift_complete(actor=staff, shift=shift)
    shift.refresh_from_db()
    assert shift.status == ShiftStatus.COMPLETED
    (entry,) = PointsEntry.objects.filter(account__user=volunteer)
    assert (entry.amount, entry.act) == (20, "volunteer_shift")  # the rule's default
    assert VenueAct.objects.filter(user=volunteer, kind="volunteer_shift", day=WED).count() == 1
