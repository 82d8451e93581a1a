"""共识地图 API: thin handlers over consensus.services and consensus.selectors. Mounted at
/api/v1/ by jiaoliuba.api. The map carries aggregate shapes only (docs/consensus.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema, Status

from jiaoliuba.accounts.types import ApiRequest
from jiaoliuba.core.api_params import Offset
from jiaoliuba.deliberation import selectors as topic_selectors
from jiaoliuba.deliberation.consensus import selectors, services, transitions
from jiaoliuba.deliberation.models import ConsensusQuestion, Statement

router = Router(tags=["consensus"])


class QuestionOut(Schema):
    id: int
    topic: int
    prompt: str
    description: str
    status: str
    status_label: str
    statements: int = Field(description="Visible statements")
    voted: int = Field(description="Statements the caller has voted on")
    created_at: dt.datetime
    closed_at: dt.datetime | None
    actions: dict[str, bool] = Field(description="Which actions the caller is offered now")


class QuestionIn(Schema):
    topic: int
    prompt: str
    description: str = ""
    statements: list[str] = Field(default_factory=list, description="Seed statements")


class StatementOut(Schema):
    id: int
    body: str
    status: str
    seeded: bool
    votes: int
    hidden_reason: str = Field(description="Only staff who moderate see hidden statements")


class StatementIn(Schema):
    body: str = Field(description="At most 140 characters")


class OpinionIn(Schema):
    opinion: str = Field(description="agree, disagree or pass")


class HideReasonIn(Schema):
    reason: str


class FlagIn(Schema):
    reason: str = Field(description="What is wrong with the statement, at most 300 characters")


class FlaggedStatementOut(Schema):
    question: int
    question_prompt: str
    topic_title: str
    statement: StatementOut
    reports: int
    reasons: list[str] = Field(description="The reasons of the open reports, not who gave them")


class RankedOut(Schema):
    statement: int
    body: str
    detail: dict[str, Any]


class GroupOut(Schema):
    name: str = Field(description="A–E; A is the largest group")
    size: int
    mine: bool
    ellipse: dict[str, float] | None = Field(description="2σ shape on the unit square")
    cells: list[list[float]] = Field(description="[x, y, people] of cells with enough people")
    representative: list[RankedOut]


class MapOut(Schema):
    computed_at: dt.datetime | None = Field(description="The map is as of this time")
    stale: bool = Field(description="Votes came in since; the worker will recompute")
    voters: int
    placed: int
    min_group: int
    small_groups: int = Field(description="Groups below min_group: counted, never drawn")
    groups: list[GroupOut]
    consensus: list[RankedOut]
    divisive: list[RankedOut]
    me: list[float] | None = Field(description="The caller's own place; nobody else's")
    my_group: str


class Done(Schema):
    ok: bool = True


def _question_out(request: ApiRequest, question: ConsensusQuestion) -> dict[str, Any]:
    voted, total = selectors.progress(user=request.auth, question=question)
    return {
        "id": question.pk,
        "topic": question.topic_id,
        "prompt": question.prompt,
        "description": question.description,
        "status": question.status,
        "status_label": question.get_status_display(),
        "statements": total,
        "voted": voted,
        "created_at": question.created_at,
        "closed_at": question.closed_at,
        "actions": transitions.offered(request.auth, question),
    }


def _statement_out(statement: Statement) -> dict[str, Any]:
    return {
        "id": statement.pk,
        "body": statement.body,
        "status": statement.status,
        "seeded": statement.seeded,
        "votes": statement.vote_count,
        "hidden_reason": statement.hidden_reason,
    }


def _get(request: ApiRequest, question_id: int) -> ConsensusQuestion:
    return selectors.access_question(user=request.auth, question_id=question_id)


@router.get("/consensus/questions", response=list[QuestionOut])
def question_list(request: ApiRequest, topic: int | None = None, offset: Offset = 0):
    questions = selectors.question_list(user=request.auth)
    if topic is not None:
        questions = questions.filter(topic_id=topic)
    return [_question_out(request, q) for q in questions[offset : offset + 100]]


@router.post("/consensus/questions", response={201: QuestionOut})
def question_open(request: ApiRequest, payload: QuestionIn):
    """Open a question on a topic (staff of its area), with seed statements."""
    topic = topic_selectors.access_topic(user=request.auth, topic_id=payload.topic)
    question = services.question_open(
        topic=topic,
        actor=request.auth,
        prompt=payload.prompt,
        description=payload.description,
        statements=payload.statements,
    )
    return Status(201, _question_out(request, _get(request, question.pk)))


@router.get("/consensus/questions/{question_id}", response=QuestionOut)
def question_detail(request: ApiRequest, question_id: int):
    return _question_out(request, _get(request, question_id))


@router.post("/consensus/questions/{question_id}/close", response=QuestionOut)
def question_close(request: ApiRequest, question_id: int):
    services.question_close(question=_get(request, question_id), actor=request.auth)
    return _question_out(request, _get(request, question_id))


@router.post("/consensus/questions/{question_id}/reopen", response=QuestionOut)
def question_reopen(request: ApiRequest, question_id: int):
    services.question_reopen(question=_get(request, question_id), actor=request.auth)
    return _question_out(request, _get(request, question_id))


@router.get("/consensus/questions/{question_id}/statements", response=list[StatementOut])
def statement_list(request: ApiRequest, question_id: int, offset: Offset = 0):
    """Visible statements; staff who moderate the topic get the hidden ones too."""
    question = _get(request, question_id)
    if transitions.permits("hide", request.auth, question):
        rows = selectors.statements_to_moderate(user=request.auth, question=question)
    else:
        rows = selectors.visible_statements(question=question).order_by("pk")
    return [_statement_out(s) for s in rows[offset : offset + 200]]


@router.get("/consensus/questions/{question_id}/next", response={200: StatementOut, 204: None})
def statement_next(request: ApiRequest, question_id: int):
    """The next statement for the caller to vote on; 204 when they have seen them all."""
    statement = selectors.next_statement(user=request.auth, question=_get(request, question_id))
    if statement is None:
        return Status(204, None)
    return _statement_out(statement)


@router.post("/consensus/questions/{question_id}/statements", response={201: StatementOut})
def statement_add(request: ApiRequest, question_id: int, payload: StatementIn):
    statement = services.statement_add(
        question=_get(request, question_id), actor=request.auth, body=payload.body
    )
    statement.refresh_from_db()
    return Status(201, _statement_out(statement))


@router.post("/consensus/statements/{statement_id}/vote", response=Done)
def statement_vote(request: ApiRequest, statement_id: int, payload: OpinionIn):
    """Agree, disagree or pass; voting again changes the opinion."""
    services.statement_vote(
        statement=selectors.access_statement(user=request.auth, statement_id=statement_id),
        actor=request.auth,
        opinion=payload.opinion,
    )
    return {"ok": True}


@router.post("/consensus/statements/{statement_id}/hide", response=StatementOut)
def statement_hide(request: ApiRequest, statement_id: int, payload: HideReasonIn):
    statement = services.statement_hide(
        statement=selectors.access_statement(user=request.auth, statement_id=statement_id),
        actor=request.auth,
        reason=payload.reason,
    )
    return _statement_out(statement)


@router.post("/consensus/statements/{statement_id}/flag", response=Done)
def statement_flag(request: ApiRequest, statement_id: int, payload: FlagIn):
    """Report a statement to the moderators with a reason (once per person, rate-limited);
    it goes to the moderation queue with the reported comments."""
    services.statement_flag(
        statement=selectors.access_statement(user=request.auth, statement_id=statement_id),
        actor=request.auth,
        reason=payload.reason,
    )
    return {"ok": True}


@router.post("/consensus/statements/{statement_id}/dismiss-flags", response=StatementOut)
def statement_dismiss_flags(request: ApiRequest, statement_id: int):
    """Staff: the statement is fine; its reports are settled and it leaves the queue."""
    statement = services.statement_dismiss_flags(
        statement=selectors.access_statement(user=request.auth, statement_id=statement_id),
        actor=request.auth,
    )
    return _statement_out(statement)


@router.get("/consensus/flags", response=list[FlaggedStatementOut])
def statement_flag_queue(request: ApiRequest):
    """Staff: reported statements of the topics they moderate, most reported first (the
    consensus half of the moderation queue; comments are at /moderation/flags)."""
    statements = list(selectors.statement_flag_queue(user=request.auth)[:200])
    reasons = selectors.open_flag_reasons(statements)
    return [
        {
            "question": st.question_id,
            "question_prompt": st.question.prompt,
            "topic_title": st.question.topic.title,
            "statement": _statement_out(st),
            "reports": st.open_flags,
            "reasons": reasons.get(st.pk, []),
        }
        for st in statements
    ]


@router.get("/consensus/questions/{question_id}/map", response=MapOut)
def question_map(request: ApiRequest, question_id: int):
    """The map as of its last computation (computed_at), with the privacy rule applied."""
    view = selectors.map_view(user=request.auth, question=_get(request, question_id))
    return {
        "computed_at": view.computed_at,
        "stale": view.stale,
        "voters": view.voters,
        "placed": view.placed,
        "min_group": view.min_group,
        "small_groups": view.small_groups,
        "groups": [
            {
                "name": g.name,
                "size": g.size,
                "mine": g.mine,
                "ellipse": g.ellipse,
                "cells": g.cells,
                "representative": [vars(r) for r in g.representative],
            }
            for g in view.groups
        ],
        "consensus": [vars(r) for r in view.consensus],
        "divisive": [vars(r) for r in view.divisive],
        "me": list(view.me) if view.me else None,
        "my_group": view.my_group,
    }
