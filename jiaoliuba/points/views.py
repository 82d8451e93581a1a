"""积分 pages: the resident's points, store and orders (phone first), and the staff desk
that hands items over by pickup code and keeps the store. Thin: parse → service/selector
→ render; a refused action says why and changes nothing."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from jiaoliuba.accounts.decorators import resident_required, staff_required
from jiaoliuba.accounts.models import User
from jiaoliuba.accounts.selectors import user_by_id, user_scope_regions
from jiaoliuba.accounts.types import SignedInRequest
from jiaoliuba.core.errors import ApplicationError, ValidationFailed, lazy_format
from jiaoliuba.points import policies, quarters, selectors, services, transitions
from jiaoliuba.points.choices import CONFIRMABLE_ACTS, HonourKind
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
            "honours": list(selectors.honours_of(user)),
        },
    )


@resident_required
@require_POST
def redeem(request: SignedInRequest, item_id: int) -> HttpResponse:
    item = selectors.access_store_item_for_resident(user=request.user, item_id=item_id)
    try:
        done = services.redemption_place(
            user=request.user, item=item, request_key=request.POST.get("request_key", "")
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
            lazy_format(gettext_lazy("%(field)s must be a whole number."), {"field": field}),
            code="not_a_number",
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
            "may_view_rules": policies.may_view_rules(user),
        },
        status=400 if error else 200,
    )


def _honour_forms(request: SignedInRequest) -> None:
    user = request.user
    action = request.POST.get("action", "")
    if action == "nominate":
        services.honour_nominate(
            actor=user,
            community=region_get(code=request.POST.get("community", "")),
            quarter=request.POST.get("quarter", ""),
            kind=request.POST.get("kind", ""),
            user=_candidate_user(request.POST.get("user", "")),
            citation=request.POST.get("citation", ""),
        )
        messages.success(request, _("Nominated."))
        return
    honour = selectors.access_honour(
        user=user, honour_id=_int(request.POST.get("honour", ""), "id")
    )
    if action == "confirm":
        services.honour_confirm(actor=user, honour=honour)
        messages.success(request, _("Confirmed."))
    elif action == "withdraw":
        services.honour_withdraw(actor=user, honour=honour, reason=request.POST.get("reason", ""))
        messages.success(request, _("Withdrawn."))
    else:
        raise ValidationFailed(gettext_lazy("Unknown action."), code="unknown_action")


def _candidate_user(value: str) -> User:
    found = user_by_id(user_id=_int(value, "user"))
    if found is None:
        raise ValidationFailed(
            gettext_lazy("Only residents who took part this quarter can be nominated.")
        )
    return found


@staff_required
@require_http_methods(["GET", "POST"])
def honours(request: SignedInRequest) -> HttpResponse:
    """Quarterly honours of a community: candidates from the ledger, nominations, and the
    staff-only list of residents active quarter after quarter (政治吸纳)."""
    user = request.user
    communities = [
        c
        for r in user_scope_regions(user)
        for c in ([r] if r.level == "community" else list(r.children.filter(level="community")))
    ]
    if request.method == "POST":
        try:
            _honour_forms(request)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        return redirect(f"{request.path}?{request.GET.urlencode()}")
    code = request.GET.get("community") or (communities[0].code if communities else "")
    community = next((c for c in communities if c.code == code), None)
    quarter = request.GET.get("quarter") or quarters.current()
    try:
        quarters.parse(quarter)
    except ApplicationError:
        quarter = quarters.current()
    context: dict = {"communities": communities, "community": community, "quarter": quarter}
    if community is not None:
        nominated = list(selectors.honours_in(user, community=community, quarter=quarter))
        taken = {(h.kind, h.user_id) for h in nominated}
        context |= {
            "kinds": [
                {
                    "value": kind.value,
                    "label": kind.label,
                    "candidates": [
                        c
                        for c in selectors.honour_candidates(
                            community=community, quarter=quarter, kind=kind
                        )
                        if (kind.value, c.user.pk) not in taken
                    ],
                    "honours": [
                        {"honour": h, "actions": transitions.HONOURS.offered(user, h)}
                        for h in nominated
                        if h.kind == kind.value
                    ],
                }
                for kind in HonourKind
            ],
            "active": selectors.active_residents(community=community, quarter=quarter),
            "quarters": [
                quarter,
                quarters.previous(quarter),
                quarters.previous(quarters.previous(quarter)),
            ],
        }
    return render(request, "points/honours.html", context)


@resident_required
@require_POST
def honour_consent(request: SignedInRequest, honour_id: int) -> HttpResponse:
    honour = selectors.access_honour(user=request.user, honour_id=honour_id)
    services.honour_consent(
        user=request.user, honour=honour, consent=request.POST.get("consent") == "1"
    )
    messages.success(request, _("Saved."))
    return redirect("points:mine")


def _optional_int(value: str, field: str) -> int | None:
    value = (value or "").strip()
    return _int(value, field) if value else None


def _rule_fields(post: Any) -> dict[str, Any]:
    """The rule form, read: empty caps and expiry mean none."""
    return {
        "points": _int((post.get("points") or "").strip(), _("Points")),
        "daily_cap": _optional_int(post.get("daily_cap", ""), _("Daily cap")),
        "monthly_cap": _optional_int(post.get("monthly_cap", ""), _("Monthly cap")),
        "expiry_days": _optional_int(post.get("expiry_days", ""), _("Expires after (days)")),
        "needs_confirmation": post.get("needs_confirmation") == "1",
        "active": post.get("active") == "1",
    }


RULE_INPUTS = ("points", "daily_cap", "monthly_cap", "expiry_days")


def _rule_row(rule: Any, failed: dict[str, Any]) -> dict[str, Any]:
    """One rule's form: the saved values, or what was typed when saving it failed."""
    row: dict[str, Any] = {
        "act": rule.act,
        "label": rule.get_act_display(),
        "confirmable": rule.act in CONFIRMABLE_ACTS,
        "values": {
            name: "" if getattr(rule, name) is None else getattr(rule, name) for name in RULE_INPUTS
        }
        | {"needs_confirmation": rule.needs_confirmation, "active": rule.active},
        "errors": {},
        "message": "",
    }
    if failed.get("act") == rule.act:
        posted = failed["values"]
        row["values"] = {name: posted.get(name, "") for name in RULE_INPUTS} | {
            "needs_confirmation": posted.get("needs_confirmation") == "1",
            "active": posted.get("active") == "1",
        }
        row["errors"], row["message"] = failed["fields"], failed["message"]
    return row


@staff_required
@require_http_methods(["GET", "POST"])
def rules(request: SignedInRequest) -> HttpResponse:
    """积分规则 outside the admin: city administrators edit each act's points, caps,
    confirmation, expiry and whether it pays; street and district officers read them."""
    user = request.user
    selectors.points_rules(user=user)  # 404 for anyone who may not read them
    failed: dict[str, Any] = {}
    if request.method == "POST":
        act = request.POST.get("act", "")
        try:
            services.points_rule_save(actor=user, act=act, **_rule_fields(request.POST))
        except ApplicationError as exc:
            failed = {
                "act": act,
                "message": str(exc.message),
                "fields": {k: str(v) for k, v in exc.extra.items()},
                "values": request.POST.dict(),
                "status": exc.status,
            }
            if act not in {r.act for r in selectors.points_rules(user=user)}:
                messages.error(request, failed["message"])
        else:
            messages.success(request, _("Rule saved."))
            return redirect(f"{request.path}#rule-{act}")
    return render(
        request,
        "points/rules.html",
        {
            "rules": [_rule_row(r, failed) for r in selectors.points_rules(user=user)],
            "can_edit": policies.may_edit_rules(user),
        },
        status=failed.get("status", 200),
    )
