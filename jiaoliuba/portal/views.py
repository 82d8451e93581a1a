from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static

from jiaoliuba.accounts import selectors as account_selectors
from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.views import staff_required
from jiaoliuba.appeals import policies as appeal_policies
from jiaoliuba.appeals import selectors as appeal_selectors
from jiaoliuba.core import workdays
from jiaoliuba.triage.classifier import RULES_ONLY, model_health


def _landing(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/landing.html",
        {"board_communities": account_selectors.communities_for_choice()},
    )


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _landing(request)
    if account_selectors.user_is_staff_member(request.user):
        return redirect("workbench")
    if account_selectors.resident_of(request.user) is not None:
        return redirect("accounts:me")
    return _landing(request)


def public_board(request: HttpRequest) -> HttpResponse:
    """The landing page's community picker: a plain GET form, so no JavaScript is needed
    to reach a community's public page."""
    code = request.GET.get("code", "").strip()
    if code.isdigit():
        return redirect("appeals:public", code=code)
    return redirect("home")


def favicon(request: HttpRequest) -> HttpResponse:
    # Browsers ask for /favicon.ico whatever the page says; send them to the SVG icon
    # (resolved per request, so a hashed static name is found once collectstatic ran).
    return redirect(static("jiaoliuba/favicon.svg"), permanent=True)


def _triage_health(request: HttpRequest) -> dict | None:
    """The triage model's state, for the staff who triage: without the model every verdict
    that is not red lands in their manual queue, and they should know why."""
    if not (request.user.is_staff or appeal_policies.triages_appeals(request.user)):
        return None
    health = model_health()
    if health["ok"]:
        return None
    return {**health, "rules_only": health["source"] == RULES_ONLY}


@staff_required
def workbench(request: HttpRequest) -> HttpResponse:
    roles = account_selectors.user_roles(request.user)
    admin_like = request.user.is_staff or Role.CITY_ADMIN in roles or Role.DISTRICT_OFFICER in roles
    context = {
        "scope_regions": account_selectors.user_scope_regions(request.user),
        "assignments": account_selectors.user_role_assignments(user=request.user),
        "counts": account_selectors.resident_counts(user=request.user),
        "appeal_counts": appeal_selectors.queue_counts(user=request.user),
        "calendar_warnings": workdays.calendar_warnings() if admin_like else [],
        "triage_health": _triage_health(request),
    }
    return render(request, "portal/workbench.html", context)
