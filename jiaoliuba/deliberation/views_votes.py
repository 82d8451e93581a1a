"""Vote pages: the resident's vote page (the same partial the topic page includes) and
the staff console (create, open, close, paper ballots, unit registers, tally sheet).
Thin: parse → service/selector → render; a wrong input re-renders with what was typed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from jiaoliuba.accounts.decorators import signed_in, staff_required
from jiaoliuba.accounts.selectors import user_scope_regions
from jiaoliuba.core import clock
from jiaoliuba.core.dateparse import parse_datetime
from jiaoliuba.core.errors import ApplicationError, NotFound, ValidationFailed
from jiaoliuba.deliberation.voting import selectors, services
from jiaoliuba.deliberation.voting.choices import (
    Eligibility,
    OwnerMatter,
    VoteKind,
    VoteStatus,
)
from jiaoliuba.deliberation.voting.services import VoteSpec
from jiaoliuba.regions.selectors import region_get

MAX_CSV_BYTES = 2 * 1024 * 1024


def _choices(request: HttpRequest) -> list[str]:
    return request.POST.getlist("choice")


@signed_in
def vote_page(request: HttpRequest, vote_id: int) -> HttpResponse:
    vote = selectors.access_vote(user=request.user, vote_id=vote_id)
    view = selectors.vote_view(user=request.user, vote=vote)
    return render(request, "deliberation/votes/page.html", {"view": view, "vote": vote})


@signed_in
@require_POST
def vote_cast(request: HttpRequest, vote_id: int) -> HttpResponse:
    vote = selectors.access_vote_to_cast(user=request.user, vote_id=vote_id)
    try:
        services.ballot_cast(
            vote=vote,
            actor=request.user,
            choices=_choices(request),
            person_key=request.POST.get("person_key", ""),
        )
    except ApplicationError as exc:
        view = selectors.vote_view(user=request.user, vote=vote)
        context = {"view": view, "vote": vote, "error": exc.message, "picked": _choices(request)}
        return render(request, "deliberation/votes/page.html", context, status=exc.status)
    messages.success(request, _("Your vote has been counted. Thank you."))
    return redirect(request.POST.get("next") or f"/votes/{vote.pk}/")


# --- staff console ----------------------------------------------------------------------------


@staff_required
def console(request: HttpRequest) -> HttpResponse:
    votes = selectors.vote_list(user=request.user, status=request.GET.get("status", ""))[:200]
    return render(
        request,
        "deliberation/votes/console.html",
        {"votes": votes, "statuses": VoteStatus.choices, "status": request.GET.get("status", "")},
    )


def _when(raw: str) -> dt.datetime | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    value = parse_datetime(raw)
    if value is None:
        raise ValidationFailed(
            gettext_lazy("Please enter times as 2026-12-01 18:00."), code="bad_time"
        )
    if value.tzinfo is None:
        value = value.replace(tzinfo=clock.SHANGHAI)
    return value


def _spec_from(request: HttpRequest) -> VoteSpec:
    data = request.POST
    register = None
    if data.get("unit_register"):
        try:
            register_id = int(data["unit_register"])
        except ValueError:
            raise ValidationFailed(gettext_lazy("Please choose the unit register.")) from None
        register = selectors.access_unit_register(user=request.user, register_id=register_id)
    try:
        max_choices = int(data.get("max_choices") or 1)
    except ValueError:
        raise ValidationFailed(
            gettext_lazy("“At most” must be a number."), code="max_choices"
        ) from None
    return VoteSpec(
        title=data.get("title", ""),
        description=data.get("description", ""),
        scope=region_get(code=data.get("scope", "")),
        kind=data.get("kind", ""),
        eligibility=data.get("eligibility", ""),
        options=data.get("options", "").splitlines(),
        max_choices=max_choices,
        secret=data.get("secret") == "on",
        owner_matter=data.get("owner_matter", ""),
        unit_register=register,
        hide_results_until_close=data.get("hide_results") == "on",
        opens_at=_when(data.get("opens_at", "")),
        closes_at=_when(data.get("closes_at", "")),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def vote_new(request: HttpRequest) -> HttpResponse:
    values: dict[str, Any] = {"hide_results": "on", "kind": VoteKind.APPROVAL}
    error = None
    if request.method == "POST":
        values = request.POST.dict()
        try:
            vote = services.vote_create(actor=request.user, spec=_spec_from(request))
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, _("The vote was created as a draft."))
            return redirect("votes:manage", vote_id=vote.pk)
    context = {
        "values": values,
        "error": error,
        "scopes": user_scope_regions(request.user),
        "registers": selectors.unit_registers_visible_to(request.user),
        "kinds": VoteKind.choices,
        "eligibilities": Eligibility.choices,
        "matters": OwnerMatter.choices,
    }
    return render(request, "deliberation/votes/new.html", context, status=400 if error else 200)


def _manage_context(request: HttpRequest, vote: Any, **extra: Any) -> dict[str, Any]:
    return {
        "vote": vote,
        "view": selectors.vote_view(user=request.user, vote=vote),
        "events": selectors.vote_events(vote=vote),
        "paper_voters": selectors.paper_records(vote=vote).count(),
        **extra,
    }


@staff_required
def vote_manage(request: HttpRequest, vote_id: int) -> HttpResponse:
    vote = selectors.access_vote_to_manage(user=request.user, vote_id=vote_id)
    return render(request, "deliberation/votes/manage.html", _manage_context(request, vote))


ACTIONS = {
    "open": lambda r, v: services.vote_open(vote=v, actor=r.user),
    "close": lambda r, v: services.vote_close(vote=v, actor=r.user),
    "cancel": lambda r, v: services.vote_cancel(
        vote=v, actor=r.user, reason=r.POST.get("reason", "")
    ),
    "paper": lambda r, v: services.paper_ballot_enter(
        vote=v,
        actor=r.user,
        sheet_number=r.POST.get("sheet_number", ""),
        choices=r.POST.getlist("choice"),
        phone=r.POST.get("phone", ""),
        unit=r.POST.get("unit", ""),
    ),
    "paper_voter": lambda r, v: services.paper_voter_record(
        vote=v, actor=r.user, phone=r.POST.get("phone", ""), unit=r.POST.get("unit", "")
    ),
    "correct": lambda r, v: services.paper_ballot_correct(
        vote=v,
        actor=r.user,
        sheet_number=r.POST.get("sheet_number", ""),
        choices=r.POST.getlist("choice"),
        reason=r.POST.get("reason", ""),
    ),
}
DONE = {
    "open": gettext_lazy("The vote is open."),
    "close": gettext_lazy("The vote is closed and counted."),
    "cancel": gettext_lazy("The vote was cancelled."),
    "paper": gettext_lazy("Paper ballot entered."),
    "paper_voter": gettext_lazy("Paper voter recorded."),
    "correct": gettext_lazy("Paper ballot corrected."),
}


@staff_required
@require_POST
def vote_action(request: HttpRequest, vote_id: int, action: str) -> HttpResponse:
    vote = selectors.access_vote_to_manage(user=request.user, vote_id=vote_id)
    if action not in ACTIONS:
        raise NotFound(gettext_lazy("Not found."))
    try:
        ACTIONS[action](request, vote)
    except ApplicationError as exc:
        context = _manage_context(
            request,
            vote,
            error=exc.message,
            form=action,
            values=request.POST.dict(),
            picked=request.POST.getlist("choice"),
        )
        return render(request, "deliberation/votes/manage.html", context, status=exc.status)
    messages.success(request, DONE[action])
    return redirect("votes:manage", vote_id=vote.pk)


@staff_required
def tally_sheet(request: HttpRequest, vote_id: int) -> HttpResponse:
    """计票单, for printing: every figure as a fraction and a percentage."""
    vote = selectors.access_vote_to_manage(user=request.user, vote_id=vote_id)
    view = selectors.vote_view(user=request.user, vote=vote)
    return render(
        request,
        "deliberation/votes/sheet.html",
        {"vote": vote, "view": view, "result": view.result, "printed_at": clock.local_now()},
    )


# --- unit registers ---------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def registers(request: HttpRequest) -> HttpResponse:
    values: dict[str, Any] = {}
    error = None
    if request.method == "POST":
        values = request.POST.dict()
        try:
            register = services.unit_register_create(
                actor=request.user,
                name=values.get("name", ""),
                scope=region_get(code=values.get("scope", "")),
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            return redirect("votes:register", register_id=register.pk)
    return render(
        request,
        "deliberation/votes/registers.html",
        {
            "registers": selectors.unit_registers_visible_to(request.user),
            "scopes": user_scope_regions(request.user),
            "values": values,
            "error": error,
        },
        status=400 if error else 200,
    )


def _csv_text(request: HttpRequest) -> str:
    upload = request.FILES.get("file")
    if upload is None:
        return request.POST.get("csv", "")
    if (upload.size or 0) > MAX_CSV_BYTES:
        raise ValidationFailed(
            gettext_lazy("The file is larger than 2 MB."), code="units_file_large"
        )
    raw = upload.read()
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed(
        gettext_lazy("The file is not UTF-8 or GBK text."), code="units_encoding"
    )


@staff_required
@require_http_methods(["GET", "POST"])
def register_detail(request: HttpRequest, register_id: int) -> HttpResponse:
    register = selectors.access_unit_register(user=request.user, register_id=register_id)
    error, line_errors, csv_text = None, [], ""
    if request.method == "POST":
        csv_text = request.POST.get("csv", "")
        try:
            count = services.unit_register_import(
                register=register, actor=request.user, text=_csv_text(request)
            )
        except ApplicationError as exc:
            error, line_errors = exc.message, exc.extra.get("errors", [])
        else:
            messages.success(request, _("%(n)d units imported.") % {"n": count})
            return redirect("votes:register", register_id=register.pk)
    units = selectors.register_units(register=register)
    return render(
        request,
        "deliberation/votes/register.html",
        {
            "register": register,
            "units": units[:2000],
            "unit_count": units.count(),
            "error": error,
            "line_errors": line_errors,
            "csv": csv_text,
        },
        status=400 if error else 200,
    )
