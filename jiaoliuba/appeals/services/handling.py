"""Handling: accept, reply, note, return, escalate, resolve, follow up, rate,
reopen, close after review and reject."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.models import User
from jiaoliuba.appeals import clocks, policies, routing, transitions
from jiaoliuba.appeals.choices import (
    ClosureReason,
    EventKind,
    Priority,
    RatingLevel,
    Status,
)
from jiaoliuba.appeals.models import (
    Appeal,
    AppealEvent,
    Rating,
)
from jiaoliuba.appeals.services._common import (
    _event,
    _handlers,
    _locked,
    _move,
    _notify,
    _reporters,
    _require_text,
    _settle_pending_extension,
    _supervisors,
)
from jiaoliuba.appeals.services.notices import _notify_resolved, _tracking_code_matches
from jiaoliuba.appeals.services.rewards import appeal_useful_credit
from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jiaoliuba.regions.choices import RegionLevel


def appeal_accept(*, appeal: Appeal, actor: User) -> Appeal:
    """签收. Two people pressing it at once: exactly one wins, the other gets a conflict."""
    with transaction.atomic():
        fresh = _locked(appeal)
        transitions.check(fresh, "accept", actor, _("This appeal is not assigned to you."))
        now = clock.now()
        fresh.status, fresh.assignee = Status.ACCEPTED, actor
        if fresh.first_response_at is None:
            fresh.first_response_at = now
        _move(fresh, Status.DISPATCHED, ("assignee", "first_response_at"))
        _event(
            fresh,
            EventKind.ACCEPTED,
            actor=actor,
            from_status=Status.DISPATCHED,
            to_status=Status.ACCEPTED,
            visible=True,
        )
        _notify(
            _reporters(fresh),
            "accepted",
            _("Your appeal %(number)s was accepted"),
            _("A handler has taken it on and will contact you."),
            fresh,
        )
    return fresh


def appeal_reply(*, appeal: Appeal, actor: User, message: str) -> Appeal:
    """A message to the resident during handling; it counts as a first response."""
    message = _require_text(message, _("Please write the reply."), code="reply_required")
    with transaction.atomic():
        fresh = _locked(appeal)
        transitions.check(fresh, "reply", actor, _("This appeal is not assigned to you."))
        old = fresh.status
        if fresh.first_response_at is None:
            fresh.first_response_at = clock.now()
        if old == Status.ACCEPTED:
            fresh.status = Status.IN_PROGRESS
        _move(fresh, old, ("first_response_at",))
        _event(
            fresh,
            EventKind.REPLIED,
            actor=actor,
            from_status=old,
            to_status=fresh.status,
            message=message,
            visible=True,
        )
        _notify(_reporters(fresh), "replied", _("New reply on appeal %(number)s"), message, fresh)
    return fresh


def appeal_note(*, appeal: Appeal, actor: User, message: str) -> Appeal:
    """An internal note; residents never see it."""
    message = _require_text(message, _("Please write the note."), code="note_required")
    if not transitions.permits("note", actor, appeal):
        raise PermissionDenied(_("You may not add notes to this appeal."))
    with transaction.atomic():
        fresh = _locked(appeal)
        old = fresh.status
        if old == Status.ACCEPTED and policies.may_handle(actor, fresh):
            fresh.status = Status.IN_PROGRESS
            _move(fresh, old, ())
        _event(
            fresh,
            EventKind.NOTE,
            actor=actor,
            from_status=old,
            to_status=fresh.status,
            message=message,
        )
    return fresh


def appeal_return(*, appeal: Appeal, actor: User, reason: str) -> Appeal:
    """退单: the handler sends it back to the dispatcher (wrong unit, not their matter)."""
    reason = _require_text(
        reason, _("Please say why you return it."), code="reason_required", max_length=300
    )
    with transaction.atomic():
        fresh = _locked(appeal)
        transitions.check(fresh, "return", actor, _("This appeal is not assigned to you."))
        old = fresh.status
        fresh.status, fresh.assignee = Status.SUBMITTED, None
        fresh.return_count += 1
        _move(fresh, old, ("assignee", "return_count"))
        _settle_pending_extension(fresh, actor, "returned to the dispatcher")
        _event(
            fresh,
            EventKind.RETURNED,
            actor=actor,
            from_status=old,
            to_status=Status.SUBMITTED,
            message=reason,
        )
        _notify(_supervisors(fresh), "returned", _("Appeal %(number)s was returned"), reason, fresh)
    return fresh


def appeal_escalate(*, appeal: Appeal, actor: User, reason: str) -> Appeal:
    """转办/上报 one level up: grid → community → street → district → city. The clocks keep
    running; the new unit signs for it again."""
    reason = _require_text(
        reason,
        _("Please say why it needs the level above."),
        code="reason_required",
        max_length=300,
    )
    with transaction.atomic():
        fresh = _locked(appeal)
        transitions.check(fresh, "escalate", actor, _("You may not escalate this appeal."))
        current = fresh.handling_region or fresh.community
        target = current.parent
        if current.level == RegionLevel.CITY or target is None:
            raise Conflict(
                _("The appeal is already handled at city level."), code="cannot_escalate"
            )
        role = policies.ESCALATION_ROLE[current.level]
        old = fresh.status
        fresh.handling_region, fresh.handling_role = target, role
        fresh.assignee = routing.least_busy(routing.holders(role, target))
        fresh.routing_reason = routing.escalation_reason(target, role, fresh.assignee, reason)
        fresh.status = Status.DISPATCHED
        fresh.escalation_count += 1
        fresh.dispatched_at = clock.now()
        _move(
            fresh,
            old,
            (
                "handling_region",
                "handling_role",
                "assignee",
                "routing_reason",
                "escalation_count",
                "dispatched_at",
            ),
        )
        _settle_pending_extension(fresh, actor, "escalated to another unit")
        _event(
            fresh,
            EventKind.ESCALATED,
            actor=actor,
            from_status=old,
            to_status=Status.DISPATCHED,
            visible=True,
            message=target.name,
            data={"from": current.code, "to": target.code, "reason": reason},
        )
        _notify(
            _handlers(fresh),
            "escalated",
            _("Appeal %(number)s escalated to you"),
            reason,
            fresh,
            sms=fresh.priority == Priority.RED,
        )
    return fresh


def appeal_resolve(*, appeal: Appeal, actor: User, reply: str) -> Appeal:
    """办结, with the answer the resident reads and rates."""
    reply = _require_text(
        reply, _("A reply to the resident is required to resolve."), code="reply_required"
    )
    with transaction.atomic():
        fresh = _locked(appeal)
        transitions.check(fresh, "resolve", actor, _("This appeal is not assigned to you."))
        old, now = fresh.status, clock.now()
        fresh.status, fresh.reply, fresh.resolved_at = Status.RESOLVED, reply, now
        if fresh.first_response_at is None:
            fresh.first_response_at = now
        _move(fresh, old, ("reply", "resolved_at", "first_response_at"))
        _settle_pending_extension(fresh, actor, "resolved")
        _event(
            fresh,
            EventKind.RESOLVED,
            actor=actor,
            from_status=old,
            to_status=Status.RESOLVED,
            message=reply,
            visible=True,
        )
        # 诉求经确认有价值: resolving it is staff confirming the matter was real.
        appeal_useful_credit(appeal=fresh, confirmed_by=actor)
        _notify_resolved(fresh, reply)
    return fresh


def appeal_follow_up(*, appeal: Appeal, actor: User, note: str, reached: bool) -> AppealEvent:
    """回访: staff called or visited the resident after handling."""
    note = _require_text(note, _("Please note what the resident said."), code="note_required")
    if not transitions.permits("follow_up", actor, appeal):
        raise PermissionDenied(_("You may not record follow-ups for this appeal."))
    with transaction.atomic():
        return _event(
            appeal, EventKind.FOLLOW_UP, actor=actor, message=note, data={"reached": bool(reached)}
        )


def appeal_rate(
    *,
    appeal: Appeal,
    actor: User | None,
    level: str,
    solved: bool,
    comment: str = "",
    tracking_code: str = "",
) -> Rating:
    """The resident rates the outcome. Satisfied closes it; unsatisfied goes to the
    supervisor, who may reopen it. With `tracking_code` (the link of the receipt) whoever
    holds the code rates for the resident, account or not."""
    if tracking_code:
        if not _tracking_code_matches(appeal, tracking_code):
            raise NotFound(_("No such appeal."), code="appeal_not_found")
        actor = appeal.submitter
    elif actor is None or appeal.submitter_id != actor.pk:
        raise PermissionDenied(_("Only the resident who filed the appeal may rate it."))
    if level not in RatingLevel.values:
        raise ValidationFailed(_("Please choose how satisfied you are."), code="invalid_rating")
    if len(comment or "") > 500:
        raise ValidationFailed(
            _("The comment is longer than 500 characters."), code="text_too_long"
        )
    with transaction.atomic():
        fresh = _locked(appeal)
        transitions.require(fresh, "rate")
        now = clock.now()
        rating = Rating.objects.create(
            appeal=fresh,
            rater=actor,
            level=level,
            solved=bool(solved),
            comment=(comment or "").strip(),
            created_at=now,
        )
        if level == RatingLevel.UNSATISFIED:
            fresh.status = Status.RATED
            _move(fresh, Status.RESOLVED, ())
            _event(
                fresh,
                EventKind.RATED,
                actor=actor,
                from_status=Status.RESOLVED,
                to_status=Status.RATED,
                visible=True,
                message=rating.comment,
                data={"level": level, "solved": bool(solved)},
            )
            _notify(
                _supervisors(fresh),
                "unsatisfied",
                _("Resident unsatisfied with %(number)s"),
                rating.comment or _("No comment."),
                fresh,
            )
        else:
            fresh.status, fresh.closure_reason, fresh.closed_at = (
                Status.CLOSED,
                ClosureReason.RATED,
                now,
            )
            _move(fresh, Status.RESOLVED, ("closure_reason", "closed_at"))
            _event(
                fresh,
                EventKind.RATED,
                actor=actor,
                from_status=Status.RESOLVED,
                to_status=Status.CLOSED,
                visible=True,
                message=rating.comment,
                data={"level": level, "solved": bool(solved)},
            )
    return rating


def appeal_reopen(*, appeal: Appeal, actor: User, reason: str) -> Appeal:
    """重办: back to the handling unit with a fresh resolution clock; counts as a repeat."""
    reason = _require_text(
        reason, _("Please say why it is reopened."), code="reason_required", max_length=300
    )
    with transaction.atomic():
        fresh = _locked(appeal)
        transitions.check(fresh, "reopen", actor, _("Only a supervisor may reopen an appeal."))
        old, now = fresh.status, clock.now()
        deadlines = clocks.deadlines_for(
            priority=fresh.priority, category=fresh.category, received_at=now
        )
        fresh.status = Status.DISPATCHED
        fresh.closure_reason, fresh.closed_at, fresh.resolved_at = "", None, None
        fresh.resolution_due_at = deadlines.resolution_due_at
        fresh.resolution_urged_at = fresh.resolution_supervised_at = None
        fresh.reopen_count += 1
        fresh.is_repeat = True
        fresh.dispatched_at = now
        _move(
            fresh,
            old,
            (
                "closure_reason",
                "closed_at",
                "resolved_at",
                "resolution_due_at",
                "resolution_urged_at",
                "resolution_supervised_at",
                "reopen_count",
                "is_repeat",
                "dispatched_at",
            ),
        )
        _event(
            fresh,
            EventKind.REOPENED,
            actor=actor,
            from_status=old,
            to_status=Status.DISPATCHED,
            message=reason,
            visible=True,
        )
        _notify(_handlers(fresh), "reopened", _("Appeal %(number)s reopened"), reason, fresh)
        _notify(
            _reporters(fresh),
            "reopened",
            _("Your appeal %(number)s is being handled again"),
            reason,
            fresh,
        )
    return fresh


def appeal_close_after_review(*, appeal: Appeal, actor: User, note: str) -> Appeal:
    note = _require_text(
        note, _("Please record the outcome of the review."), code="note_required", max_length=500
    )
    with transaction.atomic():
        fresh = _locked(appeal)
        transitions.check(fresh, "close", actor, _("Only a supervisor may close after review."))
        fresh.status, fresh.closure_reason, fresh.closed_at = (
            Status.CLOSED,
            ClosureReason.REVIEWED,
            clock.now(),
        )
        _move(fresh, Status.RATED, ("closure_reason", "closed_at"))
        _event(
            fresh,
            EventKind.CLOSED,
            actor=actor,
            from_status=Status.RATED,
            to_status=Status.CLOSED,
            message=note,
            visible=True,
        )
    return fresh


def appeal_reject(*, appeal: Appeal, actor: User, reason: str) -> Appeal:
    """Not a valid appeal (spam, not a matter for this platform). The resident sees why."""
    reason = _require_text(
        reason,
        _("Please give the reason the resident will read."),
        code="reason_required",
        max_length=300,
    )
    with transaction.atomic():
        fresh = _locked(appeal)
        transitions.check(fresh, "reject", actor, _("You may not reject this appeal."))
        old, now = fresh.status, clock.now()
        fresh.status, fresh.rejection_reason, fresh.closed_at = Status.REJECTED, reason, now
        _move(fresh, old, ("rejection_reason", "closed_at"))
        _settle_pending_extension(fresh, actor, "rejected")
        _event(
            fresh,
            EventKind.REJECTED,
            actor=actor,
            from_status=old,
            to_status=Status.REJECTED,
            message=reason,
            visible=True,
        )
        _notify(
            _reporters(fresh), "rejected", _("Appeal %(number)s was not accepted"), reason, fresh
        )
    return fresh
