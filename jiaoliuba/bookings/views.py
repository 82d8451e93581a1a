"""Pages of 服务预约: residents on the phone (catalogue, session, my bookings, check-in
from the venue's QR poster), staff at the desk (workbench, a session's attendance list
and desk booking, the QR poster, the expert pool). Thin: parse, call a service or a
selector, render; a refused action shows its message and changes nothing."""

from __future__ import annotations

import datetime as dt
import io

import segno
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from jiaoliuba.accounts.decorators import resident_required, signed_in, staff_required
from jiaoliuba.accounts.selectors import access_resident, user_scope_regions
from jiaoliuba.accounts.types import SignedInRequest
from jiaoliuba.bookings import policies, presenters, selectors, services, transitions
from jiaoliuba.bookings.choices import (
    Eligibility,
    ProviderKind,
    Satisfaction,
    ServiceKind,
    Weekday,
)
from jiaoliuba.core.clock import SHANGHAI
from jiaoliuba.core.dateparse import parse_date, parse_time
from jiaoliuba.core.errors import ApplicationError, NotFound, ValidationFailed
from jiaoliuba.core.request import client_ip
from jiaoliuba.points.selectors import balance_of
from jiaoliuba.regions.choices import RegionLevel


def _int(raw: str | None, default: int = 0) -> int:
    try:
        return int(raw or default)
    except ValueError:
        return default


