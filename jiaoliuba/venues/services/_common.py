"""Helpers shared by the venue services: the append-only event row and the
participation act."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction

from jiaoliuba.core import clock
from jiaoliuba.venues import policies
from jiaoliuba.venues.models import Shift, SwapRequest, Venue, VenueAct, VenueEvent, Visit


def event(
    venue: Venue,
    kind: str,
    *,
    actor: Any = None,
    shift: Shift | None = None,
    swap: SwapRequest | None = None,
    visit: Visit | None = None,
    from_status: str = "",
    to_status: str = "",
    data: dict | None = None,
) -> VenueEvent:
    return VenueEvent.objects.create(
        venue=venue,
        shift=shift,
        swap=swap,
        visit=visit,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=from_status,
        to_status=to_status,
        data=data or {},
        created_at=clock.now(),
    )


def act(user: Any, kind: str, ref: int, day: dt.date) -> None:
    """A participation act of a registered resident, once per person, kind and object."""
    home = policies.home_path(user)
    if not home:
        return
    try:
        with transaction.atomic():
            VenueAct.objects.create(user=user, resident_path=home, day=day, kind=kind, ref=ref)
    except IntegrityError:
        pass  # counted already


def local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(clock.SHANGHAI).date()
