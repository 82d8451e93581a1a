"""Pages of 交流吧场所: residents see a venue's card and plan (`/venues/<id>/`) and its
printable poster; staff keep the registry, hours, themes, the rota and the visit log at
the workbench. Thin: parse, call a service or a selector, render; a refused action shows
its message and changes nothing."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import segno
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from jiaoliuba.accounts.decorators import staff_required
from jiaoliuba.accounts.models import User
from jiaoliuba.accounts.selectors import user_by_id, user_scope_regions
from jiaoliuba.accounts.types import SignedInRequest
from jiaoliuba.appeals.intake import parse_received_at
from jiaoliuba.core import clock
from jiaoliuba.core.clock import SHANGHAI
from jiaoliuba.core.dateparse import parse_date, parse_time
from jiaoliuba.core.errors import ApplicationError, NotFound, ValidationFailed
from jiaoliuba.regions.choices import RegionLevel
from jiaoliuba.venues import policies, presenters, selectors, services, transitions
from jiaoliuba.venues.choices import DutyRole, ThemeKind, VisitOutcome, Zone
from jiaoliuba.venues.links import community_public_url
from jiaoliuba.venues.models import Closure, Venue, VenuePhoto


def _int(raw: Any, default: int = 0) -> int:
    try:
        return int(raw or default)
    except (TypeError, ValueError):
        return default


# Years a page may be asked for: the calendars step a month either way (there is no month
# after 9999-12), and no rota or visit log reaches outside these.
YEARS = (2000, 2100)


def _month(raw: str) -> dt.date:
    today = clock.local_now().date().replace(day=1)
    parsed = parse_date(f"{raw}-01") if raw else None
    if parsed is None or not YEARS[0] <= parsed.year <= YEARS[1]:
        return today
    return parsed


def _next_month(first: dt.date) -> dt.date:
    return (first + dt.timedelta(days=32)).replace(day=1)


def _person(raw: str) -> User:
    user = user_by_id(user_id=_int(raw)) if raw else None
    if user is None:
        raise ValidationFailed(gettext_lazy("Please choose a person."), code="person_required")
    return user


# --- residents and the public ---------------------------------------------------------


def venue_page(request: HttpRequest, venue_id: int) -> HttpResponse:
    """The venue's page: its card, the next two weeks' hours and the coming themes."""
    venue = selectors.venue_public(venue_id=venue_id)
    today = clock.local_now().date()
    return render(
        request,
        "venues/venue.html",
        {
            "card": presenters.venue_card(venue),
            "plan": [presenters.day_dict(p) for p in selectors.week_plan(venue, today, 14)],
            "themes": [
                presenters.theme_dict(t, today) for t in selectors.theme_list(venue, today, 3)
            ],
            "photos": list(venue.photos.all()[:6]),
            "community_url": community_public_url(venue.region),
        },
    )


def poster(request: HttpRequest, venue_id: int) -> HttpResponse:
    """A printable A4 poster: hours, late evenings, the month's theme and a QR code to
    the community's page."""
    venue = selectors.venue_public(venue_id=venue_id)
    return render(
        request,
        "venues/poster.html",
        {
            "card": presenters.venue_card(venue),
            "community_url": request.build_absolute_uri(community_public_url(venue.region)),
        },
    )


def poster_qr(request: HttpRequest, venue_id: int) -> HttpResponse:
    venue = selectors.venue_public(venue_id=venue_id)
    out = io.BytesIO()
    url = request.build_absolute_uri(community_public_url(venue.region))
    segno.make(url, error="m").save(out, kind="svg", scale=8, border=2)
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


