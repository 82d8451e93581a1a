"""Reads of meetings and resolutions, always for a person and limited to what they may
see: residents those of the areas they live in, staff those of their scope and of the
levels above that cover it, parties the meetings they were invited to. `access_*`
answer 404 for anything else. The public notice page shows resolutions in 公示 or in
effect of one community to anyone."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.choices import STAFF_ROLES, Role
from jiaoliuba.accounts.models import RoleAssignment
from jiaoliuba.accounts.selectors import user_covers, user_roles_at
from jiaoliuba.core.errors import NotFound
from jiaoliuba.core.typed import whole_number
from jiaoliuba.deliberation.meetings.choices import ResolutionStatus
from jiaoliuba.deliberation.models import (
    Meeting,
    MeetingEvent,
    MeetingParty,
    Milestone,
    Objection,
    ProgressPhoto,
    Resolution,
    SupervisionCheck,
)
from jiaoliuba.deliberation.policies import home_path
from jiaoliuba.regions.choices import SEGMENT, RegionLevel
from jiaoliuba.regions.models import Region

PUBLIC_STATUSES = (ResolutionStatus.PUBLICITY, ResolutionStatus.EFFECTIVE, ResolutionStatus.CLOSED)


def _ancestors(path: str) -> list[str]:
    return [path[:end] for end in range(SEGMENT, len(path) + 1, SEGMENT)]


def _area_q(user: Any, field: str) -> Q:
    """Objects whose scope is the user's home or above it, or inside or above the staff
    member's scope."""
    condition = Q(pk__in=[])
    above: set[str] = set()
    home = home_path(user)
    if home:
        above.update(_ancestors(home))
    for role, paths in user_roles_at(user).items():
        if role not in STAFF_ROLES:
            continue
        for path in paths:
            above.update(_ancestors(path))
            condition |= Q(**{f"{field}__startswith": path})
    if above:
        condition |= Q(**{f"{field}__in": sorted(above)})
    return condition


def meetings_visible_to(user: Any) -> QuerySet[Meeting]:
    if not getattr(user, "is_authenticated", False):
        return Meeting.objects.none()
    invited = MeetingParty.objects.filter(user_id=user.pk).values("meeting_id")
    return (
        Meeting.objects.filter(_area_q(user, "scope_path") | Q(pk__in=invited))
        .select_related("scope", "topic", "organiser", "appeal")
        .distinct()
    )


def access_meeting(*, user: Any, meeting_id: Any) -> Meeting:
    number = whole_number(meeting_id)
    meeting = meetings_visible_to(user).filter(pk=number).first() if number is not None else None
    if meeting is None:
        raise NotFound(_("No such meeting."), code="meeting_not_found")
    return meeting


def meeting_list(
    *, user: Any, upcoming_only: bool = False, mine: bool = False
) -> QuerySet[Meeting]:
    qs = meetings_visible_to(user)
    if mine:
        qs = qs.filter(parties__user_id=user.pk)
    if upcoming_only:
        qs = qs.filter(status__in=("scheduled", "in_progress"))
    return qs.order_by("-starts_at", "-pk")


def meetings_managed_by(user: Any) -> QuerySet[Meeting]:
    condition = Q(pk__in=[])
    for role, paths in user_roles_at(user).items():
        if role in STAFF_ROLES:
            for path in paths:
                condition |= Q(scope_path__startswith=path)
    return (
        Meeting.objects.filter(condition)
        .select_related("scope", "topic")
        .order_by("-starts_at", "-pk")
    )


def party_of(*, user: Any, meeting: Meeting) -> MeetingParty | None:
    pk = getattr(user, "pk", None)
    return MeetingParty.objects.filter(meeting=meeting, user_id=pk).first() if pk else None


def meeting_parties(*, meeting: Meeting) -> list[MeetingParty]:
    return list(meeting.parties.select_related("user").order_by("pk"))


def meeting_rounds(*, meeting: Meeting) -> list[Any]:
    rounds = list(meeting.rounds.prefetch_related("statements__party").order_by("number"))
    return rounds


def meeting_events(*, meeting: Meeting) -> QuerySet[MeetingEvent]:
    return meeting.events.select_related("actor").order_by("created_at", "pk")


