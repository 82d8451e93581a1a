"""The person's visits to a venue and their duty shifts (contract: core/personal_data.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.models import User
from jiaoliuba.core.personal_data import Retention, section
from jiaoliuba.venues.models import Shift, Visit


def export(user: User) -> dict[str, dict[str, Any]]:
    return {
        "visits": section(
            _("My visits to the 交流吧"),
            Visit.objects.filter(visitor=user).order_by("received_at"),
            ["venue__name", "received_at", "visitor_name", "topic", "detail", "outcome"],
        ),
        "shifts": section(
            _("My duty shifts"),
            Shift.objects.filter(person=user).order_by("starts_at"),
            ["venue__name", "duty_role", "starts_at", "ends_at", "status"],
        ),
    }


def forget(user: User) -> int:
    """Visits still count in the venue's figures; the visitor's name goes."""
    return Visit.objects.filter(visitor=user).update(visitor_name="")


RETENTION: list[Retention] = []
