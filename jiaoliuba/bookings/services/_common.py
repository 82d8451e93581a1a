"""Helpers shared by the booking services: events, notifications, the session lock and
the participation acts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.functional import Promise

from jiaoliuba.bookings import policies
from jiaoliuba.bookings.models import Booking, BookingAct, BookingEvent, Session
from jiaoliuba.core import clock
from jiaoliuba.core.clock import SHANGHAI
from jiaoliuba.notifications.services import notify


def _event(
    booking: Booking,
    kind: str,
    *,
    actor: Any = None,
    from_status: str = "",
    to_status: str = "",
    data: dict | None = None,
) -> BookingEvent:
    return BookingEvent.objects.create(
        booking=booking,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=from_status,
        to_status=to_status,
        data=data or {},
        created_at=clock.now(),
    )


def when(session: Session) -> str:
    start = session.starts_at.astimezone(SHANGHAI)
    return f"{start:%m-%d %H:%M}–{session.ends_at.astimezone(SHANGHAI):%H:%M}"


def _text(message: Any, **params: Any) -> str:
    """Our own lazy templates in the site's language; never a person's text as a format."""
    if not isinstance(message, Promise):
        return str(message)
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % params if params else str(message)


def _notify(
    users: Iterable[Any],
    kind: str,
    title: Any,
    body: Any,
    booking: Booking,
    *,
    channels: Sequence[str] = (),
) -> None:
    """Inbox rows in the caller's transaction; SMS leaves on commit (notify)."""
    people = [u for u in users if u is not None and getattr(u, "pk", None)]
    if not people:
        return
    session = booking.session
    params = {"title": session.service.title, "when": when(session)}
    notify(
        recipients=people,
        kind=f"booking.{kind}",
        title=_text(title, **params),
        body=_text(body, **params),
        link="/services/mine/",
        channels=channels,
        payload={"booking": booking.pk, "session": session.pk, "status": booking.status},
    )


def _locked_session(session_id: int) -> Session:
    return (
        Session.objects.select_for_update(of=("self",))
        .select_related("service__expert")
        .get(pk=session_id)
    )


def _act(user: Any, kind: str, session: Session, *, home: str | None = None) -> None:
    """A participation act of a registered resident, once per person, kind and session,
    dated by the session (counting rule 1). `home`: the resident's path, when the caller
    has read it already."""
    home = policies.home_path(user) if home is None else home
    if not home:
        return
    try:
        with transaction.atomic():
            BookingAct.objects.create(
                user=user, resident_path=home, day=session.day, kind=kind, session=session
            )
    except IntegrityError:
        pass  # counted already


def _act_remove(user_id: int, kind: str, session: Session) -> None:
    BookingAct.objects.filter(user_id=user_id, kind=kind, session=session).delete()
