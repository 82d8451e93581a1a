"""The periodic sweep: the reminder the day before a session (SMS and inbox). It looks
only at bookings whose remind_at has come (an index range), so it costs what is due, not
what is booked; each reminder is stamped once."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiaoliuba.bookings.choices import BookingEventKind, BookingStatus
from jiaoliuba.bookings.models import Booking
from jiaoliuba.bookings.services._common import _event, _notify
from jiaoliuba.core import clock


def bookings_sweep(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    now = now or clock.now()
    reminded = 0
    while True:
        with transaction.atomic():
            due = list(
                Booking.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(remind_at__lte=now)
                .select_related("session__service", "resident")
                .order_by("remind_at")[:batch]
            )
            for booking in due:
                Booking.objects.filter(pk=booking.pk).update(remind_at=None, reminded_at=now)
                if booking.status != BookingStatus.RESERVED or booking.session.starts_at <= now:
                    continue
                _event(booking, BookingEventKind.REMINDED, data={"at": now.isoformat()})
                _notify(
                    [booking.resident],
                    "reminder",
                    _("Tomorrow: %(title)s"),
                    _("%(when)s. Please come on time; cancel in advance if you cannot."),
                    booking,
                    channels=("sms",),
                )
                reminded += 1
        if len(due) < batch:
            break
    return reminded