def _points_price(raw: str | None) -> int | None:
    """The service form's points price: empty is free; anything but a number is refused."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed(
            gettext_lazy("The points price must be a whole number of points."),
            code="points_price_invalid",
        ) from None


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


# --- residents ----------------------------------------------------------------------


@resident_required
def catalogue(request: SignedInRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    rows = []
    for service in selectors.service_list(user=request.user, kind=kind)[:100]:
        sessions = selectors.session_list(user=request.user, service=service)[:3]
        rows.append(
            (presenters.service_dict(service), [presenters.session_dict(s) for s in sessions])
        )
    return render(
        request,
        "bookings/catalogue.html",
        {
            "rows": rows,
            "kind": kind,
            "kinds": ServiceKind.choices,
            "restriction": selectors.restriction_of(user=request.user),
        },
    )


@resident_required
@require_http_methods(["GET", "POST"])
def session_page(request: SignedInRequest, session_id: int) -> HttpResponse:
    session = selectors.access_session(user=request.user, session_id=session_id)
    typed = {"seats": request.POST.get("seats", "1"), "attendee": request.POST.get("attendee", "")}
    if request.method == "POST":
        try:
            booking = services.booking_reserve(
                actor=request.user,
                session=session,
                seats=_int(typed["seats"], 1),
                attendee=typed["attendee"],
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request,
                _("Booked.")
                if booking.status == "reserved"
                else _("The session is full: you are on the waiting list."),
            )
            return redirect("bookings:session", session_id=session.pk)
        session = selectors.access_session(user=request.user, session_id=session_id)
    mine = selectors.my_booking_for(user=request.user, session=session)
    return render(
        request,
        "bookings/session.html",
        {
            "service": presenters.service_dict(session.service),
            "session": presenters.session_dict(session),
            "mine": presenters.booking_dict(mine, user=request.user) if mine else None,
            "typed": typed,
            "seat_choices": range(1, session.service.max_seats + 1),
            "needs_attendee": session.service.eligibility == Eligibility.CHILD_WITH_GUARDIAN,
            "restriction": selectors.restriction_of(user=request.user),
            "points_balance": balance_of(request.user),
        },
    )


@signed_in
def my_bookings(request: SignedInRequest) -> HttpResponse:
    rows = [
        presenters.booking_dict(b, user=request.user)
        for b in selectors.my_bookings(user=request.user)[:100]
    ]
    return render(
        request,
        "bookings/mine.html",
        {
            "bookings": rows,
            "feed_url": request.build_absolute_uri(
                reverse(
                    "bookings:feed",
                    args=[selectors.calendar_feed_token(user=request.user)],
                )
            ),
            "ratings": Satisfaction.choices,
            "restriction": selectors.restriction_of(user=request.user),
        },
    )


_ACTIONS = {
    "cancel": services.booking_cancel,
    "check_in": services.booking_check_in,
    "no_show": services.booking_mark_no_show,
}


@signed_in
@require_POST
def booking_action(request: SignedInRequest, booking_id: int, action: str) -> HttpResponse:
    booking = selectors.access_booking(user=request.user, booking_id=booking_id)
    try:
        if action == "rate":
            services.booking_rate(
                actor=request.user,
                booking=booking,
                rating=request.POST.get("rating", ""),
                feedback=request.POST.get("feedback", ""),
            )
            messages.success(request, _("Thank you for your feedback."))
        elif action in _ACTIONS:
            _ACTIONS[action](actor=request.user, booking=booking)
            messages.success(request, _("Done."))
        else:
            raise NotFound(gettext_lazy("Not found."))
    except NotFound:
        raise
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return _back(request, reverse("bookings:mine"))


@signed_in
@require_http_methods(["GET", "POST"])
def check_in(request: SignedInRequest, code: str) -> HttpResponse:
    """The venue's QR poster opens this on the resident's phone; the button checks in."""
    session = selectors.access_session(
        user=request.user, session_id=services.session_for_code(code)
    )
    done = None
    if request.method == "POST":
        try:
            done = services.booking_check_in_by_code(actor=request.user, code=code)
        except ApplicationError as exc:
            if isinstance(exc, NotFound) and exc.code != "no_reservation":
                raise
            messages.error(request, str(exc.message))
    return render(
        request,
        "bookings/check_in.html",
        {
            "session": presenters.session_dict(session),
            "service": presenters.service_dict(session.service),
            "done": done,
        },
    )


# --- staff --------------------------------------------------------------------------


def _local(day: str, time: str) -> dt.datetime | None:
    d, t = parse_date(day or ""), parse_time(time or "")
    return dt.datetime.combine(d, t, tzinfo=SHANGHAI) if d and t else None


@staff_required
@require_http_methods(["GET", "POST"])
def workbench(request: SignedInRequest) -> HttpResponse:
    regions = [
        r
        for r in user_scope_regions(request.user)
        if r.level in (RegionLevel.COMMUNITY, RegionLevel.STREET)
    ]
    experts = list(selectors.expert_list(user=request.user).filter(active=True))
    typed = request.POST.dict() if request.method == "POST" else {}
    if request.method == "POST":
        try:
            region = next((r for r in regions if r.code == typed.get("region")), None)
            expert = next((e for e in experts if str(e.pk) == typed.get("expert")), None)
            service = services.service_create(
                actor=request.user,
                region=region,
                title=typed.get("title", ""),
                kind=typed.get("kind", ""),
                provider_kind=typed.get("provider_kind", ""),
                expert=expert,
                provider_name=typed.get("provider_name", ""),
                place=typed.get("place", ""),
                online=typed.get("online") == "1",
                eligibility=typed.get("eligibility", Eligibility.EVERYONE),
                description=typed.get("description", ""),
                points_price=_points_price(typed.get("points_price")),
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Service added to the catalogue."))
            return redirect("bookings:staff_service", service_id=service.pk)
    managed = selectors.service_list(user=request.user, managed=True)[:200]
    return render(
        request,
        "bookings/workbench.html",
        {
            "services": [(presenters.service_dict(s), s.active) for s in managed],
            "regions": regions,
            "experts": experts,
            "typed": typed,
            "kinds": ServiceKind.choices,
            "providers": ProviderKind.choices,
            "eligibilities": Eligibility.choices,
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def staff_service(request: SignedInRequest, service_id: int) -> HttpResponse:
    service = selectors.access_service(user=request.user, service_id=service_id)
    typed = request.POST.dict() if request.method == "POST" else {}
    if request.method == "POST":
        try:
            capacity = _int(typed.get("capacity"), 0)
            if typed.get("weekly") == "1":
                series = services.series_create(
                    actor=request.user,
                    service=service,
                    weekday=_int(typed.get("weekday"), -1),
                    starts=parse_time(typed.get("starts", "") or ""),
                    ends=parse_time(typed.get("ends", "") or ""),
                    first_day=parse_date(typed.get("day", "") or ""),
                    last_day=parse_date(typed.get("last_day", "") or ""),
                    capacity=capacity,
                )
                note = _("Weekly sessions added.")
                if series.skipped:
                    note += " " + _("Closed on holidays: %(days)s") % {
                        "days": "、".join(series.skipped)
                    }
                messages.success(request, note)
            else:
                services.session_create(
                    actor=request.user,
                    service=service,
                    starts_at=_local(typed.get("day", ""), typed.get("starts", "")),
                    ends_at=_local(typed.get("day", ""), typed.get("ends", "")),
                    capacity=capacity,
                )
                messages.success(request, _("Session added."))
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            return redirect("bookings:staff_service", service_id=service.pk)
    sessions = selectors.session_list(user=request.user, service=service, upcoming=False)
    return render(
        request,
        "bookings/staff_service.html",
        {
            "service": presenters.service_dict(service),
            "sessions": [presenters.session_dict(s) for s in sessions.order_by("-starts_at")[:60]],
            "typed": typed,
            "weekdays": Weekday.choices,
            "manages": policies.manages(request.user, service.region_path),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def staff_session(request: SignedInRequest, session_id: int) -> HttpResponse:
    session = selectors.access_session(user=request.user, session_id=session_id)
    rows = selectors.attendance_list(user=request.user, session=session)
    query = request.GET.get("q", "").strip()
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "desk_book":
                resident = access_resident(
                    user=request.user, resident_id=_int(request.POST.get("resident_id"))
                )
                services.booking_reserve(
                    actor=request.user,
                    session=session,
                    resident=resident.user,
                    seats=_int(request.POST.get("seats"), 1),
                    attendee=request.POST.get("attendee", ""),
                    eligibility_confirmed=request.POST.get("confirmed") == "1",
                )
                messages.success(request, _("Booked for %(name)s.") % {"name": resident.user})
            elif action == "close":
                services.session_close(actor=request.user, session=session)
                messages.success(request, _("Attendance closed."))
            elif action == "cancel":
                services.session_cancel(
                    actor=request.user, session=session, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("Session cancelled; everyone booked was told."))
            else:
                raise ValidationFailed(gettext_lazy("Unknown action."))
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise
            messages.error(request, str(exc.message))
        return redirect("bookings:staff_session", session_id=session.pk)
    found = selectors.resident_choices(user=request.user, phone_or_name=query) if query else []
    offered = transitions.SESSION_TRANSITIONS.offered(request.user, session)
    return render(
        request,
        "bookings/staff_session.html",
        {
            "session": presenters.session_dict(session),
            "service": presenters.service_dict(session.service),
            "rows": [presenters.booking_dict(b, user=request.user) for b in rows],
            "query": query,
            "found": found,
            "can": offered,
            "check_in_url": request.build_absolute_uri(
                reverse("bookings:check_in", args=[services.check_in_code(session)])
            ),
        },
    )


@staff_required
def session_qr(request: SignedInRequest, session_id: int) -> HttpResponse:
    """The venue's poster: a QR code of the signed check-in link, as SVG."""
    session = selectors.access_session(user=request.user, session_id=session_id)
    if not policies.manages(request.user, session.region_path):
        raise NotFound(gettext_lazy("Not found."))
    url = request.build_absolute_uri(
        reverse("bookings:check_in", args=[services.check_in_code(session)])
    )
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=8, border=2)
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


