"""The person's account, profile, tokens and roles (contract: core/personal_data.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.models import (
    ApiToken,
    GuardianConsent,
    OneTimeCode,
    ResidentProfile,
    RoleAssignment,
    User,
)
from jiaoliuba.core.personal_data import Retention, delete_in_batches, section

# What an erased account is called wherever its old acts are shown.
ERASED_NAME = "已注销用户"


def export(user: User) -> dict[str, dict[str, Any]]:
    profile = ResidentProfile.objects.filter(user=user)
    return {
        "account": section(
            _("Account"),
            User.objects.filter(pk=user.pk),
            ["display_name", "phone", "email", "date_joined", "large_text"],
        ),
        "resident_profile": section(
            _("Resident profile"),
            profile,
            [
                "community__name",
                "grid__name",
                "address",
                "household__address",
                "household_relation",
                "id_number",
                "verification_status",
                "verified_at",
                "created_at",
            ],
        ),
        "guardian_consents": section(
            _("Guardians' consents"),
            GuardianConsent.objects.filter(resident__user=user),
            ["guardian_name", "relation", "guardian_phone", "recorded_at", "withdrawn_at"],
        ),
        "api_tokens": section(
            _("App sign-ins (API tokens)"),
            ApiToken.objects.filter(user=user),
            ["name", "prefix", "created_at", "last_used_at"],
        ),
        "roles": section(
            _("Staff roles"),
            RoleAssignment.objects.filter(user=user),
            ["role", "region__name", "created_at"],
        ),
    }


@transaction.atomic
def forget(user: User) -> int:
    """The account stays as a nameless row, so the appeals, votes and points it made still
    count once each; nothing on it can reach or name the person any more."""
    changed = ApiToken.objects.filter(user=user).delete()[0]
    changed += GuardianConsent.objects.filter(resident__user=user).delete()[0]
    changed += ResidentProfile.objects.filter(user=user).update(
        address="",
        id_number="",
        id_number_hash=None,
        household=None,
        household_relation="",
    )
    user.display_name = ERASED_NAME
    user.phone, user.phone_hash, user.email, user.username = "", None, "", None
    user.is_active, user.large_text = False, None
    user.set_unusable_password()  # also ends every session: their hash no longer matches
    user.save()
    return changed + 1


def _unused_tokens(cutoff: dt.datetime) -> int:
    return delete_in_batches(ApiToken.objects.filter(expires_at__lt=cutoff))


def _codes(cutoff: dt.datetime) -> int:
    return delete_in_batches(OneTimeCode.objects.filter(expires_at__lt=cutoff))


RETENTION = [
    Retention(
        kind="accounts.sign_in_codes",
        days=1,
        purge=_codes,
        description=_("SMS sign-in codes (stored hashed), a day after they expired"),
    ),
    Retention(
        kind="accounts.expired_tokens",
        days=30,
        purge=_unused_tokens,
        description=_("API tokens, 30 days after they expired"),
    ),
]