def photo(request: HttpRequest, photo_id: int) -> FileResponse:
    """A venue's photo (a public place; stripped of metadata when uploaded)."""
    found = VenuePhoto.objects.filter(pk=photo_id, venue__active=True).first()
    if found is None:
        raise NotFound(gettext_lazy("Not found."))
    response = FileResponse(found.file.open("rb"), content_type=found.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- staff ------------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def workbench(request: SignedInRequest) -> HttpResponse:
    communities = [
        r
        for r in user_scope_regions(request.user)
        if r.level == RegionLevel.COMMUNITY and policies.manages(request.user, r.path)
    ]
    typed = request.POST.dict() if request.method == "POST" else {}
    if request.method == "POST":
        region = next((r for r in communities if r.code == typed.get("region")), None)
        try:
            if region is None:
                raise ValidationFailed(
                    gettext_lazy("Please choose the community."), code="venue_region"
                )
            venue = services.venue_create(
                actor=request.user,
                region=region,
                name=typed.get("name", ""),
                address=typed.get("address", ""),
                area_m2=typed.get("area_m2", ""),
                zones=request.POST.getlist("zones"),
                facilities=typed.get("facilities", ""),
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Venue registered."))
            return redirect("venues:manage", venue_id=venue.pk)
    rows = [
        (v, presenters.venue_card(v), selectors.venue_warnings(v))
        for v in selectors.venue_list(user=request.user)[:100]
    ]
    return render(
        request,
        "venues/workbench.html",
        {"rows": rows, "communities": communities, "zones": Zone.choices, "typed": typed},
    )


def _hours_rows(post: Any) -> list[tuple[int, dt.time, dt.time]]:
    rows = []
    for day in range(7):
        for part in ("am", "pm"):
            opens_raw = post.get(f"{part}_open_{day}", "").strip()
            closes_raw = post.get(f"{part}_close_{day}", "").strip()
            if not opens_raw and not closes_raw:
                continue
            opens, closes = parse_time(opens_raw or ""), parse_time(closes_raw or "")
            if opens is None or closes is None:
                raise ValidationFailed(
                    gettext_lazy("Please give both times of each interval as HH:MM."),
                    code="hours_time",
                )
            rows.append((day, opens, closes))
    return rows


def _hours_form(venue: Venue) -> list[dict[str, Any]]:
    by_day: dict[int, list[tuple[dt.time, dt.time]]] = {d: [] for d in range(7)}
    for row in venue.hours.all():
        by_day[row.weekday].append((row.opens, row.closes))
    form = []
    for day, rows in by_day.items():
        rows = sorted(rows)[:2] + [(None, None)] * (2 - len(rows[:2]))  # type: ignore[list-item]
        form.append(
            {
                "day": day,
                "label": str(presenters.WEEKDAYS[day]),
                "am": [presenters.hm(rows[0][0]), presenters.hm(rows[0][1])],
                "pm": [presenters.hm(rows[1][0]), presenters.hm(rows[1][1])],
            }
        )
    return form


def _manage_post(request: SignedInRequest, venue: Venue) -> str:
    form, post = request.POST.get("form", ""), request.POST
    if form == "venue":
        services.venue_update(
            actor=request.user,
            venue=venue,
            name=post.get("name", ""),
            address=post.get("address", ""),
            area_m2=post.get("area_m2", ""),
            zones=post.getlist("zones"),
            facilities=post.get("facilities", ""),
            active=bool(post.get("active")),
        )
        return _("Venue saved.")
    if form == "hours":
        services.venue_hours_set(actor=request.user, venue=venue, rows=_hours_rows(post))
        return _("Opening hours saved.")
    if form == "closure":
        day = parse_date(post.get("day", ""))
        if day is None:
            raise ValidationFailed(gettext_lazy("Please choose the day."), code="closure_day")
        services.venue_closure_add(
            actor=request.user, venue=venue, day=day, reason=post.get("reason", "")
        )
        return _("Closure added.")
    if form == "closure_remove":
        closure = Closure.objects.filter(pk=_int(post.get("closure")), venue=venue).first()
        if closure is None:
            raise NotFound(gettext_lazy("Not found."))
        services.venue_closure_remove(actor=request.user, closure=closure)
        return _("Closure removed.")
    if form == "theme":
        month = parse_date(f"{post.get('month', '')}-01")
        if month is None:
            raise ValidationFailed(gettext_lazy("Please choose the month."), code="theme_month")
        services.venue_theme_set(
            actor=request.user,
            venue=venue,
            month=month,
            kind=post.get("kind", ""),
            title=post.get("title", ""),
            day=parse_date(post.get("day", "")) if post.get("day") else None,
            note=post.get("note", ""),
        )
        return _("Theme saved.")
    if form == "photo":
        upload = request.FILES.get("photo")
        if upload is None:
            raise ValidationFailed(gettext_lazy("Please choose a photo."), code="photo_required")
        services.venue_photo_add(
            actor=request.user,
            venue=venue,
            name=upload.name or "photo",
            file=upload,
            caption=post.get("caption", ""),
        )
        return _("Photo added.")
    raise ValidationFailed(gettext_lazy("Unknown form."), code="unknown_form")


@staff_required
@require_http_methods(["GET", "POST"])
def manage(request: SignedInRequest, venue_id: int) -> HttpResponse:
    venue = selectors.access_staff_venue(user=request.user, venue_id=venue_id)
    can_manage = policies.manages(request.user, venue.region_path)
    if request.method == "POST":
        try:
            if not can_manage:
                raise NotFound(gettext_lazy("Not found."))
            done = _manage_post(request, venue)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, done)
            return redirect("venues:manage", venue_id=venue.pk)
        venue = selectors.access_staff_venue(user=request.user, venue_id=venue_id)
    today = clock.local_now().date()
    return render(
        request,
        "venues/manage.html",
        {
            "venue": venue,
            "card": presenters.venue_card(venue),
            "warnings": selectors.venue_warnings(venue),
            "can_manage": can_manage,
            "zones": Zone.choices,
            "hours_form": _hours_form(venue),
            "closures": venue.closures.filter(day__gte=today),
            "themes": [presenters.theme_dict(t, today) for t in selectors.theme_list(venue, today)],
            "theme_kinds": ThemeKind.choices,
            "photos": list(venue.photos.all()),
            "this_month": f"{today:%Y-%m}",
        },
    )


_SHIFT_ACTIONS = {
    "complete": services.shift_complete,
    "miss": services.shift_mark_missed,
    "cancel": services.shift_cancel,
}
_SWAP_ACTIONS = {
    "approve": services.swap_approve,
    "reject": services.swap_reject,
    "withdraw": services.swap_withdraw,
}


def _rota_post(request: SignedInRequest, venue: Venue) -> str:
    post = request.POST
    form = post.get("form", "")
    if form == "shift":
        day = parse_date(post.get("day", ""))
        starts, ends = parse_time(post.get("starts", "")), parse_time(post.get("ends", ""))
        if day is None or starts is None or ends is None:
            raise ValidationFailed(
                gettext_lazy("Please give the day and the times of the shift."), code="shift_times"
            )
        services.shift_create(
            actor=request.user,
            venue=venue,
            person=_person(post.get("person", "")),
            duty_role=post.get("duty_role", ""),
            starts_at=dt.datetime.combine(day, starts, tzinfo=SHANGHAI),
            ends_at=dt.datetime.combine(day, ends, tzinfo=SHANGHAI),
        )
        return _("Shift planned.")
    if form in _SHIFT_ACTIONS:
        shift = selectors.access_shift(user=request.user, shift_id=_int(post.get("shift")))
        _SHIFT_ACTIONS[form](actor=request.user, shift=shift)
        return _("Shift updated.")
    if form == "swap":
        shift = selectors.access_shift(user=request.user, shift_id=_int(post.get("shift")))
        services.swap_request(
            actor=request.user,
            shift=shift,
            replacement=_person(post.get("replacement", "")),
            reason=post.get("reason", ""),
        )
        return _("Swap requested: it waits for approval.")
    if form in _SWAP_ACTIONS:
        swap = selectors.access_swap(user=request.user, swap_id=_int(post.get("swap")))
        _SWAP_ACTIONS[form](actor=request.user, swap=swap)
        return _("Swap request decided.")
    raise ValidationFailed(gettext_lazy("Unknown form."), code="unknown_form")


@staff_required
@require_http_methods(["GET", "POST"])
def rota(request: SignedInRequest, venue_id: int) -> HttpResponse:
    venue = selectors.access_staff_venue(user=request.user, venue_id=venue_id)
    month = _month(request.GET.get("month", ""))
    if request.method == "POST":
        try:
            done = _rota_post(request, venue)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, done)
            return redirect(f"{request.path}?month={month:%Y-%m}")
    end = _next_month(month) - dt.timedelta(days=1)
    shifts = [
        (presenters.shift_dict(s), transitions.SHIFT_TRANSITIONS.offered(request.user, s))
        for s in selectors.shift_list(user=request.user, venue=venue, start=month, end=end)
    ]
    swaps = [
        (s, transitions.SWAP_TRANSITIONS.offered(request.user, s))
        for s in selectors.swap_list(user=request.user, venue=venue)
    ]
    return render(
        request,
        "venues/rota.html",
        {
            "venue": venue,
            "month": month,
            "prev": f"{(month - dt.timedelta(days=1)):%Y-%m}",
            "next": f"{_next_month(month):%Y-%m}",
            "shifts": shifts,
            "swaps": swaps,
            "candidates": selectors.duty_candidates(venue=venue),
            "duty_roles": DutyRole.choices,
            "can_manage": policies.manages(request.user, venue.region_path),
            "on_duty": selectors.venue_on_duty(venue),
            "today": clock.local_now().date().isoformat(),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def visits(request: SignedInRequest, venue_id: int) -> HttpResponse:
    venue = selectors.access_staff_venue(user=request.user, venue_id=venue_id)
    typed = request.POST.dict() if request.method == "POST" else {}
    if request.method == "POST":
        try:
            visit = services.visit_log(
                actor=request.user,
                venue=venue,
                topic=typed.get("topic", ""),
                outcome=typed.get("outcome", ""),
                detail=typed.get("detail", ""),
                people=typed.get("people", "1"),
                received_at=parse_received_at(typed.get("received_at", "")),
                visitor_phone=typed.get("visitor_phone", ""),
                visitor_name=typed.get("visitor_name", ""),
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Visit logged."))
            return redirect(f"{request.path}#visit-{visit.pk}")
    year = _int(request.GET.get("year"), clock.local_now().year)
    if not YEARS[0] <= year <= YEARS[1]:
        year = clock.local_now().year
    rows = [
        (presenters.visit_dict(v), transitions.VISIT_TRANSITIONS.offered(request.user, v))
        for v in selectors.visit_list(user=request.user, venue=venue)[:100]
    ]
    return render(
        request,
        "venues/visits.html",
        {
            "venue": venue,
            "rows": rows,
            "figures": selectors.venue_year_figures(venue, year),
            "year": year,
            "outcomes": VisitOutcome.choices,
            "typed": typed,
        },
    )


@staff_required
@require_POST
def visit_to_appeal(request: SignedInRequest, visit_id: int) -> HttpResponse:
    visit = selectors.access_visit(user=request.user, visit_id=visit_id)
    try:
        appeal = services.visit_to_appeal(actor=request.user, visit=visit)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("venues:visits", venue_id=visit.venue_id)
    messages.success(
        request,
        _("Appeal %(number)s filed from the visit.") % {"number": appeal.number},
    )
    return redirect("appeals:detail", appeal_id=appeal.pk)
