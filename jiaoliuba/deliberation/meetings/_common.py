"""Helpers shared by the meeting and resolution services: events, notifications, row
locks, compare-and-set, text checks and participation acts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, PermissionDenied, ValidationFailed, lazy_format
from jiaoliuba.core.transitions import Table
from jiaoliuba.deliberation.models import Meeting, MeetingAct, MeetingEvent, Resolution
from jiaoliuba.deliberation.policies import home_path
from jiaoliuba.deliberation.services._common import _text, check_words
from jiaoliuba.notifications.services import notify

TEXT_MAX = 5000


def event(
    meeting: Meeting,
    kind: str,
    *,
    actor: Any = None,
    resolution: Resolution | None = None,
    from_status: str = "",
    to_status: str = "",
    message: str = "",
    data: dict | None = None,
) -> MeetingEvent:
    return MeetingEvent.objects.create(
        meeting=meeting,
        resolution=resolution,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=from_status,
        to_status=to_status,
        message=message,
        data=data or {},
        created_at=clock.now(),
    )


def tell(
    users: Iterable[Any],
    kind: str,
    title: Any,
    body: Any,
    link: str,
    /,
    *,
    skip: Any = None,
    **params: Any,
) -> None:
    """Inbox rows in the caller's transaction; deliveries leave on commit (notify). Our
    own templates are filled in the site's language; what people typed is data only."""
    skip_pk = getattr(skip, "pk", None)
    recipients = {
        u.pk: u for u in users if u is not None and getattr(u, "pk", None) and u.pk != skip_pk
    }
    if not recipients:
        return
    notify(
        recipients=list(recipients.values()),
        kind=f"meetings.{kind}",
        title=_text(title, **params)[:200],
        body=_text(body, **params),
        link=link,
        channels=(),
        payload={"link": link},
    )


def require(table: Table, obj: Any, action: str, actor: Any, refusal: Any) -> None:
    """The one check of a service: the state (409), then who (403), then the guard (409)."""
    table.require(obj, action)
    if not table.permits(action, actor, obj):
        raise PermissionDenied(refusal)


def locked(model: Any, pk: int) -> Any:
    return model.objects.select_for_update(of=("self",)).get(pk=pk)


def move(obj: Any, old_status: str, fields: Iterable[str] = ()) -> None:
    """Compare-and-set: write the status (and `fields`) only if it is still `old_status`."""
    obj.updated_at = clock.now()
    names = set(fields) | {"status", "updated_at"}
    updated = (
        type(obj)
        .objects.filter(pk=obj.pk, status=old_status)
        .update(**{n: getattr(obj, n) for n in names})
    )
    if updated != 1:
        raise Conflict(
            _("Someone else changed this a moment ago. Please reload."), code="stale_state"
        )


def text(value: Any, message: Any, *, code: str, max_length: int = TEXT_MAX) -> str:
    value = str(value or "").strip()
    if not value:
        raise ValidationFailed(message, code=code)
    if len(value) > max_length:
        raise ValidationFailed(
            lazy_format(_("The text is longer than %(n)s characters."), {"n": max_length}),
            code="text_too_long",
        )
    check_words(value)
    return value


def act(user: Any, kind: str, meeting: Meeting) -> None:
    """A participation act of a registered resident, once per person, kind, meeting and
    day. Staff acting as staff are not residents taking part."""
    home = home_path(user)
    if not home:
        return
    try:
        with transaction.atomic():
            MeetingAct.objects.create(
                user=user,
                resident_path=home,
                day=clock.local_now().date(),
                kind=kind,
                meeting=meeting,
            )
    except IntegrityError:
        pass  # already counted today


def local(moment: dt.datetime | None) -> str:
    return moment.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else ""
