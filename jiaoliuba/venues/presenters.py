"""Plain dicts of venues for the pages, the card include and the API (one shape)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiaoliuba.core import clock
from jiaoliuba.core.clock import SHANGHAI
from jiaoliuba.venues import selectors
from jiaoliuba.venues.choices import ThemeKind, Zone
from jiaoliuba.venues.models import Shift, Theme, Venue, Visit
from jiaoliuba.venues.schedule import DayPlan

WEEKDAYS = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))


def hm(value: dt.time | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(SHANGHAI)
    return f"{value:%H:%M}"


def when(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(SHANGHAI)
    return f"{local:%m-%d} {WEEKDAYS[local.weekday()]} {local:%H:%M}"


def intervals(plan: DayPlan) -> str:
    return ", ".join(f"{hm(o)}–{hm(c)}" for o, c in plan.intervals)


def day_dict(plan: DayPlan) -> dict[str, Any]:
    return {
        "day": plan.day,
        "date": f"{plan.day:%m-%d}",
        "weekday": str(WEEKDAYS[plan.day.weekday()]),
        "intervals": intervals(plan),
        "open": plan.open,
        "late": plan.late,
        "closed_reason": plan.closed_reason,
    }


def weekly_hours(venue: Venue) -> list[dict[str, Any]]:
    """Monday to Sunday, each with its intervals (or none) and whether it runs late."""
    by_day: dict[int, list[tuple[dt.time, dt.time]]] = {d: [] for d in range(7)}
    for row in venue.hours.all():
        by_day[row.weekday].append((row.opens, row.closes))
    return [
        {
            "weekday": str(WEEKDAYS[d]),
            "intervals": ", ".join(f"{hm(o)}–{hm(c)}" for o, c in sorted(rows)),
            "late": any(c >= dt.time(19) for _o, c in rows),
        }
        for d, rows in by_day.items()
    ]


def theme_dict(theme: Theme | None, today: dt.date) -> dict[str, Any] | None:
    if theme is None:
        return None
    return {
        "month": f"{theme.month:%Y-%m}",
        "kind": theme.kind,
        "kind_label": str(ThemeKind(theme.kind).label),
        "title": theme.title,
        "day": f"{theme.day:%m-%d}" if theme.day else "",
        "is_today": theme.day == today,
        "note": theme.note,
    }


def venue_card(venue: Venue, at: dt.datetime | None = None) -> dict[str, Any]:
    """What a resident needs on one card: hours, open now or next, the month's theme
    and who is on duty. The include venues/_venue_card.html renders it."""
    at = at or clock.now()
    today = at.astimezone(SHANGHAI).date()
    state = selectors.opening_state(venue, at)
    photo = venue.photos.order_by("created_at", "pk").first()
    return {
        "id": venue.pk,
        "name": venue.name,
        "address": venue.address,
        "area_m2": venue.area_m2,
        "zones": [str(Zone(z).label) for z in venue.zones if z in Zone.values],
        "facilities": venue.facilities,
        "open_now": state.open_now,
        "closes_at": hm(state.closes_at),
        "next_opens": when(state.next_opens_at),
        "next_closes": hm(state.next_closes_at),
        "closed_today": state.closed_today,
        "hours": weekly_hours(venue),
        "theme": theme_dict(selectors.theme_for(venue, today), today),
        "on_duty": [
            {"name": d.name, "role": d.duty_role_label, "until": hm(d.until)}
            for d in selectors.venue_on_duty(venue, at)
        ],
        "url": reverse("venues:detail", args=[venue.pk]),
        "photo_url": reverse("venues:photo", args=[photo.pk]) if photo else "",
    }


def shift_dict(shift: Shift) -> dict[str, Any]:
    start = shift.starts_at.astimezone(SHANGHAI)
    return {
        "id": shift.pk,
        "venue": shift.venue_id,
        "person": str(shift.person),
        "person_id": shift.person_id,
        "duty_role": shift.duty_role,
        "duty_role_label": shift.get_duty_role_display(),
        "date": f"{start:%m-%d}",
        "weekday": str(WEEKDAYS[start.weekday()]),
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
        "time": f"{hm(shift.starts_at)}–{hm(shift.ends_at)}",
        "status": shift.status,
        "status_label": shift.get_status_display(),
    }


def visit_dict(visit: Visit) -> dict[str, Any]:
    return {
        "id": visit.pk,
        "venue": visit.venue_id,
        "received_at": visit.received_at,
        "when": when(visit.received_at),
        "people": visit.people,
        "visitor": visit.visitor_name,
        "topic": visit.topic,
        "detail": visit.detail,
        "outcome": visit.outcome,
        "outcome_label": visit.get_outcome_display(),
        "status": visit.status,
        "status_label": visit.get_status_display(),
        "appeal_id": visit.appeal_id,
        "appeal_number": visit.appeal.number if visit.appeal_id and visit.appeal else "",
    }
