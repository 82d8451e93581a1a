"""What bookings feed the dashboard, plugged in through settings.DASHBOARD_SOURCES (the
contract is in jiaoliuba/dashboards/sources.py):

- participation (参与率): booking a session, attending it and providing it as a volunteer
  are acts of a registered resident, dated by the session (BookingAct rows);
- service_precision (服务精准度): seats attended ÷ capacity offered, over the sessions
  held in the period (not cancelled, started by now), by the session's date;
- service_satisfaction: ratings 满意 + 基本满意 ÷ all ratings of those sessions."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr

from jiaoliuba.accounts.participation import ActParticipation
from jiaoliuba.bookings.choices import SATISFIED_LEVELS, ServiceKind, SessionStatus
from jiaoliuba.bookings.models import Booking, BookingAct, Session
from jiaoliuba.core import clock
from jiaoliuba.regions.models.region import subtree_q

booking_participation = ActParticipation(BookingAct)


def _held(path: str, start: dt.date, end: dt.date) -> QuerySet[Session]:
    return Session.objects.filter(
        subtree_q(path, field="region_path"),
        day__gte=start,
        day__lte=end,
        starts_at__lte=clock.now(),
    ).exclude(status=SessionStatus.CANCELLED)


def service_precision(path: str, start: dt.date, end: dt.date) -> tuple[int, int]:
    """(seats attended, capacity offered) over the sessions held in the period."""
    totals = _held(path, start, end).aggregate(attended=Sum("attended"), capacity=Sum("capacity"))
    return int(totals["attended"] or 0), int(totals["capacity"] or 0)


def service_satisfaction(path: str, start: dt.date, end: dt.date) -> tuple[int, int]:
    """(satisfied or basically satisfied, all ratings) of the period's sessions."""
    rated = Booking.objects.filter(session__in=_held(path, start, end)).exclude(rating="")
    totals = rated.aggregate(
        good=Count("pk", filter=Q(rating__in=SATISFIED_LEVELS)), all=Count("pk")
    )
    return int(totals["good"]), int(totals["all"])


def service_kinds(path: str, start: dt.date, end: dt.date) -> list[dict]:
    """The two figures above by kind of service (legal advice, health, activity…): one
    grouped query each over the same sessions. Rows {key, label, attended, capacity,
    satisfied, rated}, kinds with nothing held left out."""
    held = _held(path, start, end)
    seats = (
        held.values("service__kind")
        .annotate(attended=Sum("attended"), capacity=Sum("capacity"))
        .order_by()
    )
    ratings = (
        Booking.objects.filter(session__in=held)
        .exclude(rating="")
        .values("session__service__kind")
        .annotate(good=Count("pk", filter=Q(rating__in=SATISFIED_LEVELS)), all=Count("pk"))
        .order_by()
    )
    rated = {r["session__service__kind"]: (r["good"], r["all"]) for r in ratings}
    labels = dict(ServiceKind.choices)
    rows = [
        {
            "key": row["service__kind"],
            "label": labels.get(row["service__kind"], row["service__kind"]),
            "attended": int(row["attended"] or 0),
            "capacity": int(row["capacity"] or 0),
            "satisfied": rated.get(row["service__kind"], (0, 0))[0],
            "rated": rated.get(row["service__kind"], (0, 0))[1],
        }
        for row in seats
    ]
    order = list(labels)
    return sorted(rows, key=lambda r: order.index(r["key"]) if r["key"] in order else len(order))


def service_precision_by_node(
    within: str, width: int, start: dt.date, end: dt.date
) -> dict[str, tuple[int, int]]:
    """service_precision of every node of `width` inside `within`, in one grouped query
    (the dashboards' drill-down and ranking)."""
    rows = (
        _held(within, start, end)
        .annotate(node=Substr("region_path", 1, width))
        .values("node")
        .annotate(attended=Sum("attended"), capacity=Sum("capacity"))
        .order_by()
    )
    return {
        row["node"]: (int(row["attended"] or 0), int(row["capacity"] or 0))
        for row in rows
        if len(row["node"]) == width
    }


def service_satisfaction_by_node(
    within: str, width: int, start: dt.date, end: dt.date
) -> dict[str, tuple[int, int]]:
    """service_satisfaction of every node of `width` inside `within`, in one query."""
    rows = (
        Booking.objects.filter(session__in=_held(within, start, end))
        .exclude(rating="")
        .annotate(node=Substr("session__region_path", 1, width))
        .values("node")
        .annotate(good=Count("pk", filter=Q(rating__in=SATISFIED_LEVELS)), all=Count("pk"))
        .order_by()
    )
    return {
        row["node"]: (int(row["good"]), int(row["all"]))
        for row in rows
        if len(row["node"]) == width
    }
