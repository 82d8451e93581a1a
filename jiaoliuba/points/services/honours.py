"""Quarterly honours (社区好声音, 治理达人, 最美志愿者): staff nominate from the candidates the
ledger shows, the secretary or above confirms (never the nominator), and the resident decides
whether it is shown publicly. Each step appends a HonourEvent."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.models import User
from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jiaoliuba.points import policies, quarters, transitions
from jiaoliuba.points.choices import HonourKind, HonourStatus
from jiaoliuba.points.models import Honour, HonourEvent
from jiaoliuba.points.selectors import honour_candidates
from jiaoliuba.regions.models import Region


def _event(honour: Honour, kind: str, actor: Any, note: str = "") -> None:
    HonourEvent.objects.create(
        honour=honour,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        note=note[:200],
        at=clock.now(),
    )


def honour_nominate(
    *, actor: User, community: Region, quarter: str, kind: str, user: User, citation: str = ""
) -> Honour:
    """Nominate a candidate: only someone the ledger lists for that honour, community and
    quarter, by staff covering the community."""
    if kind not in HonourKind.values:
        raise ValidationFailed(_("Unknown honour."), code="honour_kind")
    quarters.parse(quarter)
    if community.level != "community" or not policies.covers(actor, community.path):
        raise NotFound(_("No such community."), code="community_not_found")
    found = {
        c.user.pk: c for c in honour_candidates(community=community, quarter=quarter, kind=kind)
    }
    if user.pk not in found:
        raise ValidationFailed(
            _("Only residents who took part this quarter can be nominated."),
            code="honour_not_candidate",
        )
    try:
        with transaction.atomic():
            honour = Honour.objects.create(
                kind=kind,
                quarter=quarter,
                community=community,
                community_path=community.path,
                user=user,
                points=found[user.pk].points,
                citation=citation.strip()[:200],
                nominated_by=actor,
                created_at=clock.now(),
            )
            _event(honour, "nominated", actor, citation)
    except IntegrityError:
        raise Conflict(_("Already nominated for this honour."), code="honour_repeat") from None
    return honour


def honour_confirm(*, actor: User, honour: Honour) -> Honour:
    with transaction.atomic():
        locked = Honour.objects.select_for_update().get(pk=honour.pk)
        if not policies.covers(actor, locked.community_path):
            raise NotFound(_("No such honour."), code="honour_not_found")
        if not transitions.HONOURS.permits("confirm", actor, locked):
            raise PermissionDenied(
                _("The secretary or someone above confirms, and never the nominator."),
                code="honour_confirm_denied",
            )
        transitions.HONOURS.require(locked, "confirm")
        locked.status = HonourStatus.CONFIRMED
        locked.save(update_fields=["status"])
        _event(locked, "confirmed", actor)
    return locked


def honour_withdraw(*, actor: User, honour: Honour, reason: str) -> Honour:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason."), code="reason_required")
    with transaction.atomic():
        locked = Honour.objects.select_for_update().get(pk=honour.pk)
        if not transitions.HONOURS.permits("withdraw", actor, locked):
            raise NotFound(_("No such honour."), code="honour_not_found")
        transitions.HONOURS.require(locked, "withdraw")
        locked.status = HonourStatus.WITHDRAWN
        locked.save(update_fields=["status"])
        _event(locked, "withdrawn", actor, reason)
    return locked


def honour_consent(*, user: User, honour: Honour, consent: bool) -> Honour:
    """The resident decides whether their honour is shown on the community's public page."""
    if honour.user_id != user.pk:
        raise NotFound(_("No such honour."), code="honour_not_found")
    with transaction.atomic():
        Honour.objects.filter(pk=honour.pk).update(consent_public=consent)
        honour.consent_public = consent
        _event(honour, "consent" if consent else "consent_withdrawn", user)
    return honour