def resolutions_visible_to(user: Any) -> QuerySet[Resolution]:
    if not getattr(user, "is_authenticated", False):
        return Resolution.objects.none()
    return Resolution.objects.filter(
        meeting__in=meetings_visible_to(user).values("pk")
    ).select_related("meeting", "meeting__scope", "vote", "topic")


def access_resolution(*, user: Any, resolution_id: Any) -> Resolution:
    number = whole_number(resolution_id)
    found = resolutions_visible_to(user).filter(pk=number).first() if number is not None else None
    if found is None:
        raise NotFound(_("No such resolution."), code="resolution_not_found")
    return found


def access_objection(*, user: Any, objection_id: Any) -> Objection:
    number = whole_number(objection_id)
    found = (
        Objection.objects.filter(pk=number, resolution__in=resolutions_visible_to(user))
        .select_related("resolution")
        .first()
        if number is not None
        else None
    )
    if found is None:
        raise NotFound(_("No such objection."), code="objection_not_found")
    return found


def access_milestone(*, user: Any, milestone_id: Any) -> Milestone:
    number = whole_number(milestone_id)
    found = (
        Milestone.objects.filter(pk=number, resolution__in=resolutions_visible_to(user))
        .select_related("resolution")
        .first()
        if number is not None
        else None
    )
    if found is None:
        raise NotFound(_("No such milestone."), code="milestone_not_found")
    return found


def access_party(*, user: Any, party_id: Any) -> MeetingParty:
    number = whole_number(party_id)
    found = (
        MeetingParty.objects.filter(pk=number, meeting__in=meetings_visible_to(user).values("pk"))
        .select_related("meeting", "user")
        .first()
        if number is not None
        else None
    )
    if found is None:
        raise NotFound(_("No such party."), code="party_not_found")
    return found


def access_photo(*, user: Any, photo_id: Any) -> ProgressPhoto:
    """A progress photo of a resolution the user may see; otherwise 404."""
    number = whole_number(photo_id)
    found = (
        ProgressPhoto.objects.filter(
            pk=number, update__milestone__resolution__in=resolutions_visible_to(user)
        ).first()
        if number is not None
        else None
    )
    if found is None:
        raise NotFound(_("Not found."), code="photo_not_found")
    return found


def public_community(*, code: str) -> Region:
    region = Region.objects.filter(code=code, level=RegionLevel.COMMUNITY).first()
    if region is None:
        raise NotFound(_("No such community."), code="community_not_found")
    return region


def public_resolutions(*, community: Region) -> QuerySet[Resolution]:
    """公示: what a community has resolved, for anyone (the notice board, online)."""
    return (
        Resolution.objects.filter(
            Q(scope_path__startswith=community.path) | Q(scope_path__in=_ancestors(community.path)),
            status__in=PUBLIC_STATUSES,
        )
        .select_related("meeting")
        .order_by("-published_at", "-pk")
    )


def resolution_checks(*, resolution: Resolution) -> QuerySet[SupervisionCheck]:
    return resolution.checks.select_related("checker").order_by("scheduled_for", "pk")


def professionals_for(*, path: str) -> list[Any]:
    """People who hold the professional role (律师, 会计师 …) where the meeting is or
    above it: those the organiser can invite as 专业人士."""
    return [
        a.user
        for a in RoleAssignment.objects.filter(
            role=Role.PROFESSIONAL, user__is_active=True
        ).select_related("user", "region")
        if path.startswith(a.region.path) or a.region.path.startswith(path[: 3 * SEGMENT])
    ]


def expert_request_subject(*, user: Any, pk: int) -> dict[str, str]:
    """A meeting as the subject of a request to the expert pool (bookings resolves
    "meeting:<id>" through settings.EXPERT_REQUEST_SUBJECTS): staff of its scope only."""
    meeting = access_meeting(user=user, meeting_id=pk)
    if not user_covers(user, meeting.scope_path):
        raise NotFound(_("No such meeting."), code="meeting_not_found")
    return {
        "title": meeting.title,
        "path": meeting.scope_path,
        "url": reverse("meetings:detail", args=[meeting.pk]),
    }
