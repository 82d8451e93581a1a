"""Pages for residents (mobile) and staff (desk). Thin: parse, call a service or a
selector, render."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from jiaoliuba.accounts import selectors as account_selectors
from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.decorators import signed_in, staff_required
from jiaoliuba.accounts.models import User
from jiaoliuba.accounts.types import SignedInRequest
from jiaoliuba.appeals import actions, selectors, services, transitions
from jiaoliuba.appeals.choices import (
    STAFF_CHANNELS,
    Category,
    Channel,
    MediationOutcome,
    Priority,
    RatingLevel,
    Status,
)
from jiaoliuba.appeals.intake import (
    desk_intake,
    intake_from_data,
    parse_received_at,
    photos_from,
)
from jiaoliuba.appeals.maps import tile_source
from jiaoliuba.appeals.models import Extension, Mediation
from jiaoliuba.appeals.plain import risk_alert_dict
from jiaoliuba.appeals.presenters import appeal_dict, event_dict, public_board_rows, similar_dict
from jiaoliuba.appeals.progress import progress_steps, resident_deadlines
from jiaoliuba.appeals.uploads import attachment_response, form_limits
from jiaoliuba.core import clock
from jiaoliuba.core.errors import ApplicationError, NotFound, RateLimited
from jiaoliuba.core.request import client_ip
from jiaoliuba.core.typed import whole_number
from jiaoliuba.points.selectors import published_honours
from jiaoliuba.regions.selectors import region_get


def _form_context(request: HttpRequest, values: dict, *, staff: bool) -> dict:
    return {
        "values": values,
        "categories": Category.choices,
        "communities": account_selectors.communities_for_choice(),
        "channels": [(c, Channel(c).label) for c in STAFF_CHANNELS],
        "staff": staff,
        "idempotency_key": values.get("idempotency_key") or uuid.uuid4().hex,
        "map_tiles": tile_source(),
        "upload_limits": form_limits(),
    }


@signed_in
@require_http_methods(["GET", "POST"])
def appeal_new(request: SignedInRequest) -> HttpResponse:
    resident = account_selectors.resident_of(request.user)
    values: dict = {
        "community": resident.community.code if resident and resident.community else "",
        "grid": resident.grid.code if resident and resident.grid else "",
    }
    if request.method == "POST":
        values = request.POST.dict()
        try:
            intake, files = intake_from_data(request.POST, request.FILES)
            appeal, _created = services.appeal_submit(
                submitter=request.user,
                intake=intake,
                files=files,
                idempotency_key=request.POST.get("idempotency_key", ""),
            )
        except ApplicationError as exc:
            # Everything typed stays in the form; only files must be chosen again.
            return render(
                request,
                "appeals/new.html",
                {**_form_context(request, values, staff=False), "error": exc.message},
                status=400,
            )
        messages.success(
            request,
            _("Your appeal %(number)s has been received.") % {"number": appeal.number},
            extra_tags="appeal",  # drafts.js drops the form's saved draft
        )
        return redirect("appeals:detail", appeal_id=appeal.pk)
    return render(request, "appeals/new.html", _form_context(request, values, staff=False))


@staff_required
@require_http_methods(["GET", "POST"])
def appeal_desk_new(request: SignedInRequest) -> HttpResponse:
    values: dict = {
        "channel": Channel.PATROL
        if Role.GRID_WORKER in account_selectors.user_roles(request.user)
        else Channel.WINDOW
    }
    scope = account_selectors.user_scope_regions(request.user)
    if scope and scope[0].level == "grid" and scope[0].parent:
        values |= {"community": scope[0].parent.code, "grid": scope[0].code}
    elif scope and scope[0].level == "community":
        values |= {"community": scope[0].code}
    if request.method == "POST":
        values = request.POST.dict()
        try:
            appeal, _created = desk_intake(
                data=request.POST,
                files=request.FILES,
                actor=request.user,
                idempotency_key=request.POST.get("idempotency_key", ""),
            )
        except ApplicationError as exc:
            return render(
                request,
                "appeals/new.html",
                {**_form_context(request, values, staff=True), "error": exc.message},
                status=400,
            )
        messages.success(
            request,
            _("Appeal %(number)s entered. Tracking code for the resident: %(code)s")
            % {"number": appeal.number, "code": appeal.tracking_code},
            extra_tags="desk-appeal",
        )
        return redirect("appeals:detail", appeal_id=appeal.pk)
    return render(request, "appeals/new.html", _form_context(request, values, staff=True))


MY_STATUS_FILTERS = (
    ("", gettext_lazy("All")),
    ("open", gettext_lazy("Being handled")),
    ("to_rate", gettext_lazy("To rate")),
    ("finished", gettext_lazy("Finished")),
)
MY_PERIOD_FILTERS = (
    ("", gettext_lazy("Any time")),
    ("7d", gettext_lazy("Last 7 days")),
    ("30d", gettext_lazy("Last 30 days")),
    ("90d", gettext_lazy("Last 3 months")),
    ("365d", gettext_lazy("Last year")),
)


@signed_in
def my_appeals(request: SignedInRequest) -> HttpResponse:
    filters = {
        k: request.GET.get(k, "")[:100].replace("\x00", "") for k in ("q", "status", "period")
    }
    qs = selectors.my_appeals(
        user=request.user, query=filters["q"], status=filters["status"], period=filters["period"]
    )
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in filters.items() if v})
    return render(
        request,
        "appeals/mine.html",
        {
            "page": page,
            "assigned": selectors.assigned_to(user=request.user)[:50],
            "filters": filters,
            "filtered": any(filters.values()),
            "query": query,
            "status_filters": MY_STATUS_FILTERS,
            "period_filters": MY_PERIOD_FILTERS,
        },
    )


# The staff page's buttons: each is offered iff the transition table allows it.
STAFF_BUTTONS = (
    "accept",
    "reply",
    "resolve",
    "return",
    "escalate",
    "extension",
    "triage",
    "confirm_triage",
    "dispatch",
    "reject",
    "merge",
    "reopen",
    "close",
    "note",
    "follow_up",
    "mediation_start",
    "reveal",
    "urge",
    "supervise",
    "mark_repeat",
    "unmark_repeat",
)


def _detail_context(request: SignedInRequest, appeal, *, typed: dict | None = None) -> dict:
    """`typed`: after a refused action, {action: the form as posted}, so the page shows
    the error with the text the person typed still in its field."""
    staff = selectors.is_staff_view(request.user, appeal)
    user = request.user
    resident_tools = transitions.offered(user, appeal, ("rate", "withdraw", "add_material"))
    ctx = {
        "appeal": appeal,
        "data": appeal_dict(appeal, staff_view=staff),
        "events": [
            event_dict(e, staff_view=staff, appeal=appeal)
            for e in selectors.appeal_timeline(appeal=appeal, staff_view=staff)
        ],
        "staff": staff,
        "rating_levels": RatingLevel.choices,
        "may_rate": resident_tools["rate"],
        "own": appeal.submitter_id is not None and appeal.submitter_id == user.pk,
        "may_withdraw": resident_tools["withdraw"],
        "may_add_material": resident_tools["add_material"],
        # appeals/_progress.html: the loop's five steps for everyone, deadlines for residents.
        "progress": progress_steps(appeal),
        "deadlines": None if staff else resident_deadlines(appeal),
        "typed": typed or {},
        # A page rendered in answer to a POST (a refused action) is still this page:
        # the language and text-size switches come back here, not to the POST address.
        "page_path": reverse("appeals:detail", kwargs={"appeal_id": appeal.pk}),
    }
    if staff:
        pending = selectors.pending_extension(appeal=appeal)
        can = transitions.offered(user, appeal, STAFF_BUTTONS)
        ctx |= {
            "can": can,
            # A refused action whose form is no longer offered (the appeal moved on
            # meanwhile): its text is shown apart so that nothing typed is lost.
            "unsent": {
                action: form
                for action, form in (typed or {}).items()
                if not can.get(action) and any(str(v).strip() for v in form.values())
            },
            "pending_extension": pending,
            "may_decide_extension": transitions.permits("decide_extension", user, appeal),
            "priorities": Priority.choices,
            "categories": Category.choices,
            "roles": [
                (r, Role(r).label)
                for r in (
                    Role.GRID_WORKER,
                    Role.COMMUNITY_STAFF,
                    Role.COMMUNITY_SECRETARY,
                    Role.STREET_OFFICER,
                )
            ],
            "dispatch_regions": [r for r in [appeal.grid, appeal.community] if r],
            "mediations": selectors.appeal_mediations(appeal=appeal),
            "mediation_outcomes": MediationOutcome.choices,
            "now_local": None,
        }
    return ctx


@signed_in
def appeal_detail(request: SignedInRequest, appeal_id: int) -> HttpResponse:
    appeal = selectors.access_appeal(user=request.user, appeal_id=appeal_id)
    return render(request, "appeals/detail.html", _detail_context(request, appeal))


def _user(pk: str) -> User | None:
    return account_selectors.user_by_id(user_id=pk)


def _registered(action: actions.Action):
    return lambda r, a: action.run(appeal=a, actor=r.user, data=r.POST)


# action name → the service with its keyword arguments from the form: the registry's
# same-shaped actions (shared with the API's routes), then the page's own.
ACTIONS = {
    **{name: _registered(action) for name, action in actions.REGISTRY.items()},
    "extension": lambda r, a: services.appeal_extension_request(
        appeal=a,
        actor=r.user,
        reason=r.POST.get("reason", ""),
        working_days=whole_number(r.POST.get("working_days")) or 0,
    ),
    "follow_up": lambda r, a: services.appeal_follow_up(
        appeal=a, actor=r.user, note=r.POST.get("note", ""), reached=r.POST.get("reached") == "1"
    ),
    "rate": lambda r, a: services.appeal_rate(
        appeal=a,
        actor=r.user,
        level=r.POST.get("level", ""),
        solved=r.POST.get("solved") == "1",
        comment=r.POST.get("comment", ""),
    ),
    "merge": lambda r, a: services.appeal_merge(
        appeal=a,
        master=selectors.access_appeal_by_reference(
            user=r.user, reference=r.POST.get("master", "")
        ),
        actor=r.user,
    ),
    "mark_repeat": lambda r, a: services.appeal_mark_repeat(
        appeal=a,
        earlier=selectors.appeal_in_scope_by_reference(
            user=r.user, reference=r.POST.get("earlier", "")
        ),
        actor=r.user,
        note=r.POST.get("note", ""),
    ),
    "dispatch": lambda r, a: services.appeal_dispatch(
        appeal=a,
        actor=r.user,
        region=region_get(code=r.POST.get("region_code", "")),
        role=r.POST.get("role", ""),
        assignee=_user(r.POST.get("assignee_id", "")),
        reason=r.POST.get("reason", ""),
    ),
    "decide_extension": lambda r, a: services.appeal_extension_decide(
        extension=_extension(r, a),
        actor=r.user,
        approve=r.POST.get("approve") == "1",
        note=r.POST.get("note", ""),
    ),
    "mediation_start": lambda r, a: services.mediation_start(
        appeal=a,
        actor=r.user,
        mediator=_user(r.POST.get("mediator_id", "")) or r.user,
        parties=[
            (
                r.POST.get(f"party{i}_name", ""),
                r.POST.get(f"party{i}_side", ""),
                r.POST.get(f"party{i}_phone", ""),
            )
            for i in (1, 2, 3)
            if r.POST.get(f"party{i}_name", "").strip()
        ],
    ),
    "mediation_session": lambda r, a: services.mediation_session_add(
        mediation=_mediation(r, a),
        actor=r.user,
        held_at=parse_received_at(r.POST.get("held_at", "")) or clock.now(),
        place=r.POST.get("place", ""),
        notes=r.POST.get("notes", ""),
    ),
    "mediation_conclude": lambda r, a: services.mediation_conclude(
        mediation=_mediation(r, a),
        actor=r.user,
        outcome=r.POST.get("outcome", ""),
        agreement_text=r.POST.get("agreement_text", ""),
    ),
}


DONE_MESSAGES = {
    "accept": gettext_lazy("Accepted: the appeal is yours now."),
    "resolve": gettext_lazy("Resolved: the resident has been asked to rate it."),
    "reply": gettext_lazy("Your reply was sent to the resident."),
    "rate": gettext_lazy("Thank you for your rating."),
    "reopen": gettext_lazy("Reopened and sent back for handling."),
    "escalate": gettext_lazy("Escalated to the level above."),
    "return": gettext_lazy("Returned to the dispatcher."),
    "reject": gettext_lazy("Rejected; the resident sees the reason."),
    "urge": gettext_lazy("The handler has been urged."),
    "supervise": gettext_lazy("The appeal is now under supervision."),
}


def _extension(request: HttpRequest, appeal) -> Extension:
    return selectors.access_extension(appeal=appeal, extension_id=request.POST.get("extension_id"))


def _mediation(request: HttpRequest, appeal) -> Mediation:
    return selectors.access_mediation(appeal=appeal, mediation_id=request.POST.get("mediation_id"))


@signed_in
@require_POST
def appeal_action(request: SignedInRequest, appeal_id: int, action: str) -> HttpResponse:
    appeal = selectors.access_appeal(user=request.user, appeal_id=appeal_id)
    handler = ACTIONS.get(action)
    if handler is None:
        raise NotFound(gettext_lazy("Not found."))
    try:
        handler(request, appeal)
    except (ApplicationError, ValueError) as exc:
        # Render, not redirect: the error shows with what the person typed still in
        # the form (nothing a user wrote is ever lost).
        if isinstance(exc, ApplicationError):
            message, status = str(exc.message), exc.status
        else:
            message, status = _("Some fields are missing or not valid."), 400
        messages.error(request, message)
        appeal = selectors.access_appeal(user=request.user, appeal_id=appeal.pk)
        typed = {action: request.POST.dict()}
        return render(
            request,
            "appeals/detail.html",
            _detail_context(request, appeal, typed=typed),
            status=status,
        )
    messages.success(request, str(DONE_MESSAGES.get(action, _("Done."))))
    return redirect("appeals:detail", appeal_id=appeal.pk)


@signed_in
@require_POST
def appeal_withdraw(request: SignedInRequest, appeal_id: int) -> HttpResponse:
    """撤回. A refusal renders the page with the error and its status (409 once accepted)."""
    appeal = selectors.access_appeal(user=request.user, appeal_id=appeal_id)
    try:
        services.appeal_withdraw(
            appeal=appeal, actor=request.user, reason=request.POST.get("reason", "")
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return render(
            request, "appeals/detail.html", _detail_context(request, appeal), status=exc.status
        )
    messages.success(request, _("Your appeal has been withdrawn."))
    return redirect("appeals:detail", appeal_id=appeal.pk)


@signed_in
@require_POST
def appeal_material(request: SignedInRequest, appeal_id: int) -> HttpResponse:
    """补充材料: text and photos for an open appeal; the handler is told."""
    appeal = selectors.access_appeal(user=request.user, appeal_id=appeal_id)
    try:
        files = photos_from(request.FILES)
        services.appeal_add_material(
            appeal=appeal, actor=request.user, text=request.POST.get("text", ""), files=files
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return render(
            request, "appeals/detail.html", _detail_context(request, appeal), status=exc.status
        )
    messages.success(request, _("Your material was added; the handler has been told."))
    return redirect("appeals:detail", appeal_id=appeal.pk)


@signed_in
@require_POST
def appeal_reveal(request: SignedInRequest, appeal_id: int) -> HttpResponse:
    appeal = selectors.access_appeal(user=request.user, appeal_id=appeal_id)
    context = _detail_context(request, appeal)
    try:
        context["revealed"] = services.appeal_reveal_submitter(
            appeal=appeal,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            ip=client_ip(request),
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("appeals:detail", appeal_id=appeal.pk)
    return render(request, "appeals/detail.html", context)


@signed_in
def appeal_attachment(request: SignedInRequest, appeal_id: int, attachment_id: int) -> FileResponse:
    attachment = selectors.access_attachment(
        user=request.user, appeal_id=appeal_id, attachment_id=attachment_id
    )
    return attachment_response(attachment)


@staff_required
def queue(request: SignedInRequest) -> HttpResponse:
    filters = {k: request.GET.get(k, "") for k in ("status", "priority", "category", "q")}
    qs = selectors.appeal_queue(
        user=request.user,
        status=filters["status"],
        priority=filters["priority"],
        category=filters["category"],
        query=filters["q"],
        mine=request.GET.get("mine") == "1",
        overdue=request.GET.get("overdue") == "1",
        to_triage=request.GET.get("triage") == "1",
    )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "appeals/queue.html",
        {
            "page": page,
            "filters": filters,
            "statuses": [("open", _("Open")), *Status.choices],
            "priorities": Priority.choices,
            "categories": Category.choices,
            "rows": [
                appeal_dict(a, staff_view=True)
                | {
                    # the phone card's 签收 button
                    "may_accept": transitions.TRANSITIONS["accept"].offered(request.user, a)
                }
                for a in page
            ],
        },
    )


@staff_required
def appeal_map(request: SignedInRequest) -> HttpResponse:
    """Appeals with a map point in the user's scope, as markers (when the deployment has
    tiles) and always as a list, so the page is useful without a map."""
    filters = {k: request.GET.get(k, "") for k in ("status", "priority", "category", "period")}
    filters["period"] = filters["period"] if filters["period"] in selectors.MAP_PERIODS else "30"
    appeals, truncated = selectors.appeal_map_points(
        user=request.user,
        status=filters["status"],
        priority=filters["priority"],
        category=filters["category"],
        period=filters["period"],
    )
    points = [
        {
            "id": a.pk,
            "number": a.number,
            "lat": float(a.latitude),
            "lng": float(a.longitude),
            "priority": a.priority,
            "label": f"{a.get_category_display()} · {a.get_status_display()}",
            "url": reverse("appeals:detail", args=[a.pk]),
        }
        for a in appeals
        if a.latitude is not None and a.longitude is not None
    ]
    return render(
        request,
        "appeals/map.html",
        {
            "appeals": appeals,
            "points": points,
            "truncated": truncated,
            "filters": filters,
            "statuses": [("open", _("Open")), *Status.choices],
            "priorities": Priority.choices,
            "categories": Category.choices,
            "periods": [
                ("7", _("Last 7 days")),
                ("30", _("Last 30 days")),
                ("90", _("Last 90 days")),
                ("365", _("Last 12 months")),
                ("all", _("All time")),
            ],
            "map_tiles": tile_source(),
        },
    )


@staff_required
def supervision(request: SignedInRequest) -> HttpResponse:
    return render(
        request, "appeals/supervision.html", selectors.supervision_overview(user=request.user)
    )


def public_index(request: HttpRequest) -> HttpResponse:
    """公开栏: every district and street; each lists its communities' handled appeals."""
    return render(request, "appeals/public_index.html", {"regions": selectors.public_regions()})


