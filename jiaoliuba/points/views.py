"""积分 pages: the resident's points, store and orders (phone first), and the staff desk
that hands items over by pickup code and keeps the store. Thin: parse → service/selector
→ render; a refused action says why and changes nothing."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jiaoliuba.accounts.decorators import resident_required, staff_required
from jiaoliuba.accounts.selectors import user_scope_regions
from jiaoliuba.accounts.types import SignedInRequest
from jiaoliuba.core.errors import ApplicationError, ValidationFailed
from jiaoliuba.points import selectors, services
from jiaoliuba.points.presenters import entry_dict, item_dict, redemption_dict
from jiaoliuba.regions.selectors import region_get


@resident_required
def my_points(request: SignedInRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "points/mine.html",
        {
            "balance": selectors.balance_of(user),
            "expiring": selectors.expiring_of(user),
            "entries": [entry_dict(e) for e in selectors.entries_of(user, limit=30)],
            "items": [item_dict(i) for i in selectors.store_items_for(user)],
            "orders": [
                redemption_dict(r, viewer=user)
                for r in selectors.redemptions_of(user).select_related("account")[:20]
            ],
            "request_key": uuid.uuid4().hex,
        },
    )


@resident_required
@require_POST
def redeem(request: SignedInRequest, item_id: int) -> HttpResponse:
    item = selectors.access_store_item_for_resident(user=request.user, item_id=item_id)
    try:
        done = services.redemption_place(
            user=request.user, item=item, request_key=request.POST.get("request_key", "")[:64]
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("Redeemed %(item)s. Your pickup code is %(code)s.")
            % {"item": item.name, "code": done.pickup_code},
        )
    return redirect("points:mine")


@resident_required
@require_POST
def cancel(request: SignedInRequest, redemption_id: int) -> HttpResponse:
    redemption = selectors.access_redemption(user=request.user, redemption_id=redemption_id)
    try:
        services.redemption_cancel(actor=request.user, redemption=redemption)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Cancelled; the points are back in your account."))
    return redirect("points:mine")


def _int(value: str, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(
            _("%(field)s must be a whole number.") % {"field": field}, code="not_a_number"
        ) from None


@staff_required
@require_http_methods(["GET", "POST"])
def desk(request: SignedInRequest) -> HttpResponse:
    """Hand-over by pickup code, open orders, and the store's items."""
    user = request.user
    values: dict = {}
    error = ""
    if request.method == "POST":
        values = request.POST.dict()
        try:
            if request.POST.get("form") == "fulfil":
                code = request.POST.get("code", "")
                found = selectors.access_redemption_by_code(user=user, code=code)
                done = services.redemption_fulfil(actor=user, redemption=found, code=code)
                messages.success(
                    request,
                    _("Handed over: %(item)s to %(who)s.")
                    % {"item": done.item.name, "who": done.account.user},
                )
            else:
                services.store_item_save(
                    actor=user,
                    region=region_get(code=request.POST.get("region", "")),
                    name=request.POST.get("name", ""),
                    partner=request.POST.get("partner", ""),
                    description=request.POST.get("description", ""),
                    price=_int(request.POST.get("price", ""), _("Points price")),
                    stock=_int(request.POST.get("stock", "0") or "0", _("Stock")),
                    per_person_limit=_int(request.POST["limit"], _("At most per person"))
                    if request.POST.get("limit")
                    else None,
                )
                messages.success(request, _("Item saved."))
            return redirect("points:desk")
        except ApplicationError as exc:
            error = str(exc.message)
    regions = [r for r in user_scope_regions(user) if r.level in ("community", "street")]
    return render(
        request,
        "points/desk.html",
        {
            "open_orders": [
                redemption_dict(r, viewer=user) for r in selectors.redemptions_in_area(user)[:50]
            ],
            "items": [item_dict(i) for i in selectors.store_items_managed_by(user)[:100]],
            "regions": regions,
            "values": values,
            "error": error,
        },
        status=400 if error else 200,
    )
