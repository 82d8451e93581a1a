"""Meeting and resolution pages: residents' (phone first: what, when, where, check in,
read the rounds and the resolution, object during 公示, supervise, rate) and the staff
workbench on the same pages (invite, take attendance, record rounds and minutes, adopt,
publish, answer, plan and report). Thin: parse → service/selector → render; a refused
form re-renders with what was typed and the reason."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import segno
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from jiaoliuba.accounts.decorators import signed_in, staff_required
from jiaoliuba.accounts.selectors import user_by_phone, user_scope_regions
from jiaoliuba.accounts.types import SignedInRequest
from jiaoliuba.appeals.selectors import access_appeal
from jiaoliuba.appeals.uploads import attachment_response
from jiaoliuba.core import clock
from jiaoliuba.core.dateparse import parse_date, parse_datetime
from jiaoliuba.core.errors import ApplicationError, NotFound, ValidationFailed
from jiaoliuba.core.typed import whole_number
from jiaoliuba.deliberation.meetings import presenters, resolutions, selectors, services
from jiaoliuba.deliberation.meetings.choices import (
    CheckVerdict,
    MeetingKind,
    OutcomeLevel,
    Side,
    StatementKind,
)
from jiaoliuba.deliberation.meetings.transitions import MEETING
from jiaoliuba.deliberation.models import Meeting, Resolution
from jiaoliuba.deliberation.selectors import access_topic
from jiaoliuba.deliberation.voting.choices import Eligibility
from jiaoliuba.deliberation.voting.selectors import access_unit_register
from jiaoliuba.regions.choices import RegionLevel
from jiaoliuba.regions.selectors import region_get


def _when(value: str) -> dt.datetime | None:
    """A datetime-local field, read as Asia/Shanghai."""
    parsed = parse_datetime((value or "").strip())
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=clock.SHANGHAI)


# --- lists and scheduling -------------------------------------------------------------------


@signed_in
def meeting_list(request: SignedInRequest) -> HttpResponse:
    rows = selectors.meeting_list(user=request.user)[:100]
    return render(
        request,
        "deliberation/meetings/list.html",
        {"meetings": [presenters.meeting_dict(m, user=request.user, full=False) for m in rows]},
    )


@staff_required
def workbench(request: SignedInRequest) -> HttpResponse:
    rows = selectors.meetings_managed_by(request.user)[:200]
    return render(
        request,
        "deliberation/meetings/workbench.html",
        {"meetings": [presenters.meeting_dict(m, user=request.user, full=False) for m in rows]},
    )


def _scopes(user: Any) -> list[Any]:
    levels = (RegionLevel.STREET, RegionLevel.COMMUNITY, RegionLevel.GRID)
    return [r for r in user_scope_regions(user) if r.level in levels]


@staff_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: SignedInRequest) -> HttpResponse:
    error = ""
    values: dict[str, Any] = {"kind": MeetingKind.REGULAR}
    if request.method == "POST":
        values = request.POST.dict()
        try:
            topic_id = values.get("topic", "").strip()
            topic = access_topic(user=request.user, topic_id=topic_id) if topic_id else None
            meeting = services.meeting_schedule(
                actor=request.user,
                title=values.get("title", ""),
                kind=values.get("kind", ""),
                scope=region_get(code=values.get("scope", "")) if values.get("scope") else None,
                starts_at=_when(values.get("starts_at", "")),
                place=values.get("place", ""),
                online=values.get("online") == "1",
                topic=topic,
                agenda=values.get("agenda", "").splitlines(),
            )
        except ApplicationError as exc:
            error = str(exc.message)
        else:
            messages.success(request, _("The meeting is scheduled. Now invite the parties."))
            return redirect("meetings:detail", meeting.pk)
    return render(
        request,
        "deliberation/meetings/new.html",
        {
            "values": values,
            "error": error,
            "kinds": MeetingKind.choices,
            "scopes": _scopes(request.user),
        },
        status=400 if error else 200,
    )


@staff_required
@require_POST
def meeting_emergency(request: SignedInRequest, appeal_id: int) -> HttpResponse:
    """The red appeal's button: topic, emergency meeting and invitations in one step."""
    appeal = access_appeal(user=request.user, appeal_id=appeal_id)
    try:
        meeting = services.meeting_open_emergency(actor=request.user, appeal=appeal)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("appeals:detail", appeal.pk)
    messages.success(request, _("Emergency meeting opened. Invite the parties now."))
    return redirect("meetings:detail", meeting.pk)