def public_page(request: HttpRequest, code: str) -> HttpResponse:
    """透明性: handled appeals of a community, street or district whose residents agreed
    to show them: category, dates, status, the description and the reply, with numbers
    and the filer's name scrubbed; no addresses, no people."""
    region = region_get(code=code)
    if region.level not in ("community", "street", "district", "city"):
        raise NotFound(gettext_lazy("Not found."))
    rows = public_board_rows(selectors.public_handled_appeals(region=region))
    return render(
        request,
        "appeals/public.html",
        {
            "community": region,
            "rows": rows,
            "several": region.level != "community",
            # Confirmed quarterly honours whose residents agreed to be shown (积分 and honours).
            "honours": list(published_honours(region=region)[:30]),
            "communities": selectors.public_regions(under=region)
            if region.level in ("street", "district")
            else [],
        },
    )


@signed_in
def similar(request: SignedInRequest) -> HttpResponse:
    """The panel similar.js fills while a resident writes: open appeals in their community
    that read the same. Another community, or none chosen yet, shows nothing (the form
    must not fail)."""
    try:
        community = region_get(code=request.GET.get("community", ""))
    except NotFound:
        community = None
    if community is not None and community.level != "community":
        community = None
    try:
        services.similar_lookup_count(user=request.user)
        found = selectors.similar_open_appeals(
            user=request.user, community=community, text=request.GET.get("content", "")
        )
    except (NotFound, RateLimited):
        found = []
    rows = [similar_dict(a, score) for a, score in found]
    return render(request, "appeals/_similar.html", {"rows": rows})


