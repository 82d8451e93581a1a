"""Mediation (调解) of neighbour, property and group conflicts."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.models import User
from jiaoliuba.appeals import policies, transitions
from jiaoliuba.appeals.choices import (
    EventKind,
    MediationOutcome,
)
from jiaoliuba.appeals.models import (
    Appeal,
    Mediation,
    MediationParty,
    MediationSession,
)
from jiaoliuba.appeals.services._common import _event, _require_text
from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiaoliuba.core.validators import normalize_mobile
from jiaoliuba.points.choices import Act
from jiaoliuba.points.services import points_award

MEDIATION_CATEGORIES = transitions.MEDIATION_CATEGORIES


def mediation_start(
    *, appeal: Appeal, actor: User, mediator: User, parties: list[tuple[str, str, str]]
) -> Mediation:
    """Start 调解 with its parties (name, side, phone). The mediator may be staff, a
    volunteer or a professional."""
    if appeal.category not in MEDIATION_CATEGORIES:
        raise ValidationFailed(
            _("Mediation is for neighbour, property and collective disputes."), code="not_mediable"
        )
    if not transitions.permits("mediation_start", actor, appeal):
        raise PermissionDenied(_("You may not start a mediation for this appeal."))
    if not transitions.TRANSITIONS["mediation_start"].allows(appeal.status):
        raise Conflict(
            _("Mediation starts while the appeal is being handled."), code="wrong_status"
        )
    if len(parties) < 2:
        raise ValidationFailed(
            _("A mediation needs at least two parties."), code="parties_required"
        )
    clean = []
    for name, side, phone in parties:
        name = _require_text(
            name, _("Each party needs a name."), code="party_name_required", max_length=64
        )
        clean.append(
            (
                name,
                (side or "").strip()[:64],
                normalize_mobile(phone) if (phone or "").strip() else "",
            )
        )
    with transaction.atomic():
        mediation = Mediation.objects.create(
            appeal=appeal, mediator=mediator, started_by=actor, started_at=clock.now()
        )
        for name, side, phone in clean:
            MediationParty.objects.create(mediation=mediation, name=name, side=side, phone=phone)
        _event(
            appeal,
            EventKind.MEDIATION,
            actor=actor,
            data={"mediation": mediation.pk, "action": "started", "mediator": mediator.pk},
        )
    return mediation


def mediation_session_add(
    *, mediation: Mediation, actor: User, held_at: dt.datetime, place: str, notes: str
) -> MediationSession:
    if mediation.concluded_at is not None:
        raise Conflict(_("This mediation has concluded."), code="mediation_concluded")
    if actor.pk != mediation.mediator_id and not policies.may_dispatch(actor, mediation.appeal):
        raise PermissionDenied(_("Only the mediator may record sessions."))
    with transaction.atomic():
        session = MediationSession.objects.create(
            mediation=mediation,
            held_at=held_at,
            place=place.strip()[:200],
            notes=(notes or "").strip(),
            recorded_by=actor,
        )
        _event(
            mediation.appeal,
            EventKind.MEDIATION,
            actor=actor,
            data={"mediation": mediation.pk, "action": "session"},
        )
    return session


def mediation_conclude(
    *, mediation: Mediation, actor: User, outcome: str, agreement_text: str = ""
) -> Mediation:
    if outcome not in MediationOutcome.values:
        raise ValidationFailed(_("Unknown outcome."), code="invalid_outcome")
    if outcome == MediationOutcome.AGREEMENT:
        agreement_text = _require_text(
            agreement_text, _("Please record the agreement."), code="agreement_required"
        )
    if actor.pk != mediation.mediator_id and not policies.may_dispatch(actor, mediation.appeal):
        raise PermissionDenied(_("Only the mediator may conclude the mediation."))
    with transaction.atomic():
        now = clock.now()
        updated = Mediation.objects.filter(pk=mediation.pk, concluded_at__isnull=True).update(
            outcome=outcome, agreement_text=(agreement_text or "").strip(), concluded_at=now
        )
        if updated != 1:
            raise Conflict(_("This mediation has concluded."), code="mediation_concluded")
        _event(
            mediation.appeal,
            EventKind.MEDIATION,
            actor=actor,
            data={"mediation": mediation.pk, "action": "concluded", "outcome": outcome},
        )
        if outcome == MediationOutcome.AGREEMENT and mediation.mediator_id:
            # 调解纠纷成功 +30 for a resident mediator (staff earn nothing: points_award).
            points_award(
                user=mediation.mediator,
                act=Act.MEDIATION_AGREED,
                source=f"appeals.mediation:{mediation.pk}",
            )
    mediation.refresh_from_db()
    return mediation
