"""表决 API: thin handlers over deliberation.voting (parse → service/selector → serialise).
Mounted at /api/v1/ by jiaoliuba.api."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema, Status

from jiaoliuba.accounts.types import ApiRequest
from jiaoliuba.core.api_params import Offset
from jiaoliuba.core.idempotency import idempotent
from jiaoliuba.deliberation.models import UnitRegister, Vote
from jiaoliuba.deliberation.voting import selectors, services
from jiaoliuba.deliberation.voting.services import VoteSpec
from jiaoliuba.regions.api.schemas import RegionRef
from jiaoliuba.regions.selectors import region_get

router = Router(tags=["votes"])


class VoteOptionOut(Schema):
    position: int
    label: str
    code: str


class VoteOut(Schema):
    id: int
    title: str
    description: str
    status: str
    status_label: str
    kind: str
    max_choices: int
    secret: bool
    eligibility: str
    owner_matter: str
    unit_register: int | None
    topic: int | None
    scope: RegionRef
    hide_results_until_close: bool
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    options: list[VoteOptionOut]
    turnout: int = Field(description="Voters in the register (online and paper)")
    result: dict[str, Any] | None = Field(
        description="The tally from the ballot box; null while hidden until close"
    )
    can_vote: bool
    has_voted: bool
    reason: str = Field(description="Why the caller cannot vote, when they cannot")
    persons: list[list[str]] = Field(
        description="Owner votes: [person_key, units] the caller may still vote for"
    )
    actions: dict[str, bool] = Field(description="Which actions the caller is offered now")


class VoteIn(Schema):
    title: str
    description: str = ""
    scope: str = Field(description="Region code of the area that votes")
    kind: str = Field(description="single, multiple or approval")
    eligibility: str = Field(description="person, household or owners")
    options: list[str] = Field(default_factory=list, description="Not for approval votes")
    max_choices: int = 1
    secret: bool = False
    owner_matter: str = Field("", description="Owner votes: item 1–9 of 民法典 art. 278")
    unit_register: int | None = None
    hide_results_until_close: bool = True
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None


class VoteReasonIn(Schema):
    reason: str


class VoteBallotIn(Schema):
    choices: list[int] = Field(description="Option positions")
    person_key: str = Field("", description="Owner votes: which owner, when several")


class PaperIn(Schema):
    sheet_number: str
    choices: list[int] = Field(description="Option positions; empty for a blank sheet")
    phone: str = Field("", description="Roll-call residents' vote: the voter's mobile")
    unit: str = Field("", description="Owner vote: 楼栋-单元-房号 on the sheet")


class PaperVoterIn(Schema):
    phone: str = ""
    unit: str = ""


class PaperCorrectIn(Schema):
    sheet_number: str
    choices: list[int]
    reason: str


class VoteDone(Schema):
    ok: bool = True


class VoteEventOut(Schema):
    kind: str
    actor: str | None
    from_status: str
    to_status: str
    data: dict[str, Any]
    created_at: dt.datetime


class UnitRegisterIn(Schema):
    name: str
    scope: str = Field(description="Region code")


class UnitRegisterOut(Schema):
    id: int
    name: str
    scope: RegionRef
    units: int
    imported_at: dt.datetime | None


class UnitImportIn(Schema):
    csv: str = Field(
        description="楼栋,单元,房号,专有面积,业主,手机号,开发商持有 with a header row; "
        "co-owners separated by ；"
    )


class UnitImportOut(Schema):
    imported: int


class PropertyUnitOut(Schema):
    building: str
    entrance: str
    room: str
    area: str
    developer_held: bool
    owner_names: str


def _vote_out(request: ApiRequest, vote: Vote) -> dict[str, Any]:
    view = selectors.vote_view(user=request.auth, vote=vote)
    return {
        **{
            name: getattr(vote, name)
            for name in (
                "id",
                "title",
                "description",
                "status",
                "kind",
                "max_choices",
                "secret",
                "eligibility",
                "owner_matter",
                "hide_results_until_close",
                "opens_at",
                "closes_at",
                "opened_at",
                "closed_at",
            )
        },
        "status_label": vote.get_status_display(),
        "unit_register": vote.unit_register_id,
        "topic": vote.topic_id,
        "scope": vote.scope,
        "options": view.options,
        "turnout": view.turnout,
        "result": view.result,
        "can_vote": view.can_vote,
        "has_voted": view.has_voted,
        "reason": view.reason,
        "persons": [list(p) for p in view.persons],
        "actions": view.actions,
    }


def _get(request: ApiRequest, vote_id: int) -> Vote:
    return selectors.access_vote(user=request.auth, vote_id=vote_id)


def _managed(request: ApiRequest, vote_id: int) -> Vote:
    return selectors.access_vote_to_manage(user=request.auth, vote_id=vote_id)


@router.get("/votes", response=list[VoteOut])
def vote_list(request: ApiRequest, status: str = "", offset: Offset = 0, limit: int = 50):
    """Votes the caller may see: staff in their area, residents where they live or own."""
    votes = selectors.vote_list(user=request.auth, status=status)[offset : offset + min(limit, 200)]
    return [_vote_out(request, v) for v in votes]


@router.post("/votes", response={201: VoteOut})
@idempotent(VoteOut)
def vote_create(request: ApiRequest, payload: VoteIn):
    """Create a draft vote (staff). Approval votes get 同意/反对/弃权 as their options."""
    register = None
    if payload.unit_register is not None:
        register = selectors.access_unit_register(
            user=request.auth, register_id=payload.unit_register
        )
    spec = VoteSpec(
        title=payload.title,
        description=payload.description,
        scope=region_get(code=payload.scope),
        kind=payload.kind,
        eligibility=payload.eligibility,
        options=payload.options,
        max_choices=payload.max_choices,
        secret=payload.secret,
        owner_matter=payload.owner_matter,
        unit_register=register,
        hide_results_until_close=payload.hide_results_until_close,
        opens_at=payload.opens_at,
        closes_at=payload.closes_at,
    )
    vote = services.vote_create(actor=request.auth, spec=spec)
    return Status(201, _vote_out(request, _get(request, vote.pk)))


@router.get("/votes/{vote_id}", response=VoteOut)
def vote_detail(request: ApiRequest, vote_id: int):
    return _vote_out(request, _get(request, vote_id))


@router.post("/votes/{vote_id}/open", response=VoteOut)
@idempotent(VoteOut)
def vote_open(request: ApiRequest, vote_id: int):
    services.vote_open(vote=_managed(request, vote_id), actor=request.auth)
    return _vote_out(request, _get(request, vote_id))


@router.post("/votes/{vote_id}/close", response=VoteOut)
@idempotent(VoteOut)
def vote_close(request: ApiRequest, vote_id: int):
    """Close and count; the result is stored and shown from now on."""
    services.vote_close(vote=_managed(request, vote_id), actor=request.auth)
    return _vote_out(request, _get(request, vote_id))


@router.post("/votes/{vote_id}/cancel", response=VoteOut)
@idempotent(VoteOut)
def vote_cancel(request: ApiRequest, vote_id: int, payload: VoteReasonIn):
    services.vote_cancel(vote=_managed(request, vote_id), actor=request.auth, reason=payload.reason)
    return _vote_out(request, _get(request, vote_id))


@router.post("/votes/{vote_id}/ballots", response={201: VoteDone})
@idempotent(VoteDone)
def ballot_cast(request: ApiRequest, vote_id: int, payload: VoteBallotIn):
    """Vote online, once. A second attempt (a retry, another channel, a household member)
    answers 409 with code already_voted or voted_on_paper; the first vote stands."""
    services.ballot_cast(
        vote=selectors.access_vote_to_cast(user=request.auth, vote_id=vote_id),
        actor=request.auth,
        choices=payload.choices,
        person_key=payload.person_key,
    )
    return Status(201, {"ok": True})


@router.post("/votes/{vote_id}/paper", response={201: VoteDone})
@idempotent(VoteDone)
def paper_ballot_enter(request: ApiRequest, vote_id: int, payload: PaperIn):
    """Staff enter a paper ballot of an offline meeting with the sheet's number."""
    services.paper_ballot_enter(
        vote=_managed(request, vote_id),
        actor=request.auth,
        sheet_number=payload.sheet_number,
        choices=payload.choices,
        phone=payload.phone,
        unit=payload.unit,
    )
    return Status(201, {"ok": True})