@signed_in
@require_POST
def join(request: SignedInRequest, appeal_id: int) -> HttpResponse:
    # Residents may join any open appeal the similar-list showed them, not only their own.
    master = selectors.access_joinable_appeal(appeal_id=appeal_id)
    try:
        mine = services.appeal_join(
            master=master, resident=request.user, note=request.POST.get("note", "")
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("appeals:new")
    messages.success(
        request,
        _("You joined appeal %(number)s; you will hear about its progress.")
        % {"number": master.number},
    )
    return redirect("appeals:detail", appeal_id=mine.pk)


@staff_required
def alerts(request: SignedInRequest) -> HttpResponse:
    if request.method == "POST":
        alert = selectors.access_risk_alert(
            user=request.user, alert_id=whole_number(request.POST.get("alert_id")) or 0
        )
        try:
            services.risk_alert_acknowledge(alert=alert, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        return redirect("appeals:alerts")
    alerts = list(selectors.risk_alerts_for(user=request.user)[:200])
    ids = [i for a in alerts for i in (a.evidence or {}).get("appeals", []) if isinstance(i, int)]
    numbers = selectors.appeal_numbers(user=request.user, ids=ids)
    return render(
        request,
        "appeals/alerts.html",
        {"alerts": [risk_alert_dict(a, numbers) for a in alerts]},
    )
