"""Reads of venues, always for the acting user and limited to what they may see: staff
their scope, a community's grid workers its venue, residents the venues of their own
community (access_* raise NotFound otherwise). What the community's public page shows
(hours, open now, the month's theme, who is on duty) is public by nature and read
without a user: `venue_public`, `community_venues`, `opening_state`, `venue_on_duty`,
`theme_for`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.choices import STAFF_ROLES, Role
from jiaoliuba.accounts.models import RoleAssignment, User
from jiaoliuba.accounts.selectors import scope_q, user_scope_paths
from jiaoliuba.accounts.types import Viewer
from jiaoliuba.core import clock
from jiaoliuba.core.clock import SHANGHAI
from jiaoliuba.core.errors import NotFound
from jiaoliuba.regions.choices import SEGMENT, RegionLevel
from jiaoliuba.regions.models import Region
from jiaoliuba.venues import policies, schedule
from jiaoliuba.venues.choices import (
    STANDARD_AREA_M2,
    DutyRole,
    ShiftStatus,
    SwapStatus,
    VisitOutcome,
    VisitStatus,
)
from jiaoliuba.venues.models import Shift, SwapRequest, Theme, Venue, Visit

# --- scoped reads -------------------------------------------------------------------


def _visible(user: Viewer) -> Q:
    condition = Q(pk__in=[])
    home = policies.home_path(user)
    if home:
        condition |= Q(region_path__in=[home[:n] for n in range(SEGMENT, len(home) + 1, SEGMENT)])
    if user_scope_paths(user, roles=STAFF_ROLES):
        condition |= scope_q(user, field="region_path")
        grids = user_scope_paths(user, roles=policies.GRID)
        condition |= Q(region_path__in=[g[:-SEGMENT] for g in grids])
    return condition


def venue_list(*, user: Viewer, managed: bool = False) -> QuerySet[Venue]:
    qs = Venue.objects.filter(_visible(user)).select_related("region")
    if managed:
        qs = qs.filter(scope_q(user, field="region_path", roles=policies.MANAGE_ROLES))
    return qs.order_by("region_path", "pk")


def access_venue(*, user: Viewer, venue_id: int) -> Venue:
    venue = venue_list(user=user).filter(pk=venue_id).first()
    if venue is None:
        raise NotFound(_("No such venue."), code="venue_not_found")
    return venue


def access_staff_venue(*, user: Viewer, venue_id: int) -> Venue:
    """A venue whose rota and visit log the user keeps (staff, its grid workers)."""
    venue = Venue.objects.filter(pk=venue_id).select_related("region").first()
    if venue is None or not policies.sees(user, venue.region_path):
        raise NotFound(_("No such venue."), code="venue_not_found")
    return venue


def shift_list(*, user: Viewer, venue: Venue, start: dt.date, end: dt.date) -> QuerySet[Shift]:
    if not policies.sees(user, venue.region_path):
        return Shift.objects.none()
    return (
        Shift.objects.filter(venue=venue, day__gte=start, day__lte=end)
        .select_related("person", "venue")
        .order_by("starts_at", "pk")
    )


def my_shifts(*, user: Viewer) -> QuerySet[Shift]:
    return (
        Shift.objects.filter(person_id=getattr(user, "pk", 0) or 0, ends_at__gte=clock.now())
        .select_related("venue")
        .order_by("starts_at", "pk")
    )


def access_shift(*, user: Viewer, shift_id: int) -> Shift:
    shift = Shift.objects.filter(pk=shift_id).select_related("venue", "person").first()
    if shift is None or not (
        shift.person_id == getattr(user, "pk", None) or policies.sees(user, shift.venue.region_path)
    ):
        raise NotFound(_("No such shift."), code="shift_not_found")
    return shift


def swap_list(*, user: Viewer, venue: Venue, pending: bool = True) -> QuerySet[SwapRequest]:
    if not policies.sees(user, venue.region_path):
        return SwapRequest.objects.none()
    qs = SwapRequest.objects.filter(shift__venue=venue).select_related(
        "shift__venue", "shift__person", "replacement", "requested_by"
    )
    if pending:
        qs = qs.filter(status=SwapStatus.PENDING)
    return qs.order_by("shift__starts_at", "pk")


def access_swap(*, user: Viewer, swap_id: int) -> SwapRequest:
    swap = (
        SwapRequest.objects.filter(pk=swap_id)
        .select_related("shift__venue", "shift__person", "replacement", "requested_by")
        .first()
    )
    if swap is None or not (
        swap.requested_by_id == getattr(user, "pk", None)
        or policies.sees(user, swap.shift.venue.region_path)
    ):
        raise NotFound(_("No such swap request."), code="swap_not_found")
    return swap


def visit_list(
    *, user: Viewer, venue: Venue, start: dt.date | None = None, end: dt.date | None = None
) -> QuerySet[Visit]:
    if not policies.sees(user, venue.region_path):
        return Visit.objects.none()
    qs = Visit.objects.filter(venue=venue).select_related("appeal", "recorded_by", "venue")
    if start is not None:
        qs = qs.filter(day__gte=start)
    if end is not None:
        qs = qs.filter(day__lte=end)
    return qs.order_by("-received_at", "-pk")


def access_visit(*, user: Viewer, visit_id: int) -> Visit:
    visit = Visit.objects.filter(pk=visit_id).select_related("venue__region", "appeal").first()
    if visit is None or not policies.sees(user, visit.region_path):
        raise NotFound(_("No such visit."), code="visit_not_found")
    return visit


def visit_for_appeal(*, user: Viewer, appeal_id: int) -> Visit | None:
    """The visit an appeal came from, if the user keeps that venue's log."""
    visit = Visit.objects.filter(appeal_id=appeal_id).select_related("venue").first()
    if visit is None or not policies.sees(user, visit.region_path):
        return None
    return visit


