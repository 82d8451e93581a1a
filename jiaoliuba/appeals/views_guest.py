"""Pages for people without an account: file an appeal with a simple offline challenge
(a small sum and a honeypot field, no external captcha), and follow it — or rate it —
with the tracking code of the receipt (/t/<code>/)."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from jiaoliuba.accounts import selectors as account_selectors
from jiaoliuba.appeals import selectors, services, tracking
from jiaoliuba.appeals.choices import Category, RatingLevel, Status
from jiaoliuba.appeals.intake import intake_from_data
from jiaoliuba.appeals.presenters import event_dict
from jiaoliuba.appeals.public import scrub
from jiaoliuba.appeals.uploads import form_limits
from jiaoliuba.core import ratelimit
from jiaoliuba.core.errors import ApplicationError, NotFound, RateLimited, ValidationFailed
from jiaoliuba.core.request import client_ip

HONEYPOT = "website"


def _ip_key(request: HttpRequest) -> str:
    ip = client_ip(request) or "unknown"
    return hashlib.sha256(ip.encode()).hexdigest()[:24]


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _form(request: HttpRequest, values: dict, *, error: str = "", status: int = 200):
    challenge = tracking.challenge_new()
    return render(
        request,
        "appeals/guest_new.html",
        {
            "values": values,
            "error": error,
            "categories": Category.choices,
            "communities": account_selectors.communities_for_choice(),
            "challenge": challenge,
            "honeypot": HONEYPOT,
            "idempotency_key": values.get("idempotency_key") or uuid.uuid4().hex,
            "upload_limits": form_limits(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def guest_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _form(request, {})
    values = request.POST.dict()
    values.pop("challenge_answer", None)
    try:
        if request.POST.get(HONEYPOT, ""):
            # Only robots fill the hidden field; tell them nothing useful.
            raise ValidationFailed(
                gettext_lazy("Please check the form and try again."), code="rejected"
            )
        if not ratelimit.hit(
            f"guest-appeal:{_ip_key(request)}",
            limit=_setting("APPEAL_GUEST_MAX_PER_IP_PER_HOUR", 10),
            window_seconds=3600,
        ):
            raise RateLimited(
                gettext_lazy("Too many appeals from this network. Please try again later."),
                code="guest_rate_limited",
            )
        if not tracking.challenge_passed(
            token=request.POST.get("challenge_token", ""),
            answer=request.POST.get("challenge_answer", ""),
            max_age=_setting("APPEAL_GUEST_CHALLENGE_SECONDS", 3600),
        ):
            raise ValidationFailed(
                gettext_lazy("The answer to the question is not right. Please try again."),
                code="challenge_failed",
            )
        data = request.POST.copy()
        for field in ("is_anonymous", "grid"):  # not on this form: nobody to hide, no profile
            data.pop(field, None)
        intake, files = intake_from_data(data, request.FILES)
        key = request.POST.get("idempotency_key", "").strip()
        appeal, _created = services.appeal_submit(
            submitter=None,
            intake=intake,
            files=files,
            # Scoped to the network so one visitor's key cannot reach another's appeal.
            idempotency_key=f"guest:{_ip_key(request)}:{key}"[:100] if key else "",
        )
    except ApplicationError as exc:
        return _form(request, values, error=str(exc.message), status=exc.status)
    request.session["tracked_new"] = appeal.tracking_code
    return redirect("appeals:track", code=appeal.tracking_code)


def track_lookup(request: HttpRequest) -> HttpResponse:
    """/t/: type the code from the receipt."""
    code = request.GET.get("code", "")
    if code:
        wanted = tracking.normalize(code)
        if wanted:
            return redirect("appeals:track", code=wanted)
        messages.error(request, _("A tracking code has 10 letters and digits."))
    return render(request, "appeals/track_lookup.html", {"code": code})


def _tracked(request: HttpRequest, code: str):
    """The appeal for a code. Misses are counted per network: past the limit every look-up
    from it is refused for the hour, so codes cannot be found by trying."""
    key = f"track-miss:{_ip_key(request)}"
    if ratelimit.count(key) >= _setting("APPEAL_TRACK_MAX_MISSES_PER_IP_PER_HOUR", 20):
        raise RateLimited(
            gettext_lazy(
                "Too many wrong tracking codes from this network. Please try again later."
            ),
            code="track_rate_limited",
        )
    try:
        return selectors.tracked_appeal(code=code)
    except NotFound:
        ratelimit.hit(key, limit=1 << 30, window_seconds=3600)
        raise


def track(request: HttpRequest, code: str) -> HttpResponse:
    """Public progress of one appeal: status, deadlines, what the resident may see of the
    timeline. Never staff-only data, never the resident's identity."""
    appeal = _tracked(request, code)
    events = [
        event_dict(e, staff_view=False, appeal=appeal)
        for e in selectors.appeal_timeline(appeal=appeal, staff_view=False)
    ]
    just_filed = request.session.pop("tracked_new", "") == appeal.tracking_code
    latest = appeal.ratings.order_by("-created_at", "-pk").first()
    return render(
        request,
        "appeals/track.html",
        {
            "appeal": appeal,
            "content": scrub(appeal.content),
            "reply": appeal.reply,
            "events": events,
            "just_filed": just_filed,
            "open": appeal.status
            in (Status.SUBMITTED, Status.DISPATCHED, Status.ACCEPTED, Status.IN_PROGRESS),
            "may_rate": appeal.status == Status.RESOLVED,
            "rating": latest,
            "rating_levels": RatingLevel.choices,
            "own": request.user.is_authenticated and appeal.submitter_id == request.user.pk,
            "link": services.tracking_link(appeal),
        },
    )


@require_POST
def track_rate(request: HttpRequest, code: str) -> HttpResponse:
    appeal = _tracked(request, code)
    try:
        services.appeal_rate(
            appeal=appeal,
            actor=None,
            level=request.POST.get("level", ""),
            solved=request.POST.get("solved") == "1",
            comment=request.POST.get("comment", ""),
            tracking_code=code,
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Thank you for your rating."))
    return redirect("appeals:track", code=appeal.tracking_code)
