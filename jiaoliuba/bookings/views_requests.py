"""Pages of the requests to the expert pool: staff ask for a professional for an appeal
or a meeting (candidates matched by specialty, area and availability); the professional
accepts or declines; both sides see the request and the way back to its subject."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from jiaoliuba.accounts.decorators import signed_in, staff_required
from jiaoliuba.accounts.types import SignedInRequest
from jiaoliuba.bookings import presenters, selectors, services, subjects
from jiaoliuba.core.errors import ApplicationError, NotFound, ValidationFailed


def _candidate(expert) -> dict:
    row = presenters.expert_dict(expert)
    row["open_requests"] = getattr(expert, "open_requests", 0)
    row["verified"] = getattr(expert, "verified", 0)
    return row


@staff_required
@require_http_methods(["GET", "POST"])
def expert_request_new(request: SignedInRequest) -> HttpResponse:
    ref = request.GET.get("subject", "") or request.POST.get("subject", "")
    subject = subjects.resolve(user=request.user, ref=ref)  # 404 outside the scope
    specialty = (request.GET.get("specialty", "") or request.POST.get("specialty", "")).strip()
    typed = {"note": request.POST.get("note", ""), "expert": request.POST.get("expert", "")}
    candidates = list(
        selectors.expert_candidates(user=request.user, path=subject.path, specialty=specialty)[:50]
    )
    if request.method == "POST":
        try:
            expert = next((e for e in candidates if str(e.pk) == typed["expert"]), None)
            if expert is None:
                raise ValidationFailed(
                    gettext_lazy("Choose a professional from the list."), code="expert_required"
                )
            services.expert_request_create(
                actor=request.user,
                subject=subject.ref,
                expert=expert,
                note=typed["note"],
                specialty=specialty,
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The professional has been asked."))
            return redirect(subject.url)
    return render(
        request,
        "bookings/expert_request_new.html",
        {
            "subject": subject,
            "specialty": specialty,
            "typed": typed,
            "candidates": [_candidate(e) for e in candidates],
            "asked": [
                presenters.expert_request_dict(r)
                for r in selectors.expert_requests_for(user=request.user, subject=subject.ref)
            ],
        },
    )


@signed_in
def expert_request_list(request: SignedInRequest) -> HttpResponse:
    rows = selectors.expert_request_list(user=request.user)[:200]
    expert = selectors.expert_of(user=request.user)
    return render(
        request,
        "bookings/expert_requests.html",
        {
            "requests": [presenters.expert_request_dict(r, user=request.user) for r in rows],
            "expert": expert,
        },
    )


@signed_in
@require_http_methods(["GET", "POST"])
def expert_request_detail(request: SignedInRequest, request_id: int) -> HttpResponse:
    found = selectors.access_expert_request(user=request.user, request_id=request_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in ("accept", "decline"):
                services.expert_request_answer(
                    actor=request.user,
                    request=found,
                    accept=action == "accept",
                    answer=request.POST.get("answer", ""),
                )
            elif action == "withdraw":
                services.expert_request_withdraw(actor=request.user, request=found)
            else:
                raise NotFound(gettext_lazy("Not found."))
        except NotFound:
            raise
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Done."))
            return redirect("bookings:expert_request", request_id=found.pk)
    return render(
        request,
        "bookings/expert_request.html",
        {
            "r": presenters.expert_request_dict(found, user=request.user),
            "events": list(selectors.expert_request_events(request=found)),
        },
    )
