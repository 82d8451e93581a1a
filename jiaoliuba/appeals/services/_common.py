"""Helpers shared by every appeal service: events, notification texts and
audiences, the row lock, compare-and-set and the input checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.models import User
from jiaoliuba.appeals import clocks, routing
from jiaoliuba.appeals.choices import (
    ExtensionStatus,
)
from jiaoliuba.appeals.models import (
    Appeal,
    AppealEvent,
    Extension,
)
from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, ValidationFailed, lazy_format
from jiaoliuba.notifications.services import notify
from jiaoliuba.regions.choices import RegionLevel
from jiaoliuba.regions.models import Region


def _event_row(
    appeal: Appeal,
    kind: str,
    *,
    actor: User | None = None,
    from_status: str = "",
    to_status: str = "",
    message: str = "",
    visible: bool = False,
    data: dict | None = None,
    at: dt.datetime | None = None,
) -> AppealEvent:
    """An event not yet written, for services that write several at once."""
    return AppealEvent(
        appeal=appeal,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=from_status,
        to_status=to_status,
        message=message,
        visible_to_resident=visible,
        data=data or {},
        created_at=at or clock.now(),
    )


def _event(appeal: Appeal, kind: str, **fields: Any) -> AppealEvent:
    row = _event_row(appeal, kind, **fields)
    row.save(force_insert=True)
    return row


def _text(message: Any, **params: Any) -> str:
    """Notification text in the site's default language (residents read Chinese).

    Only our own translatable templates (lazy gettext) are filled in with `params`.
    Anything else is text a person typed (a reply, a reason, a rating comment) and is
    returned as data: used as a format string, "涨了30%，" raised, "{% debug %}" raised
    a TypeError, and "%(number)s" was replaced."""
    if not isinstance(message, Promise):
        return str(message)
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % params if params else str(message)


def _notify(
    users: Iterable[Any],
    kind: str,
    title: Any,
    body: Any,
    appeal: Appeal,
    *,
    sms: bool = False,
    **params: Any,
) -> None:
    """Inbox rows are written in the caller's transaction; deliveries leave on commit."""
    recipients = {u.pk: u for u in users if u is not None and getattr(u, "pk", None)}
    if not recipients:
        return
    notify(
        recipients=list(recipients.values()),
        kind=f"appeal.{kind}",
        title=_text(title, number=appeal.number or "", **params),
        body=_text(body, number=appeal.number or "", **params),
        link=f"/appeals/{appeal.pk}/",
        channels=("sms",) if sms else (),
        payload={
            "appeal": appeal.number,
            "status": appeal.status,
            "priority": appeal.priority,
            "category": appeal.category,
        },
    )


def _reporters(appeal: Appeal) -> list[Any]:
    """The resident and everyone whose appeal was merged into this one."""
    people = [appeal.submitter]
    people += [
        a.submitter for a in Appeal.objects.filter(merged_into=appeal).select_related("submitter")
    ]
    return [p for p in people if p is not None]


def _handlers(appeal: Appeal) -> list[Any]:
    if appeal.assignee is not None:
        return [appeal.assignee]
    if appeal.handling_region is None or not appeal.handling_role:
        return []
    return routing.holders(appeal.handling_role, appeal.handling_region)


def _supervisors(appeal: Appeal) -> list[Any]:
    """Staff one level above the unit that handles the appeal."""
    region = appeal.handling_region or appeal.community
    above: Region = region.parent or region
    roles: tuple[str, ...] = {
        RegionLevel.COMMUNITY: (Role.COMMUNITY_SECRETARY, Role.COMMUNITY_STAFF),
        RegionLevel.STREET: (Role.STREET_OFFICER,),
        RegionLevel.DISTRICT: (Role.DISTRICT_OFFICER,),
        RegionLevel.CITY: (Role.CITY_ADMIN,),
    }.get(RegionLevel(above.level), (Role.CITY_ADMIN,))
    people: list[Any] = []
    for role in roles:
        people += routing.holders(role, above)
    return people


def _locked(appeal: Appeal) -> Appeal:
    return (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("community", "grid", "handling_region", "assignee", "submitter")
        .get(pk=appeal.pk)
    )


_STATE_FIELDS = ("status", "current_due_at", "next_check_at")


def _move(fresh: Appeal, old_status: str, fields: Iterable[str]) -> None:
    """Compare-and-set: write `fields` only if the status is still `old_status`."""
    clocks.refresh(fresh)
    names = set(fields) | set(_STATE_FIELDS)
    updated = Appeal.objects.filter(pk=fresh.pk, status=old_status).update(
        **{n: getattr(fresh, n) for n in names}
    )
    if updated != 1:
        raise Conflict(
            _("Someone else changed this appeal a moment ago. Please reload."), code="stale_appeal"
        )


def _settle_pending_extension(appeal: Appeal, actor: User, why: str) -> None:
    """Handling ended or moved: a request for more time can no longer be decided."""
    Extension.objects.filter(appeal=appeal, status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.REFUSED,
        decided_by=actor if getattr(actor, "pk", None) else None,
        decided_at=clock.now(),
        decision_note=why[:300],
    )


def _require_text(value: str, message: Any, *, code: str, max_length: int = 2000) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, code=code)
    if len(value) > max_length:
        raise ValidationFailed(
            lazy_format(_("The text is longer than %(n)s characters."), {"n": max_length}),
            code="text_too_long",
        )
    return value
