"""Receipts, tracking links, the resolved message and the contact SMS."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _

from jiaoliuba.appeals import tracking
from jiaoliuba.appeals.models import (
    Appeal,
)
from jiaoliuba.appeals.services._common import _text
from jiaoliuba.core import clock
from jiaoliuba.core.sms import get_sms_backend
from jiaoliuba.notifications.channels import sms_text
from jiaoliuba.notifications.models import Notification
from jiaoliuba.notifications.services import notify


def _local_time(moment: dt.datetime) -> str:
    """A deadline as residents read it: Asia/Shanghai, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return formats.date_format(moment.astimezone(clock.SHANGHAI), "DATETIME_FORMAT")


def tracking_link(appeal: Appeal) -> str:
    """The short link of the receipt (relative; SMS make it absolute with SITE_URL)."""
    return f"/t/{appeal.tracking_code}/" if appeal.tracking_code else f"/appeals/{appeal.pk}/"


def _tracking_code_matches(appeal: Appeal, code: str) -> bool:
    wanted = tracking.normalize(code)
    return bool(wanted and appeal.tracking_code) and secrets.compare_digest(
        wanted, appeal.tracking_code or ""
    )


def receipt_message(appeal: Appeal) -> tuple[str, str, str]:
    """受理回执: (title, body, link). User text never enters a format string here: only
    our own templates are formatted, with the number, deadline and code as data."""
    title = _text(_("Your appeal %(number)s has been received"), number=appeal.number or "")
    body = _text(
        _("We will reply by %(due)s. Tracking code %(code)s: use it to follow the progress."),
        due=_local_time(appeal.resolution_due_at),
        code=appeal.tracking_code or "",
    )
    return title, body, tracking_link(appeal)


def resolved_message(appeal: Appeal, reply: str) -> tuple[str, str, str]:
    """The resolution message: the reply (as data) and the link where it is rated."""
    title = _text(_("Appeal %(number)s is resolved: please rate it"), number=appeal.number or "")
    return title, reply, tracking_link(appeal)


def _send_receipt(appeal: Appeal) -> None:
    """Every new appeal, online or entered at the desk, gets a receipt: the resident's
    inbox and SMS, or an SMS to the contact number of an appeal filed without account."""
    title, body, link = receipt_message(appeal)
    if appeal.submitter is not None:
        notify(
            recipients=[appeal.submitter],
            kind="appeal.received",
            title=title,
            body=body,
            link=link,
            channels=("sms",),
            payload={"appeal": appeal.number, "status": appeal.status},
        )
    elif appeal.contact_phone:
        _enqueue_contact_sms(appeal.pk, "receipt")


def _notify_resolved(appeal: Appeal, reply: str) -> None:
    title, body, link = resolved_message(appeal, reply)
    if appeal.submitter is not None:
        notify(
            recipients=[appeal.submitter],
            kind="appeal.resolved",
            title=title,
            body=body,
            link=link,
            channels=("sms",),
            payload={"appeal": appeal.number, "status": appeal.status},
        )
    elif appeal.contact_phone:
        _enqueue_contact_sms(appeal.pk, "resolved")
    # Residents whose appeals were merged into this one follow it from their own appeal.
    for merged in Appeal.objects.filter(merged_into=appeal, submitter__isnull=False).exclude(
        submitter_id=appeal.submitter_id
    ):
        notify(
            recipients=[u for u in (merged.submitter,) if u is not None],
            kind="appeal.resolved",
            title=title,
            body=body,
            link=tracking_link(merged),
            channels=("sms",),
            payload={"appeal": merged.number, "status": appeal.status},
        )


def _enqueue_contact_sms(appeal_id: int, what: str) -> None:
    """The number is read (decrypted) by the task, so it never sits in the task queue."""
    from jiaoliuba.appeals.tasks import contact_sms  # noqa: PLC0415 — tasks.py imports services (a real cycle)

    transaction.on_commit(lambda: contact_sms.enqueue(appeal_id, what))


def appeal_contact_sms_send(*, appeal_id: int, what: str) -> bool:
    """Send the receipt or resolution SMS of an appeal filed without an account to the
    contact number given on the form. Returns whether a message went out."""
    appeal = Appeal.objects.filter(pk=appeal_id).first()
    if appeal is None or not appeal.contact_phone:
        return False
    if what == "receipt":
        title, body, link = receipt_message(appeal)
    elif what == "resolved":
        title, body, link = resolved_message(appeal, appeal.reply)
    else:
        return False
    # An unsaved Notification only to reuse the one SMS layout (signature, clipping, link).
    message = sms_text(Notification(title=title, body=body, link=link))
    get_sms_backend().send(phone=appeal.contact_phone, message=message)
    return True
