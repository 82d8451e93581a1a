"""Requests for more time (延期) and their decision."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.models import User
from jiaoliuba.appeals import selectors, transitions
from jiaoliuba.appeals.choices import (
    EventKind,
    ExtensionStatus,
)
from jiaoliuba.appeals.models import (
    Appeal,
    Extension,
)
from jiaoliuba.appeals.services._common import (
    _event,
    _handlers,
    _locked,
    _move,
    _notify,
    _reporters,
    _require_text,
    _supervisors,
)
from jiaoliuba.core import clock, workdays
from jiaoliuba.core.errors import Conflict, PermissionDenied, ValidationFailed


def appeal_extension_request(
    *, appeal: Appeal, actor: User, working_days: int, reason: str
) -> Extension:
    reason = _require_text(
        reason, _("Please say why more time is needed."), code="reason_required", max_length=300
    )
    if not 1 <= int(working_days) <= 30:
        raise ValidationFailed(_("An extension is 1 to 30 working days."), code="invalid_days")
    with transaction.atomic():
        fresh = _locked(appeal)
        transitions.check(fresh, "extension", actor, _("This appeal is not assigned to you."))
        if selectors.pending_extension(appeal=fresh) is not None:
            raise Conflict(
                _("An extension request is already waiting for a decision."),
                code="extension_pending",
            )
        extension = Extension.objects.create(
            appeal=fresh, requested_by=actor, reason=reason, working_days=int(working_days)
        )
        _event(
            fresh,
            EventKind.EXTENSION_REQUESTED,
            actor=actor,
            message=reason,
            data={"working_days": int(working_days)},
        )
        _notify(
            _supervisors(fresh),
            "extension_requested",
            _("Extension requested for %(number)s"),
            reason,
            fresh,
        )
    return extension


def appeal_extension_decide(
    *, extension: Extension, actor: User, approve: bool, note: str = ""
) -> Extension:
    """An approved extension sets a new resolution deadline; the original stays for the
    on-time figures."""
    with transaction.atomic():
        fresh = _locked(extension.appeal)
        if (
            not transitions.permits("decide_extension", actor, fresh)
            or extension.requested_by_id == actor.pk
        ):
            raise PermissionDenied(_("Only a supervisor may decide on extensions."))
        now = clock.now()
        decided = Extension.objects.filter(pk=extension.pk, status=ExtensionStatus.PENDING).update(
            status=ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED,
            decided_by=actor,
            decided_at=now,
            decision_note=note[:300],
        )
        if decided != 1:
            raise Conflict(_("This request has already been decided."), code="extension_decided")
        extension.refresh_from_db()
        if approve:
            transitions.require(fresh, "decide_extension")
            base = max(fresh.resolution_due_at, now)
            new_due = workdays.deadline_working_days(base, extension.working_days)
            Extension.objects.filter(pk=extension.pk).update(
                old_due_at=fresh.resolution_due_at, new_due_at=new_due
            )
            fresh.resolution_due_at = new_due
            fresh.resolution_urged_at = fresh.resolution_supervised_at = None
            fresh.extension_count += 1
            _move(
                fresh,
                fresh.status,
                (
                    "resolution_due_at",
                    "resolution_urged_at",
                    "resolution_supervised_at",
                    "extension_count",
                ),
            )
            _event(
                fresh,
                EventKind.EXTENSION_APPROVED,
                actor=actor,
                message=note,
                visible=True,
                data={"new_due_at": new_due.isoformat(), "working_days": extension.working_days},
            )
            _notify(
                _handlers(fresh) + _reporters(fresh),
                "extension_approved",
                _("More time for appeal %(number)s"),
                _("The new deadline is %(due)s."),
                fresh,
                due=new_due.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M"),
            )
        else:
            _event(fresh, EventKind.EXTENSION_REFUSED, actor=actor, message=note)
            _notify(
                _handlers(fresh),
                "extension_refused",
                _("Extension refused for %(number)s"),
                note or "—",
                fresh,
            )
    extension.refresh_from_db()
    return extension
