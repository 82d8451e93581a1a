"""The person's rights over their data (PIPL art. 45 copy, art. 47 deletion) and the
retention purge (art. 19), each one recorded as a PrivacyRequest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.models import RoleAssignment, User
from jiaoliuba.core import clock
from jiaoliuba.core.errors import PermissionDenied, ValidationFailed
from jiaoliuba.privacy import registry
from jiaoliuba.privacy.choices import RequestKind
from jiaoliuba.privacy.models import PrivacyRequest

# What the person types to confirm deletion, in either language of the page.
CONFIRM_WORDS = frozenset({"注销", "DELETE"})


def privacy_export(*, user: User, ip: str | None = None) -> dict[str, Any]:
    """Everything held about `user`, by app and section."""
    data = {label: module.export(user) for label, module in registry.sources()}
    PrivacyRequest.objects.create(
        kind=RequestKind.EXPORT,
        user=user,
        counts={
            label: sum(len(part["rows"]) for part in sections.values())
            for label, sections in data.items()
        },
        ip=ip,
        created_at=clock.now(),
    )
    return {"exported_at": clock.now().isoformat(), "data": data}


def privacy_erase(*, user: User, confirmation: str, ip: str | None = None) -> PrivacyRequest:
    """De-identify the person everywhere at once (all or nothing). What the city's figures
    and records need stays, pointing at an account with no name, number or sign-in."""
    if (confirmation or "").strip() not in CONFIRM_WORDS:
        raise ValidationFailed(
            _("To delete your data, type 注销 (or DELETE) in the box."), code="erase_unconfirmed"
        )
    if RoleAssignment.objects.filter(user=user).exists() or user.is_staff:
        raise PermissionDenied(
            _("A staff account is closed by an administrator, not from this page."),
            code="erase_staff",
        )
    if not user.is_active:
        raise ValidationFailed(_("This account has already been deleted."), code="erase_done")
    with transaction.atomic():
        counts = {label: module.forget(user) for label, module in registry.sources()}
        return PrivacyRequest.objects.create(
            kind=RequestKind.ERASURE, user=user, counts=counts, ip=ip, created_at=clock.now()
        )


def retention_purge() -> PrivacyRequest:
    """Remove, rule by rule, what is past its time. Each rule works in small batches."""
    now = clock.now()
    counts = {}
    for rule, days in registry.retention_rules():
        counts[rule.kind] = rule.purge(now - dt.timedelta(days=days))
    return PrivacyRequest.objects.create(kind=RequestKind.RETENTION, counts=counts, created_at=now)
