"""Core's own personal data: the SMS outbox (development and test gateway) and the
sensitive-access log's retention (contract: core/personal_data.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from jiaoliuba.core.models import SensitiveAccessLog, SmsOutbox
from jiaoliuba.core.personal_data import Retention, delete_in_batches, section


def export(user: Any) -> dict[str, dict[str, Any]]:
    if not user.phone_hash:
        return {}
    return {
        "sms_messages": section(
            _("Text messages sent to me"),
            SmsOutbox.objects.filter(phone_hash=user.phone_hash).order_by("created_at"),
            ["body", "created_at"],
        )
    }


def forget(user: Any) -> int:
    if not user.phone_hash:
        return 0
    return SmsOutbox.objects.filter(phone_hash=user.phone_hash).delete()[0]


def _outbox(cutoff: dt.datetime) -> int:
    return delete_in_batches(SmsOutbox.objects.filter(created_at__lt=cutoff))


def _access_log(cutoff: dt.datetime) -> int:
    return delete_in_batches(SensitiveAccessLog.objects.filter(created_at__lt=cutoff))


RETENTION = [
    Retention(
        kind="core.sms_outbox",
        days=30,
        purge=_outbox,
        description=_("Text messages in the outbox, 30 days after sending"),
    ),
    Retention(
        kind="core.sensitive_access_log",
        days=3 * 365,
        purge=_access_log,
        description=_("The log of who saw a full phone or ID number, three years"),
    ),
]
