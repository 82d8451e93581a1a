"""Revealing the filer of an anonymous appeal, recorded as a sensitive access."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.models import User
from jiaoliuba.appeals import transitions
from jiaoliuba.appeals.choices import (
    EventKind,
)
from jiaoliuba.appeals.models import (
    Appeal,
)
from jiaoliuba.appeals.services._common import _event, _require_text
from jiaoliuba.core.errors import PermissionDenied, ValidationFailed
from jiaoliuba.core.services import sensitive_access_record


def appeal_reveal_submitter(
    *, appeal: Appeal, actor: User, reason: str, ip: str | None = None
) -> dict[str, str]:
    """Who filed an anonymous appeal: only for an explicitly privileged role, with a
    reason, written to the sensitive-access log and the appeal's internal history."""
    if not transitions.permits("reveal", actor, appeal):
        raise PermissionDenied(
            _("Your role may not reveal anonymous submitters."), code="reveal_denied"
        )
    reason = _require_text(
        reason, _("Please say why you need to know."), code="reason_required", max_length=200
    )
    if len(reason) < 4:
        raise ValidationFailed(_("Please say why you need to know."), code="reason_required")
    with transaction.atomic():
        sensitive_access_record(
            actor=actor, subject=appeal, field="submitter", reason=reason, ip=ip
        )
        _event(appeal, EventKind.SUBMITTER_REVEALED, actor=actor, message=reason)
    submitter = appeal.submitter
    return {
        "name": submitter.display_name if submitter else "",
        "phone": submitter.phone if submitter else "",
    }
