"""The visit log (接待登记): a reception at the venue with its topic and outcome, and a
suggestion or referred problem turned into an appeal in one step. The appeal is filed
through the appeals intake exactly as a desk intake (`appeal_submit` with the staff
member as `created_by`, channel 交流吧 venue) on behalf of the visitor when known."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.models import User
from jiaoliuba.accounts.selectors import resident_of
from jiaoliuba.appeals.choices import Category, Channel
from jiaoliuba.appeals.models import Appeal
from jiaoliuba.appeals.services import Intake, appeal_submit, staff_intake_submitter
from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, PermissionDenied, ValidationFailed, lazy_format
from jiaoliuba.venues import policies
from jiaoliuba.venues.choices import ActKind, EventKind, VisitOutcome, VisitStatus
from jiaoliuba.venues.models import Venue, Visit
from jiaoliuba.venues.services._common import act, event, local_day
from jiaoliuba.venues.transitions import VISIT_TRANSITIONS

MAX_PEOPLE = 50


def visit_log(
    *,
    actor: User,
    venue: Venue,
    topic: str,
    outcome: str,
    detail: str = "",
    people: Any = 1,
    received_at: dt.datetime | None = None,
    visitor_phone: str = "",
    visitor_name: str = "",
) -> Visit:
    """Log one reception. With the visitor's mobile number the visit is theirs (a new
    number registers them, as at the appeal desk) and counts as taking part."""
    if not policies.sees(actor, venue.region_path):
        raise PermissionDenied(
            _("Only the community's staff and grid workers keep its visit log."),
            code="visit_not_desk",
        )
    topic, detail = (topic or "").strip(), (detail or "").strip()
    if not topic or len(topic) > 200:
        raise ValidationFailed(
            _("Please give the topic (at most 200 characters)."), code="visit_topic"
        )
    if len(detail) > 2000:
        raise ValidationFailed(_("The detail is longer than 2000 characters."), code="visit_detail")
    if outcome not in VisitOutcome.values:
        raise ValidationFailed(_("Please choose the outcome."), code="visit_outcome")
    try:
        count = int(str(people).strip() or 1)
    except ValueError:
        count = 0
    if not 1 <= count <= MAX_PEOPLE:
        raise ValidationFailed(
            lazy_format(_("The number of people must be between 1 and %(n)s."), {"n": MAX_PEOPLE}),
            code="visit_people",
        )
    now = clock.now()
    received = received_at or now
    if received > now + dt.timedelta(minutes=5):
        raise ValidationFailed(
            _("The time received cannot be in the future."), code="invalid_received_at"
        )
    visitor_name = (visitor_name or "").strip()[:64]
    with transaction.atomic():
        visitor = (
            staff_intake_submitter(phone=visitor_phone, name=visitor_name, community=venue.region)
            if (visitor_phone or "").strip()
            else None
        )
        home = policies.home_path(visitor) if visitor is not None else ""
        visit = Visit.objects.create(
            venue=venue,
            region_path=venue.region_path,
            received_at=received,
            day=local_day(received),
            people=count,
            visitor=visitor,
            visitor_path=home,
            visitor_name=visitor_name or (str(visitor) if visitor is not None else ""),
            topic=topic,
            detail=detail,
            outcome=outcome,
            recorded_by=actor,
            created_at=now,
        )
        event(
            venue,
            EventKind.VISIT_LOGGED,
            actor=actor,
            visit=visit,
            to_status=VisitStatus.LOGGED,
            data={"outcome": outcome, "people": count},
        )
        if visitor is not None:
            act(visitor, ActKind.VISIT, visit.pk, visit.day)
    return visit


def _intake_for(visit: Visit) -> Intake:
    venue = visit.venue
    grid = None
    if visit.visitor is not None:
        profile = resident_of(visit.visitor)
        if profile is not None and profile.grid and profile.grid.parent_id == venue.region_id:
            grid = profile.grid
    content = visit.topic if not visit.detail else f"{visit.topic}\n{visit.detail}"
    return Intake(
        content=content,
        community=venue.region,
        grid=grid,
        type_hint=Category.SUGGESTION if visit.outcome == VisitOutcome.SUGGESTION else "",
        channel=Channel.VENUE,
        received_at=visit.received_at,
    )


def visit_to_appeal(*, actor: User, visit: Visit) -> Appeal:
    """One step, nothing retyped: the visit's topic and detail become an appeal of its
    community, received when the visit was, filed for the visitor (or as a desk intake
    without one). The visit links to the appeal and the appeal back to it
    (`appeal.venue_visit`)."""
    with transaction.atomic():
        fresh = (
            Visit.objects.select_for_update(of=("self",))
            .select_related("venue__region", "visitor")
            .get(pk=visit.pk)
        )
        VISIT_TRANSITIONS.require(fresh, "to_appeal")
        if not VISIT_TRANSITIONS.permits("to_appeal", actor, fresh):
            raise PermissionDenied(
                _("Only the community's staff and grid workers keep its visit log."),
                code="visit_not_desk",
            )
        if not VISIT_TRANSITIONS.guard_allows("to_appeal", fresh):
            raise ValidationFailed(
                _("Only a suggestion or a referred problem becomes an appeal."),
                code="visit_not_appealable",
            )
        appeal, _created = appeal_submit(
            submitter=fresh.visitor,
            intake=_intake_for(fresh),
            created_by=actor,
            idempotency_key=f"venue-visit-{fresh.pk}",
        )
        moved = Visit.objects.filter(
            pk=fresh.pk, status=VisitStatus.LOGGED, appeal__isnull=True
        ).update(status=VisitStatus.APPEALED, appeal=appeal)
        if moved != 1:
            raise Conflict(
                _("This visit was turned into an appeal just now."), code="visit_changed"
            )
        event(
            fresh.venue,
            EventKind.VISIT_APPEALED,
            actor=actor,
            visit=fresh,
            from_status=VisitStatus.LOGGED,
            to_status=VisitStatus.APPEALED,
            data={"appeal": appeal.pk, "number": appeal.number},
        )
    return appeal