# --- the meeting page -----------------------------------------------------------------------


def _meeting_context(request: HttpRequest, meeting: Meeting, typed: dict | None = None) -> dict:
    data = presenters.meeting_dict(meeting, user=request.user)
    manage = "invite" in data["actions"] or "minutes" in data["actions"]
    party = selectors.party_of(user=request.user, meeting=meeting)
    return {
        "meeting": meeting,
        "data": data,
        "can": dict.fromkeys(data["actions"], True),
        "manage": manage,
        "me": party,
        "typed": typed or {},
        "sides": Side.choices,
        "statement_kinds": StatementKind.choices,
        "professionals": selectors.professionals_for(path=meeting.scope_path) if manage else [],
        "checkin_path": services.checkin_path(meeting) if manage else "",
        "events": list(selectors.meeting_events(meeting=meeting)) if manage else [],
    }


@signed_in
def meeting_detail(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.access_meeting(user=request.user, meeting_id=meeting_id)
    return render(request, "deliberation/meetings/detail.html", _meeting_context(request, meeting))


def _add_party(request: HttpRequest, meeting: Meeting) -> Any:
    user = None
    professional = request.POST.get("professional", "").strip()
    if professional:
        user = next(
            (
                p
                for p in selectors.professionals_for(path=meeting.scope_path)
                if str(p.pk) == professional
            ),
            None,
        )
    phone = request.POST.get("phone", "").strip()
    if user is None and phone:
        user = user_by_phone(phone=phone)
        if user is None:
            raise ValidationFailed(
                gettext_lazy("Nobody is registered with this mobile number."), code="phone_unknown"
            )
    return services.meeting_add_party(
        meeting=meeting,
        actor=request.user,
        side=request.POST.get("side", ""),
        name=request.POST.get("name", ""),
        organisation=request.POST.get("organisation", ""),
        role_note=request.POST.get("role_note", ""),
        user=user,
    )


def _round_of(meeting: Meeting, request: HttpRequest) -> Any:
    rnd = meeting.rounds.filter(pk=request.POST.get("round", "0") or 0).first()
    if rnd is None:
        raise NotFound(gettext_lazy("No such round."), code="round_not_found")
    return rnd


def _statement(request: HttpRequest, meeting: Meeting) -> Any:
    party = selectors.access_party(user=request.user, party_id=request.POST.get("party", ""))
    return services.meeting_add_statement(
        round=_round_of(meeting, request),
        actor=request.user,
        party=party,
        kind=request.POST.get("kind", ""),
        text_=request.POST.get("text", ""),
    )


def _attended(request: HttpRequest, meeting: Meeting) -> Any:
    party = selectors.access_party(user=request.user, party_id=request.POST.get("party", ""))
    return services.meeting_mark_attendance(meeting=meeting, actor=request.user, party=party)


def _resolve(request: HttpRequest, meeting: Meeting) -> Any:
    agreed = [
        selectors.access_party(user=request.user, party_id=p)
        for p in request.POST.getlist("agreed")
    ]
    days = request.POST.get("publicity_days", "").strip()
    if days and whole_number(days) is None:
        raise ValidationFailed(
            gettext_lazy("Public notice lasts 1 to 60 days."), code="publicity_days"
        )
    return resolutions.resolution_adopt(
        meeting=meeting,
        actor=request.user,
        title=request.POST.get("title", ""),
        text_=request.POST.get("text", ""),
        agreed=agreed,
        requires_vote=request.POST.get("requires_vote") == "1",
        publicity_days=int(days) if days else None,
    )


MEETING_ACTIONS: dict[str, Callable[[HttpRequest, Meeting], Any]] = {
    "invite": _add_party,
    "agenda": lambda r, m: services.meeting_add_agenda_item(
        meeting=m, actor=r.user, title=r.POST.get("title", "")
    ),
    "start": lambda r, m: services.meeting_start(meeting=m, actor=r.user),
    "conclude": lambda r, m: services.meeting_conclude(meeting=m, actor=r.user),
    "cancel": lambda r, m: services.meeting_cancel(
        meeting=m, actor=r.user, reason=r.POST.get("reason", "")
    ),
    "attendance": _attended,
    "round": lambda r, m: services.meeting_add_round(
        meeting=m, actor=r.user, summary=r.POST.get("summary", "")
    ),
    "statement": _statement,
    "minutes": lambda r, m: services.meeting_record_minutes(
        meeting=m, actor=r.user, minutes=r.POST.get("minutes", "")
    ),
    "resolve": _resolve,
}


@signed_in
@require_POST
def meeting_action(request: SignedInRequest, meeting_id: int, action: str) -> HttpResponse:
    meeting = selectors.access_meeting(user=request.user, meeting_id=meeting_id)
    handler = MEETING_ACTIONS.get(action)
    if handler is None:
        raise NotFound(gettext_lazy("Not found."))
    try:
        done = handler(request, meeting)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        fresh = selectors.access_meeting(user=request.user, meeting_id=meeting.pk)
        context = _meeting_context(request, fresh, typed={action: request.POST.dict()})
        return render(request, "deliberation/meetings/detail.html", context, status=exc.status)
    if isinstance(done, Resolution):
        messages.success(request, _("The resolution is recorded."))
        return redirect("meetings:resolution", done.pk)
    messages.success(request, _("Saved."))
    return redirect(f"/meetings/{meeting.pk}/#{action}")


@staff_required
def meeting_qr(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    """The venue's QR code: an SVG of the signed check-in link, for organisers only."""
    meeting = selectors.access_meeting(user=request.user, meeting_id=meeting_id)
    if not MEETING.permits("invite", request.user, meeting):
        raise NotFound(gettext_lazy("Not found."))
    url = request.build_absolute_uri(services.checkin_path(meeting))
    svg = io.BytesIO()
    # A standalone file (with its namespace) so an <img> can show it; no inline markup.
    segno.make(url, error="m").save(svg, kind="svg", scale=6, border=2, xmldecl=False)
    response = HttpResponse(svg.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


@signed_in
@require_http_methods(["GET", "POST"])
def meeting_checkin(request: SignedInRequest, meeting_id: int, token: str) -> HttpResponse:
    """Where the QR leads: one button to check in (a GET never changes anything)."""
    meeting = selectors.access_meeting(user=request.user, meeting_id=meeting_id)
    error = ""
    if request.method == "POST":
        try:
            services.meeting_check_in(meeting=meeting, actor=request.user, token=token)
        except ApplicationError as exc:
            error = str(exc.message)
        else:
            messages.success(request, _("You are checked in. Welcome!"))
            return redirect("meetings:detail", meeting.pk)
    party = selectors.party_of(user=request.user, meeting=meeting)
    return render(
        request,
        "deliberation/meetings/checkin.html",
        {
            "data": presenters.meeting_dict(meeting, user=request.user, full=False),
            "party": party,
            "error": error,
        },
        status=400 if error else 200,
    )


# --- the resolution page ----------------------------------------------------------------------


def _resolution_context(
    request: HttpRequest, resolution: Resolution, typed: dict | None = None
) -> dict:
    data = presenters.resolution_dict(resolution, user=request.user)
    return {
        "resolution": resolution,
        "data": data,
        "can": dict.fromkeys(data["actions"], True),
        "manage": "milestone" in data["actions"]
        or "publish" in data["actions"]
        or "answer" in data["actions"]
        or "close" in data["actions"]
        or "open_vote" in data["actions"],
        "typed": typed or {},
        "levels": OutcomeLevel.choices,
        "verdicts": CheckVerdict.choices,
        "eligibilities": Eligibility.choices,
        "today": clock.local_now().date(),
    }


@signed_in
def resolution_detail(request: SignedInRequest, resolution_id: int) -> HttpResponse:
    resolution = selectors.access_resolution(user=request.user, resolution_id=resolution_id)
    return render(
        request, "deliberation/meetings/resolution.html", _resolution_context(request, resolution)
    )


def _open_vote(request: HttpRequest, r: Resolution) -> Any:
    register_id = request.POST.get("unit_register", "").strip()
    register = (
        access_unit_register(user=request.user, register_id=int(register_id))
        if whole_number(register_id) is not None
        else None
    )
    return resolutions.resolution_open_vote(
        resolution=r,
        actor=request.user,
        eligibility=request.POST.get("eligibility", "person"),
        unit_register=register,
    )


def _answer(request: HttpRequest, r: Resolution) -> Any:
    objection = selectors.access_objection(
        user=request.user, objection_id=request.POST.get("objection", "")
    )
    if objection.resolution_id != r.pk:
        raise NotFound(gettext_lazy("No such objection."), code="objection_not_found")
    return resolutions.objection_answer(
        objection=objection,
        actor=request.user,
        answer=request.POST.get("answer", ""),
        uphold=request.POST.get("uphold") == "1",
    )


def _milestone(request: HttpRequest, r: Resolution) -> Any:
    due = parse_date(request.POST.get("due_on", "").strip())
    return resolutions.milestone_add(
        resolution=r, actor=request.user, title=request.POST.get("title", ""), due_on=due
    )


def _progress(request: HttpRequest, r: Resolution) -> Any:
    milestone = selectors.access_milestone(
        user=request.user, milestone_id=request.POST.get("milestone", "")
    )
    if milestone.resolution_id != r.pk:
        raise NotFound(gettext_lazy("No such milestone."), code="milestone_not_found")
    photos: list[tuple[str, Any]] = [(f.name or "", f) for f in request.FILES.getlist("photos")]
    return resolutions.progress_report(
        milestone=milestone,
        actor=request.user,
        text_=request.POST.get("text", ""),
        photos=photos,
        completes=request.POST.get("completes") == "1",
    )


def _supervisor(request: HttpRequest, r: Resolution) -> Any:
    user = user_by_phone(phone=request.POST.get("phone", "").strip())
    if user is None:
        raise ValidationFailed(
            gettext_lazy("Nobody is registered with this mobile number."), code="phone_unknown"
        )
    return resolutions.supervisor_add(resolution=r, actor=request.user, user=user)


RESOLUTION_ACTIONS: dict[str, Callable[[HttpRequest, Resolution], Any]] = {
    "open_vote": _open_vote,
    "vote_result": lambda q, r: resolutions.resolution_take_vote_result(resolution=r, actor=q.user),
    "publish": lambda q, r: resolutions.resolution_publish(resolution=r, actor=q.user),
    "object": lambda q, r: resolutions.objection_raise(
        resolution=r, actor=q.user, text_=q.POST.get("text", "")
    ),
    "answer": _answer,
    "end_publicity": lambda q, r: resolutions.resolution_end_publicity(resolution=r, actor=q.user),
    "milestone": _milestone,
    "progress": _progress,
    "supervisor": _supervisor,
    "check": lambda q, r: resolutions.supervision_check_record(
        resolution=r,
        actor=q.user,
        verdict=q.POST.get("verdict", ""),
        findings=q.POST.get("findings", ""),
    ),
    "rate": lambda q, r: resolutions.outcome_rate(
        resolution=r,
        actor=q.user,
        level=q.POST.get("level", ""),
        solved=q.POST.get("solved") == "1",
        comment=q.POST.get("comment", ""),
    ),
    "close": lambda q, r: resolutions.resolution_close(
        resolution=r, actor=q.user, result=q.POST.get("result", "")
    ),
}


@signed_in
@require_POST
def resolution_action(request: SignedInRequest, resolution_id: int, action: str) -> HttpResponse:
    resolution = selectors.access_resolution(user=request.user, resolution_id=resolution_id)
    handler = RESOLUTION_ACTIONS.get(action)
    if handler is None:
        raise NotFound(gettext_lazy("Not found."))
    try:
        handler(request, resolution)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        fresh = selectors.access_resolution(user=request.user, resolution_id=resolution.pk)
        context = _resolution_context(request, fresh, typed={action: request.POST.dict()})
        return render(request, "deliberation/meetings/resolution.html", context, status=exc.status)
    messages.success(request, _("Saved."))
    return redirect(f"/resolutions/{resolution.pk}/#{action}")


@signed_in
def progress_photo(request: SignedInRequest, photo_id: int) -> FileResponse:
    return attachment_response(selectors.access_photo(user=request.user, photo_id=photo_id))


def public_notice(request: HttpRequest, code: str) -> HttpResponse:
    """公示 of a community, for anyone: the notice board's online twin."""
    community = selectors.public_community(code=code)
    rows = selectors.public_resolutions(community=community)[:50]
    return render(
        request, "deliberation/meetings/public.html", {"community": community, "rows": rows}
    )