@router.post("/votes/{vote_id}/paper-voters", response={201: VoteDone})
@idempotent(VoteDone)
def paper_voter_record(request: ApiRequest, vote_id: int, payload: PaperVoterIn):
    """Secret votes: record who voted on paper (their sheets are entered without names)."""
    services.paper_voter_record(
        vote=_managed(request, vote_id), actor=request.auth, phone=payload.phone, unit=payload.unit
    )
    return Status(201, {"ok": True})


@router.post("/votes/{vote_id}/paper/correct", response=VoteDone)
@idempotent(VoteDone)
def paper_ballot_correct(request: ApiRequest, vote_id: int, payload: PaperCorrectIn):
    services.paper_ballot_correct(
        vote=_managed(request, vote_id),
        actor=request.auth,
        sheet_number=payload.sheet_number,
        choices=payload.choices,
        reason=payload.reason,
    )
    return {"ok": True}


@router.get("/votes/{vote_id}/events", response=list[VoteEventOut])
def vote_events(request: ApiRequest, vote_id: int):
    vote = _managed(request, vote_id)
    return [
        {
            "kind": e.kind,
            "actor": str(e.actor) if e.actor else None,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "data": e.data,
            "created_at": e.created_at,
        }
        for e in selectors.vote_events(vote=vote)
    ]


def _register_out(register: UnitRegister) -> dict[str, Any]:
    return {
        "id": register.pk,
        "name": register.name,
        "scope": register.scope,
        "units": register.units.count(),
        "imported_at": register.imported_at,
    }


@router.get("/unit-registers", response=list[UnitRegisterOut])
def unit_register_list(request: ApiRequest):
    return [_register_out(r) for r in selectors.unit_registers_visible_to(request.auth)]


@router.post("/unit-registers", response={201: UnitRegisterOut})
@idempotent(UnitRegisterOut)
def unit_register_create(request: ApiRequest, payload: UnitRegisterIn):
    register = services.unit_register_create(
        actor=request.auth, name=payload.name, scope=region_get(code=payload.scope)
    )
    return Status(201, _register_out(register))


@router.post("/unit-registers/{register_id}/import", response=UnitImportOut)
@idempotent(UnitImportOut)
def unit_register_import(request: ApiRequest, register_id: int, payload: UnitImportIn):
    """Replace the units with the CSV's; all or nothing. A 400 lists every bad line in
    detail.errors as {line, message}."""
    register = selectors.access_unit_register(user=request.auth, register_id=register_id)
    count = services.unit_register_import(register=register, actor=request.auth, text=payload.csv)
    return {"imported": count}


@router.get("/unit-registers/{register_id}/units", response=list[PropertyUnitOut])
def unit_register_units(request: ApiRequest, register_id: int):
    register = selectors.access_unit_register(user=request.auth, register_id=register_id)
    return [
        {
            "building": u.building,
            "entrance": u.entrance,
            "room": u.room,
            "area": str(u.area),
            "developer_held": u.developer_held,
            "owner_names": u.owner_names,
        }
        for u in selectors.register_units(register=register)
    ]
