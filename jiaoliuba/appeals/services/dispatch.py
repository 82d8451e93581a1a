"""Dispatch (派单) by routing or by hand, and correcting or confirming the triage."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.choices import Role
from jiaoliuba.appeals import clocks, routing, selectors, transitions
from jiaoliuba.appeals.choices import (
    Category,
    EventKind,
    Priority,
    Status,
)
from jiaoliuba.appeals.models import (
    Appeal,
    AppealEvent,
)
from jiaoliuba.appeals.services._common import (
    _event,
    _event_row,
    _handlers,
    _locked,
    _move,
    _notify,
    _require_text,
)
from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiaoliuba.regions.models import Region
from jiaoliuba.triage.services import triage_feedback_record


def _dispatch_event(
    appeal: Appeal,
    *,
    actor: Any,
    from_status: str,
    region: Region,
    role: str,
    assignee: Any,
    reason: str,
    previous: dict | None,
    at: Any,
) -> AppealEvent:
    return _event_row(
        appeal,
        EventKind.DISPATCHED,
        actor=actor,
        from_status=from_status,
        to_status=Status.DISPATCHED,
        visible=True,
        message=region.name,
        data={
            "region": region.code,
            "role": role,
            "assignee": assignee.pk if assignee else None,
            "reason": reason,
            # a staff dispatch overrides the routing: keep what it replaced
            "by": "staff" if actor is not None else "routing",
            "previous": previous if actor is not None else None,
        },
        at=at,
    )


def _notify_dispatched(appeal: Appeal, extra_notify: list[Any] | None = None) -> None:
    """The handlers of a newly dispatched appeal; for a red one also the people the route
    names (the street, a professional)."""
    title = (
        _("New appeal %(number)s")
        if appeal.priority != Priority.RED
        else _("URGENT appeal %(number)s")
    )
    body = _("%(category)s at %(place)s. Please accept it.")
    params = {"category": appeal.get_category_display(), "place": appeal.community.name}
    _notify(
        _handlers(appeal),
        "dispatched",
        title,
        body,
        appeal,
        sms=appeal.priority == Priority.RED,
        **params,
    )
    if extra_notify:
        _notify_dispatched_extra(appeal, extra_notify)


def _notify_dispatched_extra(appeal: Appeal, people: list[Any]) -> None:
    params = {"category": appeal.get_category_display(), "place": appeal.community.name}
    _notify(
        people,
        "red_alert",
        _("URGENT appeal %(number)s"),
        _("A red appeal in %(place)s: %(category)s."),
        appeal,
        sms=True,
        **params,
    )


def _dispatch(
    appeal: Appeal,
    *,
    actor: Any,
    region: Region,
    role: str,
    assignee: Any,
    reason: str,
    extra_notify: list[Any] | None = None,
) -> None:
    fresh = _locked(appeal)
    transitions.require(fresh, "dispatch")
    old = fresh.status
    now = clock.now()
    previous = {
        "region": fresh.handling_region.code if fresh.handling_region else None,
        "role": fresh.handling_role,
        "assignee": fresh.assignee_id,
        "reason": fresh.routing_reason,
    }
    fresh.handling_region, fresh.handling_role, fresh.assignee = region, role, assignee
    fresh.routing_reason = reason[:200]
    fresh.dispatched_at = now
    fresh.status = Status.DISPATCHED
    _move(
        fresh,
        old,
        ("handling_region", "handling_role", "assignee", "routing_reason", "dispatched_at"),
    )
    _dispatch_event(
        fresh,
        actor=actor,
        from_status=old,
        region=region,
        role=role,
        assignee=assignee,
        reason=reason,
        previous=previous,
        at=now,
    ).save(force_insert=True)
    _notify_dispatched(fresh, extra_notify)


def appeal_dispatch(
    *,
    appeal: Appeal,
    actor: Any,
    region: Region,
    role: str,
    assignee: Any = None,
    reason: str = "",
    to_unit: bool = False,
) -> Appeal:
    """Manual (re)dispatch by a dispatcher, e.g. after a return or to override routing.
    Without a named person the least busy holder of the role gets it; `to_unit` leaves
    it to the whole unit, and whoever signs first takes it."""
    if not transitions.permits("dispatch", actor, appeal):
        raise PermissionDenied(_("You may not dispatch this appeal."))
    if role not in Role.values or role in (Role.RESIDENT,):
        raise ValidationFailed(_("Unknown role."), code="invalid_role")
    if not appeal.region_path.startswith(region.path):
        raise ValidationFailed(
            _("Dispatch to the appeal's own grid or community or a unit above it."),
            code="invalid_region",
        )
    holders = routing.holders(role, region)
    if assignee is not None and assignee not in holders:
        raise ValidationFailed(
            _("That person does not hold the role there."), code="invalid_assignee"
        )
    if not holders:
        raise ValidationFailed(_("Nobody holds that role there."), code="no_handler")
    if not to_unit:
        assignee = assignee or routing.least_busy(holders)
    with transaction.atomic():
        _dispatch(
            appeal,
            actor=actor,
            region=region,
            role=role,
            assignee=assignee,
            reason=reason or gettext("Dispatched by %(name)s") % {"name": actor},
        )
    return selectors.access_appeal(user=actor, appeal_id=appeal.pk)


def appeal_correct_triage(
    *, appeal: Appeal, actor: Any, priority: str, category: str, reason: str
) -> Appeal:
    """Staff correct the classification; the deadlines follow the new priority and the
    correction is kept as training data."""
    if not transitions.permits("triage", actor, appeal):
        raise PermissionDenied(_("You may not reclassify this appeal."))
    if priority not in Priority.values or category not in Category.values:
        raise ValidationFailed(_("Unknown priority or category."), code="invalid_category")
    reason = _require_text(
        reason,
        _("Please say why the classification is wrong."),
        code="reason_required",
        max_length=200,
    )
    with transaction.atomic():
        fresh = _locked(appeal)
        transitions.require(fresh, "triage")
        before = (fresh.priority, fresh.category)
        if before == (priority, category):
            raise ValidationFailed(_("That is the current classification."), code="no_change")
        deadlines = clocks.deadlines_for(
            priority=priority, category=category, received_at=fresh.received_at
        )
        fresh.priority, fresh.category = priority, category
        fresh.triage_needs_review = False
        if fresh.response_due_at != deadlines.response_due_at:
            # A new deadline is watched afresh: the old reminder and breach marks go.
            fresh.response_due_at = deadlines.response_due_at
            fresh.response_urged_at = fresh.response_supervised_at = None
        new_resolution = deadlines.resolution_due_at
        if fresh.extension_count or fresh.reopen_count:
            # An approved extension or a reopening set a later deadline on purpose; keep it.
            new_resolution = max(new_resolution, fresh.resolution_due_at)
        if fresh.resolution_due_at != new_resolution:
            fresh.resolution_due_at = new_resolution
            fresh.resolution_urged_at = fresh.resolution_supervised_at = None
        fresh.resolution_due_original_at = deadlines.resolution_due_at
        _move(
            fresh,
            fresh.status,
            (
                "priority",
                "category",
                "triage_needs_review",
                "response_due_at",
                "resolution_due_at",
                "resolution_due_original_at",
                "response_urged_at",
                "response_supervised_at",
                "resolution_urged_at",
                "resolution_supervised_at",
            ),
        )
        _event(
            fresh,
            EventKind.TRIAGE_CORRECTED,
            actor=actor,
            message=reason,
            data={"from": list(before), "to": [priority, category]},
        )
        triage_feedback_record(
            source=f"appeals.appeal:{fresh.pk}",
            text=fresh.content,
            predicted=before,
            corrected=(priority, category),
            reason=reason,
            actor=actor,
        )
    return fresh


def appeal_confirm_triage(*, appeal: Appeal, actor: Any) -> Appeal:
    """Manual triage: a person agrees with a low-confidence verdict."""
    if not transitions.permits("confirm_triage", actor, appeal):
        raise PermissionDenied(_("You may not reclassify this appeal."))
    transitions.require(appeal, "confirm_triage")
    with transaction.atomic():
        updated = Appeal.objects.filter(pk=appeal.pk, triage_needs_review=True).update(
            triage_needs_review=False
        )
        if updated != 1:
            raise Conflict(_("The classification was already confirmed."), code="already_confirmed")
        _event(
            appeal,
            EventKind.TRIAGE_CORRECTED,
            actor=actor,
            message=gettext("Classification confirmed"),
            data={
                "from": [appeal.priority, appeal.category],
                "to": [appeal.priority, appeal.category],
            },
        )
    appeal.refresh_from_db()
    return appeal
