"""The person's points, redemptions and honours (contract: core/personal_data.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.models import User
from jiaoliuba.core.personal_data import Retention, section
from jiaoliuba.points.models import Honour, PointsAccount, PointsEntry, Redemption


def export(user: User) -> dict[str, dict[str, Any]]:
    return {
        "points_account": section(
            _("My points balance"),
            PointsAccount.objects.filter(user=user),
            ["balance", "updated_at"],
        ),
        "points_entries": section(
            _("Points earned and spent"),
            PointsEntry.objects.filter(account__user=user).order_by("created_at"),
            ["kind", "amount", "act", "reason", "created_at", "expires_at"],
        ),
        "redemptions": section(
            _("My redemptions"),
            Redemption.objects.filter(account__user=user).order_by("created_at"),
            ["item__name", "price", "status", "created_at", "closed_at"],
        ),
        "honours": section(
            _("My honours"),
            Honour.objects.filter(user=user),
            ["kind", "quarter", "community__name", "citation", "status", "consent_public"],
        ),
    }


def forget(user: User) -> int:
    """The ledger stays (it is what the store and the figures add up); honours are no
    longer shown publicly."""
    return Honour.objects.filter(user=user).update(consent_public=False)


RETENTION: list[Retention] = []