@staff_required
@require_http_methods(["GET", "POST"])
def experts(request: SignedInRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            cert_id = _int(request.POST.get("certificate"))
            expert = next(
                (
                    e
                    for e in selectors.expert_list(user=request.user)
                    if any(c.pk == cert_id for c in e.certificates.all())
                ),
                None,
            )
            if expert is None:
                raise NotFound(gettext_lazy("Not found."))
            certificate = next(c for c in expert.certificates.all() if c.pk == cert_id)
            services.certificate_check(
                actor=request.user,
                certificate=certificate,
                verified=request.POST.get("verdict") == "verify",
            )
            messages.success(request, _("Certificate checked."))
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise
            messages.error(request, str(exc.message))
        return redirect("bookings:experts")
    skill = request.GET.get("skill", "")
    rows = [
        presenters.expert_dict(e) for e in selectors.expert_list(user=request.user, skill=skill)
    ]
    return render(request, "bookings/experts.html", {"experts": rows, "skill": skill})


@signed_in
def consultation(request: SignedInRequest, booking_id: int) -> HttpResponse:
    """A consultation's notes: the professional writes them; they and authorised staff
    read them (each reading logged); anyone else gets 404."""
    expert = selectors.expert_of(user=request.user)
    booking = None
    if expert is not None:
        booking = selectors.expert_bookings(expert=expert).filter(pk=booking_id).first()
    if booking is None:
        booking = selectors.access_booking(user=request.user, booking_id=booking_id)
        if not policies.reads_notes(request.user, booking.session.region_path):
            raise NotFound(gettext_lazy("Not found."))
    if request.method == "POST":
        try:
            services.note_write(
                actor=request.user, booking=booking, text=request.POST.get("text", "")
            )
            messages.success(request, _("Note saved."))
            return redirect("bookings:consultation", booking_id=booking.pk)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
    notes = services.notes_reveal(actor=request.user, booking=booking, ip=client_ip(request))
    return render(
        request,
        "bookings/consultation.html",
        {
            "booking": presenters.booking_dict(booking, user=request.user),
            "notes": notes,
            "may_write": transitions.permits("write_note", request.user, booking),
            "typed": request.POST.get("text", ""),
        },
    )


@signed_in
def my_consultations(request: SignedInRequest) -> HttpResponse:
    """A professional's own sessions and who came, with the way to their notes."""
    expert = selectors.expert_of(user=request.user)
    if expert is None:
        raise NotFound(gettext_lazy("Not found."))
    rows = selectors.expert_bookings(expert=expert).exclude(status="cancelled")
    return render(
        request,
        "bookings/consultations.html",
        {
            "expert": presenters.expert_dict(expert),
            "feed_url": request.build_absolute_uri(
                reverse(
                    "bookings:feed",
                    args=[selectors.calendar_feed_token(user=request.user, provider=True)],
                )
            ),
            "bookings": [
                presenters.booking_dict(b, user=request.user)
                for b in rows.order_by("-session__starts_at", "pk")[:200]
            ],
        },
    )