def duty_candidates(*, venue: Venue) -> list[tuple[User, str]]:
    """People who may be put on the venue's rota, with the duty role each would hold:
    community staff, its grid workers and its volunteers."""
    by_role: dict[str, str] = {
        Role.COMMUNITY_SECRETARY: DutyRole.STAFF,
        Role.COMMUNITY_STAFF: DutyRole.STAFF,
        Role.GRID_WORKER: DutyRole.GRID_WORKER,
        Role.VOLUNTEER: DutyRole.VOLUNTEER,
    }
    rows = (
        RoleAssignment.objects.filter(
            region__path__startswith=venue.region_path, role__in=list(by_role)
        )
        .select_related("user")
        .order_by("role", "user__display_name", "user_id")
    )
    seen: set[tuple[int, str]] = set()
    out = []
    for row in rows:
        key = (row.user_id, by_role[row.role])
        if row.user.is_active and key not in seen:
            seen.add(key)
            out.append((row.user, str(key[1])))
    return out


# --- public reads (the community page) ---------------------------------------------


def venue_public(*, venue_id: int) -> Venue:
    venue = Venue.objects.filter(pk=venue_id, active=True).select_related("region").first()
    if venue is None:
        raise NotFound(_("No such venue."), code="venue_not_found")
    return venue


def community_venues(*, region: Region) -> list[Venue]:
    """The active venues of a community, for its public page."""
    return list(
        Venue.objects.filter(region=region, active=True).select_related("region").order_by("pk")
    )


def opening_state(venue: Venue, at: dt.datetime | None = None) -> schedule.OpeningState:
    """Open now (and until when), else the next opening, from the weekly hours less
    holiday and special closures."""
    return schedule.state(venue, at or clock.now())


def week_plan(venue: Venue, start: dt.date | None = None, days: int = 7) -> list[schedule.DayPlan]:
    return schedule.days(venue, start or clock.local_now().date(), days)


def theme_for(venue: Venue, day: dt.date | None = None) -> Theme | None:
    day = day or clock.local_now().date()
    return Theme.objects.filter(venue=venue, month=day.replace(day=1)).first()


