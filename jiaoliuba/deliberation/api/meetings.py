"""议事会 API: thin handlers over deliberation.meetings (parse → service/selector →
serialise). Mounted at /api/v1/ by jiaoliuba.api."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status

from jiaoliuba.accounts.selectors import user_by_id
from jiaoliuba.accounts.types import ApiRequest
from jiaoliuba.appeals.selectors import access_appeal
from jiaoliuba.core.api_params import Offset
from jiaoliuba.core.errors import NotFound
from jiaoliuba.deliberation.meetings import presenters, resolutions, selectors, services
from jiaoliuba.deliberation.selectors import access_topic
from jiaoliuba.deliberation.voting.selectors import access_unit_register
from jiaoliuba.regions.selectors import region_get

router = Router(tags=["meetings"])


class MeetingDone(Schema):
    ok: bool = True


class MeetingOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    scope: dict[str, str]
    place: str
    online: bool
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    topic: int | None
    appeal: int | None
    organiser: str
    actions: list[str] = Field(description="What the caller is offered now (the transition table)")
    minutes: str = ""
    parties: list[dict[str, Any]] = Field(default_factory=list)
    agenda: list[dict[str, Any]] = Field(default_factory=list)
    rounds: list[dict[str, Any]] = Field(default_factory=list)
    resolutions: list[dict[str, Any]] = Field(default_factory=list)


class MeetingIn(Schema):
    title: str
    kind: str = Field(description="regular, joint or emergency")
    scope: str = Field(description="Region code: a grid, a community or a street")
    starts_at: dt.datetime
    ends_at: dt.datetime | None = None
    place: str = Field("", description="Free text until venues arrive; or online")
    online: bool = False
    topic: int | None = None
    agenda: list[str] = Field(default_factory=list)


class EmergencyMeetingIn(Schema):
    appeal: int = Field(description="Id of a red appeal in the caller's scope")
    starts_at: dt.datetime | None = Field(None, description="Default: 19:30 today")
    place: str = ""


class MeetingPartyIn(Schema):
    side: str = Field(
        description="resident_rep, cadre, grid_worker, volunteer, professional (the five "
        "sides), property, street, department (outside parties)"
    )
    name: str = ""
    organisation: str = ""
    role_note: str = ""
    user: int | None = Field(None, description="A person with an account (gets an invitation)")


class MeetingAgendaIn(Schema):
    title: str = ""
    topic: int | None = None


class MeetingReasonIn(Schema):
    reason: str


class MeetingCheckInIn(Schema):
    token: str = Field(description="From the signed check-in link of the venue's QR code")


class NegotiationRoundIn(Schema):
    summary: str = ""


class RoundStatementIn(Schema):
    party: int
    kind: str = Field(description="position or proposal")
    text: str


class MeetingMinutesIn(Schema):
    minutes: str


class ResolutionIn(Schema):
    title: str
    text: str
    agreed: list[int] = Field(default_factory=list, description="Ids of the parties that agreed")
    requires_vote: bool = False
    publicity_days: int | None = Field(None, description="Calendar days of 公示; default 7")


class ResolutionOut(Schema):
    id: int
    title: str
    status: str
    status_label: str
    text: str
    meeting: int
    topic: int | None
    agreed: list[str]
    requires_vote: bool
    vote: int | None
    vote_passed: bool | None
    publicity_days: int
    published_at: dt.datetime | None
    publicity_ends_at: dt.datetime | None
    effective_at: dt.datetime | None
    closed_at: dt.datetime | None
    result: str
    objections: list[dict[str, Any]]
    milestones: list[dict[str, Any]]
    supervisors: list[str]
    checks: list[dict[str, Any]]
    rating: dict[str, Any]
    actions: list[str]


class ResolutionVoteIn(Schema):
    eligibility: str = Field("person", description="person, household or owners")
    unit_register: int | None = None
    owner_matter: str = "9"


class ObjectionIn(Schema):
    text: str


class ObjectionAnswerIn(Schema):
    answer: str
    uphold: bool = False


class ResolutionMilestoneIn(Schema):
    title: str
    due_on: dt.date


class ProgressReportIn(Schema):
    text: str
    completes: bool = False


class SupervisorAddIn(Schema):
    user: int


class SupervisionCheckIn(Schema):
    verdict: str = Field(description="good or issues")
    findings: str


class OutcomeRatingIn(Schema):
    level: str = Field(description="satisfied, basically or unsatisfied")
    solved: bool = False
    comment: str = ""


class ResolutionResultIn(Schema):
    result: str


class PublicResolutionOut(Schema):
    id: int
    title: str
    text: str
    status: str
    status_label: str
    published_at: dt.datetime | None
    publicity_ends_at: dt.datetime | None


def _meeting(request: ApiRequest, meeting_id: int):
    return selectors.access_meeting(user=request.auth, meeting_id=meeting_id)


def _out(request: ApiRequest, meeting_id: int) -> dict[str, Any]:
    return presenters.meeting_dict(_meeting(request, meeting_id), user=request.auth)


def _res(request: ApiRequest, resolution_id: int):
    return selectors.access_resolution(user=request.auth, resolution_id=resolution_id)


def _res_out(request: ApiRequest, resolution_id: int) -> dict[str, Any]:
    return presenters.resolution_dict(_res(request, resolution_id), user=request.auth)


@router.get("/meetings", response=list[MeetingOut])
def meeting_list(request: ApiRequest, mine: bool = False, offset: Offset = 0, limit: int = 50):
    """Meetings the caller may see: where they live, in their staff scope, or invited."""
    rows = selectors.meeting_list(user=request.auth, mine=mine)[offset : offset + min(limit, 200)]
    return [presenters.meeting_dict(m, user=request.auth, full=False) for m in rows]


@router.post("/meetings", response={201: MeetingOut})
def meeting_create(request: ApiRequest, payload: MeetingIn):
    topic = access_topic(user=request.auth, topic_id=payload.topic) if payload.topic else None
    meeting = services.meeting_schedule(
        actor=request.auth,
        title=payload.title,
        kind=payload.kind,
        scope=region_get(code=payload.scope),
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        place=payload.place,
        online=payload.online,
        topic=topic,
        agenda=payload.agenda,
    )
    return Status(201, _out(request, meeting.pk))


@router.post("/meetings/emergency", response={201: MeetingOut})
def meeting_emergency(request: ApiRequest, payload: EmergencyMeetingIn):
    """紧急议事会 from a red appeal in one step: topic, meeting, invitations."""
    appeal = access_appeal(user=request.auth, appeal_id=payload.appeal)
    meeting = services.meeting_open_emergency(
        actor=request.auth, appeal=appeal, starts_at=payload.starts_at, place=payload.place
    )
    return Status(201, _out(request, meeting.pk))


@router.get("/meetings/{meeting_id}", response=MeetingOut)
def meeting_detail(request: ApiRequest, meeting_id: int):
    return _out(request, meeting_id)


@router.get("/meetings/{meeting_id}/events", response=list[dict[str, Any]])
def meeting_events(request: ApiRequest, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    return [
        {
            "kind": e.kind,
            "resolution": e.resolution_id,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "created_at": e.created_at.isoformat(),
        }
        for e in selectors.meeting_events(meeting=meeting)
    ]


@router.post("/meetings/{meeting_id}/parties", response={201: MeetingOut})
def meeting_party_add(request: ApiRequest, meeting_id: int, payload: MeetingPartyIn):
    user = None
    if payload.user is not None:
        user = user_by_id(user_id=payload.user)
        if user is None:
            raise NotFound(_("No such person."), code="user_not_found")
    services.meeting_add_party(
        meeting=_meeting(request, meeting_id),
        actor=request.auth,
        side=payload.side,
        name=payload.name,
        organisation=payload.organisation,
        role_note=payload.role_note,
        user=user,
    )
    return Status(201, _out(request, meeting_id))


@router.post("/meetings/{meeting_id}/agenda", response=MeetingOut)
def meeting_agenda_add(request: ApiRequest, meeting_id: int, payload: MeetingAgendaIn):
    topic = access_topic(user=request.auth, topic_id=payload.topic) if payload.topic else None
    services.meeting_add_agenda_item(
        meeting=_meeting(request, meeting_id), actor=request.auth, title=payload.title, topic=topic
    )
    return _out(request, meeting_id)


@router.post("/meetings/{meeting_id}/start", response=MeetingOut)
def meeting_start(request: ApiRequest, meeting_id: int):
    services.meeting_start(meeting=_meeting(request, meeting_id), actor=request.auth)
    return _out(request, meeting_id)


@router.post("/meetings/{meeting_id}/conclude", response=MeetingOut)
def meeting_conclude(request: ApiRequest, meeting_id: int):
    services.meeting_conclude(meeting=_meeting(request, meeting_id), actor=request.auth)
    return _out(request, meeting_id)


@router.post("/meetings/{meeting_id}/cancel", response=MeetingOut)
def meeting_cancel(request: ApiRequest, meeting_id: int, payload: MeetingReasonIn):
    services.meeting_cancel(
        meeting=_meeting(request, meeting_id), actor=request.auth, reason=payload.reason
    )
    return _out(request, meeting_id)


@router.post("/meetings/{meeting_id}/check-in", response=MeetingDone)
def meeting_check_in(request: ApiRequest, meeting_id: int, payload: MeetingCheckInIn):
    services.meeting_check_in(
        meeting=_meeting(request, meeting_id), actor=request.auth, token=payload.token
    )
    return MeetingDone()


@router.post("/meetings/{meeting_id}/parties/{party_id}/attended", response=MeetingOut)
def meeting_attended(request: ApiRequest, meeting_id: int, party_id: int):
    meeting = _meeting(request, meeting_id)
    party = selectors.access_party(user=request.auth, party_id=party_id)
    services.meeting_mark_attendance(meeting=meeting, actor=request.auth, party=party)
    return _out(request, meeting_id)


@router.post("/meetings/{meeting_id}/rounds", response={201: MeetingOut})
def meeting_round_add(request: ApiRequest, meeting_id: int, payload: NegotiationRoundIn):
    services.meeting_add_round(
        meeting=_meeting(request, meeting_id), actor=request.auth, summary=payload.summary
    )
    return Status(201, _out(request, meeting_id))


@router.post("/meetings/{meeting_id}/rounds/{number}/statements", response={201: MeetingOut})
def meeting_statement_add(
    request: ApiRequest, meeting_id: int, number: int, payload: RoundStatementIn
):
    meeting = _meeting(request, meeting_id)
    rnd = meeting.rounds.filter(number=number).first()
    if rnd is None:
        raise NotFound(_("No such round."), code="round_not_found")
    party = selectors.access_party(user=request.auth, party_id=payload.party)
    services.meeting_add_statement(
        round=rnd, actor=request.auth, party=party, kind=payload.kind, text_=payload.text
    )
    return Status(201, _out(request, meeting_id))


@router.post("/meetings/{meeting_id}/minutes", response=MeetingOut)
def meeting_minutes(request: ApiRequest, meeting_id: int, payload: MeetingMinutesIn):
    services.meeting_record_minutes(
        meeting=_meeting(request, meeting_id), actor=request.auth, minutes=payload.minutes
    )
    return _out(request, meeting_id)


@router.post("/meetings/{meeting_id}/resolutions", response={201: ResolutionOut})
def resolution_adopt(request: ApiRequest, meeting_id: int, payload: ResolutionIn):
    meeting = _meeting(request, meeting_id)
    agreed = [selectors.access_party(user=request.auth, party_id=p) for p in payload.agreed]
    resolution = resolutions.resolution_adopt(
        meeting=meeting,
        actor=request.auth,
        title=payload.title,
        text_=payload.text,
        agreed=agreed,
        requires_vote=payload.requires_vote,
        publicity_days=payload.publicity_days,
    )
    return Status(201, _res_out(request, resolution.pk))


@router.get("/resolutions/{resolution_id}", response=ResolutionOut)
def resolution_detail(request: ApiRequest, resolution_id: int):
    return _res_out(request, resolution_id)


@router.post("/resolutions/{resolution_id}/vote", response=ResolutionOut)
def resolution_vote(request: ApiRequest, resolution_id: int, payload: ResolutionVoteIn):
    """Put the resolution to an approve/oppose/abstain vote (opened at once)."""
    register = (
        access_unit_register(user=request.auth, register_id=payload.unit_register)
        if payload.unit_register
        else None
    )
    resolutions.resolution_open_vote(
        resolution=_res(request, resolution_id),
        actor=request.auth,
        eligibility=payload.eligibility,
        unit_register=register,
        owner_matter=payload.owner_matter,
    )
    return _res_out(request, resolution_id)


@router.post("/resolutions/{resolution_id}/vote-result", response=ResolutionOut)
def resolution_vote_result(request: ApiRequest, resolution_id: int):
    resolutions.resolution_take_vote_result(
        resolution=_res(request, resolution_id), actor=request.auth
    )
    return _res_out(request, resolution_id)


@router.post("/resolutions/{resolution_id}/publish", response=ResolutionOut)
def resolution_publish(request: ApiRequest, resolution_id: int):
    resolutions.resolution_publish(resolution=_res(request, resolution_id), actor=request.auth)
    return _res_out(request, resolution_id)


@router.post("/resolutions/{resolution_id}/objections", response={201: ResolutionOut})
def objection_raise(request: ApiRequest, resolution_id: int, payload: ObjectionIn):
    resolutions.objection_raise(
        resolution=_res(request, resolution_id), actor=request.auth, text_=payload.text
    )
    return Status(201, _res_out(request, resolution_id))


@router.post("/objections/{objection_id}/answer", response=ResolutionOut)
def objection_answer(request: ApiRequest, objection_id: int, payload: ObjectionAnswerIn):
    objection = selectors.access_objection(user=request.auth, objection_id=objection_id)
    resolutions.objection_answer(
        objection=objection, actor=request.auth, answer=payload.answer, uphold=payload.uphold
    )
    return _res_out(request, objection.resolution_id)


@router.post("/resolutions/{resolution_id}/end-publicity", response=ResolutionOut)
def resolution_end_publicity(request: ApiRequest, resolution_id: int):
    resolutions.resolution_end_publicity(
        resolution=_res(request, resolution_id), actor=request.auth
    )
    return _res_out(request, resolution_id)


@router.post("/resolutions/{resolution_id}/milestones", response={201: ResolutionOut})
def milestone_add(request: ApiRequest, resolution_id: int, payload: ResolutionMilestoneIn):
    resolutions.milestone_add(
        resolution=_res(request, resolution_id),
        actor=request.auth,
        title=payload.title,
        due_on=payload.due_on,
    )
    return Status(201, _res_out(request, resolution_id))


@router.post("/milestones/{milestone_id}/progress", response={201: ResolutionOut})
def progress_report(request: ApiRequest, milestone_id: int, payload: ProgressReportIn):
    """Progress in words (photos go through the resolution page's form)."""
    milestone = selectors.access_milestone(user=request.auth, milestone_id=milestone_id)
    resolutions.progress_report(
        milestone=milestone, actor=request.auth, text_=payload.text, completes=payload.completes
    )
    return Status(201, _res_out(request, milestone.resolution_id))


@router.post("/resolutions/{resolution_id}/supervisors", response={201: ResolutionOut})
def supervisor_add(request: ApiRequest, resolution_id: int, payload: SupervisorAddIn):
    resolutions.supervisor_add(
        resolution=_res(request, resolution_id),
        actor=request.auth,
        user=user_by_id(user_id=payload.user),
    )
    return Status(201, _res_out(request, resolution_id))


@router.post("/resolutions/{resolution_id}/checks", response={201: ResolutionOut})
def supervision_check(request: ApiRequest, resolution_id: int, payload: SupervisionCheckIn):
    resolutions.supervision_check_record(
        resolution=_res(request, resolution_id),
        actor=request.auth,
        verdict=payload.verdict,
        findings=payload.findings,
    )
    return Status(201, _res_out(request, resolution_id))


@router.post("/resolutions/{resolution_id}/ratings", response={201: ResolutionOut})
def outcome_rate(request: ApiRequest, resolution_id: int, payload: OutcomeRatingIn):
    resolutions.outcome_rate(
        resolution=_res(request, resolution_id),
        actor=request.auth,
        level=payload.level,
        solved=payload.solved,
        comment=payload.comment,
    )
    return Status(201, _res_out(request, resolution_id))


@router.post("/resolutions/{resolution_id}/close", response=ResolutionOut)
def resolution_close(request: ApiRequest, resolution_id: int, payload: ResolutionResultIn):
    resolutions.resolution_close(
        resolution=_res(request, resolution_id), actor=request.auth, result=payload.result
    )
    return _res_out(request, resolution_id)


@router.get("/public/communities/{code}/resolutions", response=list[PublicResolutionOut], auth=None)
def public_resolutions(request, code: str):
    """公示: a community's resolutions on public notice, in effect or closed; no sign-in."""
    community = selectors.public_community(code=code)
    return [
        {
            "id": r.pk,
            "title": r.title,
            "text": r.text,
            "status": r.status,
            "status_label": r.get_status_display(),
            "published_at": r.published_at,
            "publicity_ends_at": r.publicity_ends_at,
        }
        for r in selectors.public_resolutions(community=community)[:100]
    ]
