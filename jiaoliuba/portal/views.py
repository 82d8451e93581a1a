from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jiaoliuba.accounts import selectors as account_selectors
from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.views import staff_required
from jiaoliuba.appeals import selectors as appeal_selectors
from jiaoliuba.core import workdays


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "portal/landing.html")
    if account_selectors.user_is_staff_member(request.user):
        return redirect("workbench")
    if account_selectors.resident_of(request.user) is not None:
        return redirect("accounts:me")
    return render(request, "portal/landing.html")


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
    }
    return render(request, "portal/workbench.html", context)