def theme_list(venue: Venue, start: dt.date, months: int = 6) -> list[Theme]:
    first = start.replace(day=1)
    last = (first + dt.timedelta(days=31 * months)).replace(day=1)
    return list(Theme.objects.filter(venue=venue, month__gte=first, month__lt=last))


@dataclass(frozen=True)
class OnDuty:
    name: str
    duty_role: str
    duty_role_label: str
    until: dt.datetime
    user_id: int


def venue_on_duty(venue: Venue, at: dt.datetime | None = None) -> list[OnDuty]:
    """Who is on duty at the venue now (the rota's scheduled shifts covering `at`)."""
    at = at or clock.now()
    shifts = (
        Shift.objects.filter(
            venue=venue, status=ShiftStatus.SCHEDULED, starts_at__lte=at, ends_at__gt=at
        )
        .select_related("person")
        .order_by("starts_at", "pk")
    )
    return [
        OnDuty(
            name=str(s.person),
            duty_role=s.duty_role,
            duty_role_label=str(DutyRole(s.duty_role).label),
            until=s.ends_at,
            user_id=s.person_id,
        )
        for s in shifts
    ]


def on_duty_users(*, region: Region, at: dt.datetime | None = None) -> list[User]:
    """For dispatch: staff and grid workers on duty now at the venues of a community (or
    of the community a grid belongs to). Appeal routing reads the same people through
    accounts.DutyShift, which the rota keeps (see docs/venues.md)."""
    at = at or clock.now()
    path = region.path if region.level != RegionLevel.GRID else region.path[:-SEGMENT]
    shifts = Shift.objects.filter(
        venue__region_path=path,
        venue__active=True,
        status=ShiftStatus.SCHEDULED,
        starts_at__lte=at,
        ends_at__gt=at,
        duty_role__in=(DutyRole.STAFF, DutyRole.GRID_WORKER),
    ).select_related("person")
    return [s.person for s in shifts.order_by("starts_at", "pk")]


# --- figures ------------------------------------------------------------------------


def venue_warnings(venue: Venue) -> list[Any]:
    warnings = []
    if venue.area_m2 < STANDARD_AREA_M2:
        warnings.append(
            _("The venue has %(area)s m², less than the model's standard of %(min)s m².")
            % {"area": venue.area_m2, "min": STANDARD_AREA_M2}
        )
    return warnings


@dataclass(frozen=True)
class YearFigures:
    year: int
    people: int  # 接待人次
    suggestions: int  # 收集意见
    solved: int  # 解决问题 (on the spot)
    mediations: int  # 调解纠纷
    referred: int
    appeals: int  # visits turned into appeals
    visits: int


def venue_year_figures(venue: Venue, year: int) -> YearFigures:
    """The year's figures like the seed's (接待 386 人次, 收集意见 127 条, 解决问题 98
    个, 调解纠纷 43 起): people received (a visit may bring several), and visits by outcome,
    by the local day of the visit."""
    totals = Visit.objects.filter(
        venue=venue, day__gte=dt.date(year, 1, 1), day__lte=dt.date(year, 12, 31)
    ).aggregate(
        people=Sum("people"),
        visits=Count("pk"),
        suggestions=Count("pk", filter=Q(outcome=VisitOutcome.SUGGESTION)),
        solved=Count("pk", filter=Q(outcome=VisitOutcome.SOLVED)),
        mediations=Count("pk", filter=Q(outcome=VisitOutcome.MEDIATION)),
        referred=Count("pk", filter=Q(outcome=VisitOutcome.REFERRED)),
        appeals=Count("pk", filter=Q(status=VisitStatus.APPEALED)),
    )
    return YearFigures(
        year=year,
        people=int(totals["people"] or 0),
        suggestions=totals["suggestions"],
        solved=totals["solved"],
        mediations=totals["mediations"],
        referred=totals["referred"],
        appeals=totals["appeals"],
        visits=totals["visits"],
    )


def local_time(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(SHANGHAI)
