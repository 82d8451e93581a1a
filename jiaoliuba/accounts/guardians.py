"""Children's data (PIPL art. 31): a resident under fourteen is processed only with a
guardian's consent, recorded first by staff who met the guardian."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts import policies, selectors
from jiaoliuba.accounts.models import GuardianConsent, ResidentProfile, User
from jiaoliuba.core import clock
from jiaoliuba.core.errors import PermissionDenied, ValidationFailed
from jiaoliuba.core.services import audit_record
from jiaoliuba.core.validators import normalize_mobile

AGE_OF_CONSENT = 14


def birth_date(id_number: str) -> dt.date:
    """From a validated 18-digit ID number (GB 11643: digits 7–14 are the birth date)."""
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def is_child(id_number: str) -> bool:
    return age_on(birth_date(id_number), clock.local_now().date()) < AGE_OF_CONSENT


def has_consent(resident: ResidentProfile) -> bool:
    return GuardianConsent.objects.filter(resident=resident, withdrawn_at__isnull=True).exists()


def require_consent_for(resident: ResidentProfile, id_number: str) -> None:
    if is_child(id_number) and not has_consent(resident):
        raise ValidationFailed(
            _(
                "This ID number belongs to a child under fourteen. A guardian's consent must be "
                "recorded by community staff before the child's details are kept."
            ),
            code="guardian_consent_required",
        )


def guardian_consent_record(
    *,
    actor: User,
    resident: ResidentProfile,
    guardian_name: str,
    relation: str,
    guardian_phone: str = "",
    ip: str | None = None,
) -> GuardianConsent:
    if not policies.may_any(
        selectors.user_roles_at(actor), resident.region_path, policies.VERIFY_ROLES
    ):
        raise PermissionDenied(
            _("Only grid workers and community staff may record a guardian's consent.")
        )
    name, relation = (guardian_name or "").strip(), (relation or "").strip()
    if not name or len(name) > 64:
        raise ValidationFailed(_("Please enter the guardian's name."), code="invalid_guardian")
    if not relation or len(relation) > 32:
        raise ValidationFailed(
            _("Please say how the guardian is related to the child."), code="invalid_relation"
        )
    phone = normalize_mobile(guardian_phone) if guardian_phone else ""
    with transaction.atomic():
        consent = GuardianConsent.objects.create(
            resident=resident,
            guardian_name=name,
            relation=relation,
            guardian_phone=phone,
            recorded_by=actor,
            recorded_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="resident.guardian_consent",
            target=resident,
            after={"consent": consent.pk, "relation": relation},
            ip=ip,
        )
    return consent
