"""Writes of the consensus map: open / close / reopen a question, add and hide
statements, vote, and the worker's computation. Each state change is one transaction
checked against consensus.transitions, with an append-only ConsensusEvent; anything that
changes the vote matrix bumps the question's votes_version, which is how the worker
knows a map is stale."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiaoliuba.deliberation import policies
from jiaoliuba.deliberation.choices import OPEN_STAGES, ActKind
from jiaoliuba.deliberation.consensus import compute, transitions
from jiaoliuba.deliberation.consensus.choices import (
    OPINION_CODES,
    ConsensusEventKind,
    QuestionStatus,
    StatementStatus,
)
from jiaoliuba.deliberation.models import (
    ConsensusEvent,
    ConsensusPlacement,
    ConsensusQuestion,
    ConsensusResult,
    Statement,
    StatementFlag,
    StatementVote,
    Topic,
)
from jiaoliuba.deliberation.services._common import (
    _act,
    _normalised,
    _notify,
    _require_text,
    check_words,
    limit,
)

STATEMENT_MAX = 140
PROMPT_MAX = 200


def map_settings() -> compute.Settings:
    return compute.Settings(
        min_votes=settings.CONSENSUS_MIN_VOTES,
        min_group=settings.CONSENSUS_MIN_GROUP,
        min_cell=settings.CONSENSUS_MIN_CELL,
    )


def _event(
    question: ConsensusQuestion,
    kind: str,
    *,
    actor: Any = None,
    message: str = "",
    data: dict | None = None,
) -> ConsensusEvent:
    return ConsensusEvent.objects.create(
        question=question,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        message=message,
        data=data or {},
        created_at=clock.now(),
    )


def _bump(question: ConsensusQuestion, *, open_only: bool) -> None:
    """Mark the matrix changed. With `open_only` it is also the compare-and-set that
    refuses a vote on a question closed meanwhile (and takes the row lock)."""
    rows = ConsensusQuestion.objects.filter(pk=question.pk)
    if open_only:
        rows = rows.filter(status=QuestionStatus.OPEN)
    if rows.update(votes_version=F("votes_version") + 1) != 1:
        question.refresh_from_db(fields=["status"])
        transitions.require(question, "vote")  # raises with the status named
        raise Conflict(_("The question changed a moment ago. Please reload."))


def _statement_text(body: str) -> str:
    return _require_text(
        body, _("Please write your statement."), code="statement_required", max_length=STATEMENT_MAX
    )


def _create_statement(
    question: ConsensusQuestion, *, actor: Any, body: str, seeded: bool
) -> Statement:
    wanted = _normalised(body)
    for other in Statement.objects.filter(question=question).values_list("body", flat=True):
        if _normalised(other) == wanted:
            raise Conflict(
                _("The same statement is already there: please vote on it instead."),
                code="duplicate_statement",
            )
    statement = Statement.objects.create(
        question=question, author=actor, body=body, seeded=seeded, created_at=clock.now()
    )
    _event(
        question,
        ConsensusEventKind.STATEMENT_ADDED,
        actor=actor,
        message=body,
        data={"statement": statement.pk, "seeded": seeded},
    )
    return statement


def question_open(
    *,
    topic: Topic,
    actor: Any,
    prompt: str,
    description: str = "",
    statements: Iterable[str] = (),
) -> ConsensusQuestion:
    """Open a question on a topic that is still open, with staff's seed statements."""
    prompt = _require_text(
        prompt, _("Please write the question."), code="prompt_required", max_length=PROMPT_MAX
    )
    description = (description or "").strip()
    seeds = [s.strip() for s in statements if s and s.strip()]
    for seed in seeds:
        _statement_text(seed)
    if not policies.may_manage(actor, topic):
        raise PermissionDenied(_("Only staff of this topic's area can open a question."))
    if topic.stage not in OPEN_STAGES:
        raise Conflict(
            _("This topic is closed: a question can only be opened on an open topic."),
            code="topic_closed",
        )
    check_words(prompt, description, *seeds)
    with transaction.atomic():
        now = clock.now()
        question = ConsensusQuestion.objects.create(
            topic=topic,
            prompt=prompt,
            description=description,
            scope_path=topic.scope_path,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        _event(question, ConsensusEventKind.OPENED, actor=actor, message=prompt)
        for seed in seeds:
            _create_statement(question, actor=actor, body=seed, seeded=True)
    return question


def _move(question: ConsensusQuestion, action: str, actor: Any, kind: str) -> ConsensusQuestion:
    transitions.require(question, action)
    if not transitions.permits(action, actor, question):
        raise PermissionDenied(_("Only staff of this topic's area can do this."))
    target = transitions.TRANSITIONS[action].target
    with transaction.atomic():
        now = clock.now()
        updated = ConsensusQuestion.objects.filter(pk=question.pk, status=question.status).update(
            status=target,
            updated_at=now,
            closed_at=now if target == QuestionStatus.CLOSED else None,
        )
        if updated != 1:
            raise Conflict(
                _("Someone else changed this question a moment ago. Please reload."),
                code="stale_question",
            )
        old = question.status
        question.refresh_from_db()
        _event(question, kind, actor=actor, data={"from": old, "to": question.status})
    return question


def question_close(*, question: ConsensusQuestion, actor: Any) -> ConsensusQuestion:
    """No more statements or votes; the map stays, computed once more if votes came in."""
    return _move(question, "close", actor, ConsensusEventKind.CLOSED)


def question_reopen(*, question: ConsensusQuestion, actor: Any) -> ConsensusQuestion:
    return _move(question, "reopen", actor, ConsensusEventKind.REOPENED)


def statement_add(*, question: ConsensusQuestion, actor: Any, body: str) -> Statement:
    """A resident's (or staff's) statement; a resident's counts as their agreement with
    it, as in Pol.is, so the map places them at once."""
    body = _statement_text(body)
    transitions.require(question, "add_statement")
    if not transitions.permits("add_statement", actor, question):
        raise PermissionDenied(
            _("Only residents of the topic's area can add statements."), code="not_member"
        )
    check_words(body)
    limit("statement", actor, per=settings.DELIBERATION_COMMENTS_PER_HOUR, window_seconds=3600)
    member = policies.is_member(actor, question.topic)
    with transaction.atomic():
        _bump(question, open_only=True)
        statement = _create_statement(question, actor=actor, body=body, seeded=not member)
        if member:
            _store_vote(question, statement, actor, OPINION_CODES["agree"])
            _act(actor, ActKind.CONSENSUS, question.topic)
    return statement


def _store_vote(
    question: ConsensusQuestion, statement: Statement, actor: Any, value: int
) -> StatementVote:
    now = clock.now()
    existing = (
        StatementVote.objects.select_for_update().filter(statement=statement, voter=actor).first()
    )
    if existing is None:
        try:
            with transaction.atomic():
                vote = StatementVote.objects.create(
                    question=question,
                    statement=statement,
                    voter=actor,
                    value=value,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:
            # The same person's other tab voted first; this vote changes it.
            existing = StatementVote.objects.select_for_update().get(
                statement=statement, voter=actor
            )
        else:
            Statement.objects.filter(pk=statement.pk).update(vote_count=F("vote_count") + 1)
            return vote
    if existing.value != value:
        StatementVote.objects.filter(pk=existing.pk).update(value=value, updated_at=now)
        existing.value = value
    return existing


def statement_vote(*, statement: Statement, actor: Any, opinion: str) -> StatementVote:
    """Agree, disagree or pass on a statement; voting again changes the opinion."""
    if opinion not in OPINION_CODES:
        raise ValidationFailed(
            _("Choose agree, disagree or pass."), code="bad_opinion", extra={"opinion": opinion}
        )
    question = statement.question
    transitions.require(question, "vote")
    if not transitions.permits("vote", actor, question):
        raise PermissionDenied(
            _("Only residents of the topic's area can vote on statements."), code="not_member"
        )
    with transaction.atomic():
        _bump(question, open_only=True)
        status = Statement.objects.filter(pk=statement.pk).values_list("status", flat=True).get()
        if status != StatementStatus.VISIBLE:
            raise Conflict(_("This statement has been hidden."), code="statement_hidden")
        vote = _store_vote(question, statement, actor, OPINION_CODES[opinion])
        _act(actor, ActKind.CONSENSUS, question.topic)
    return vote


def statement_hide(*, statement: Statement, actor: Any, reason: str) -> Statement:
    """Hide a statement with a reason (the deliberation moderation rule): it leaves the
    voting and the map, readers of the moderation list see why, the author is told."""
    reason = _require_text(
        reason, _("Please give a reason for hiding it."), code="reason_required", max_length=300
    )
    question = statement.question
    transitions.require(question, "hide")
    if not transitions.permits("hide", actor, question):
        raise PermissionDenied(_("Only staff of this topic's area can hide statements."))
    with transaction.atomic():
        now = clock.now()
        updated = Statement.objects.filter(pk=statement.pk, status=StatementStatus.VISIBLE).update(
            status=StatementStatus.HIDDEN, hidden_reason=reason, hidden_by=actor, hidden_at=now
        )
        if updated != 1:
            raise Conflict(_("This statement is already hidden."), code="statement_hidden")
        # Its reports are settled by hiding it: it leaves the moderation queue.
        StatementFlag.objects.filter(statement=statement, resolved_at__isnull=True).update(
            resolved_at=now
        )
        Statement.objects.filter(pk=statement.pk).update(open_flags=0)
        _bump(question, open_only=False)
        statement.refresh_from_db()
        _event(
            question,
            ConsensusEventKind.STATEMENT_HIDDEN,
            actor=actor,
            message=reason,
            data={"statement": statement.pk},
        )
        if statement.author is not None and statement.author_id != actor.pk:
            _notify(
                [statement.author],
                "statement_hidden",
                _("Your statement on “%(title)s” was hidden"),
                reason,
                question.topic,
            )
    return statement


def statement_flag(*, statement: Statement, actor: Any, reason: str) -> Statement:
    """Report a statement to the moderators, with a reason; once per person and statement,
    rate-limited with the comment reports (same hourly allowance). The statement stays in
    the voting and the map until a moderator hides it."""
    question = statement.question
    if not transitions.permits("flag", actor, question):
        raise PermissionDenied(_("You may not report this statement."), code="flag_not_allowed")
    if statement.author_id is not None and statement.author_id == getattr(actor, "pk", None):
        raise Conflict(_("You cannot report your own statement."), code="own_statement")
    reason = _require_text(
        reason, _("Please say what is wrong with it."), code="reason_required", max_length=300
    )
    limit("flag", actor, per=settings.DELIBERATION_FLAGS_PER_HOUR, window_seconds=3600)
    with transaction.atomic():
        fresh = Statement.objects.select_for_update(of=("self",)).get(pk=statement.pk)
        if fresh.status != StatementStatus.VISIBLE:
            raise Conflict(_("This statement has been hidden."), code="statement_hidden")
        try:
            with transaction.atomic():
                StatementFlag.objects.create(
                    statement=fresh, user=actor, reason=reason, created_at=clock.now()
                )
        except IntegrityError:
            raise Conflict(
                _("You have already reported this statement."), code="already_flagged"
            ) from None
        Statement.objects.filter(pk=fresh.pk).update(open_flags=F("open_flags") + 1)
        fresh.open_flags += 1
    return fresh


def statement_dismiss_flags(*, statement: Statement, actor: Any) -> Statement:
    """The statement is fine: its reports are settled and it leaves the queue."""
    question = statement.question
    if not transitions.permits("dismiss_flags", actor, question):
        raise PermissionDenied(_("Only staff of this topic's area can moderate it."))
    with transaction.atomic():
        fresh = Statement.objects.select_for_update(of=("self",)).get(pk=statement.pk)
        if fresh.open_flags == 0:
            raise Conflict(_("Nobody has reported this statement."), code="no_flags")
        StatementFlag.objects.filter(statement=fresh, resolved_at__isnull=True).update(
            resolved_at=clock.now()
        )
        Statement.objects.filter(pk=fresh.pk).update(open_flags=0)
        fresh.open_flags = 0
        _event(
            question,
            ConsensusEventKind.FLAGS_DISMISSED,
            actor=actor,
            data={"statement": fresh.pk},
        )
    return fresh


# --- the worker ------------------------------------------------------------------------------


def _vote_arrays(question: ConsensusQuestion) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    hidden = list(
        Statement.objects.filter(question=question, status=StatementStatus.HIDDEN).values_list(
            "pk", flat=True
        )
    )
    rows = (
        StatementVote.objects.filter(question=question)
        .exclude(statement_id__in=hidden)
        .values_list("voter_id", "statement_id", "value")
        .order_by()
    )
    flat = np.fromiter(
        (v for row in rows.iterator(chunk_size=20000) for v in row), dtype=np.int64
    ).reshape(-1, 3)
    return flat[:, 0], flat[:, 1], flat[:, 2].astype(np.float32)


def map_compute(*, question: ConsensusQuestion) -> ConsensusResult:
    """Compute the map from the votes as they are now and store it, unless a result of a
    newer version was stored meanwhile (two workers: the newer stays)."""
    version = ConsensusQuestion.objects.values_list("votes_version", flat=True).get(pk=question.pk)
    # The version is read before the votes: a vote that lands in between makes the result
    # look older than it is, so it is recomputed once more; never the other way round.
    started = time.perf_counter()
    voters, statements, values = _vote_arrays(question)
    pids, sids, matrix = compute.matrix_from_votes(voters, statements, values)
    outcome = compute.compute(pids, sids, matrix, map_settings())
    seconds = round(time.perf_counter() - started, 3)
    now = clock.now()
    with transaction.atomic():
        result = ConsensusResult.objects.select_for_update().filter(question=question).first()
        if result is not None and result.version > version:
            return result
        if result is None:
            result = ConsensusResult(question=question)
        result.version, result.computed_at, result.seconds = version, now, seconds
        result.data = outcome.data
        result.save()
        ConsensusPlacement.objects.filter(question=question).delete()
        ConsensusPlacement.objects.bulk_create(
            (
                ConsensusPlacement(
                    question=question,
                    user_id=int(pid),
                    x=float(x),
                    y=float(y),
                    group=int(g),
                )
                for pid, (x, y), g in zip(
                    outcome.participants, outcome.coords, outcome.labels, strict=True
                )
            ),
            batch_size=2000,
        )
        _event(
            question,
            ConsensusEventKind.COMPUTED,
            data={
                "version": version,
                "k": outcome.data["k"],
                "placed": outcome.data["placed"],
                "seconds": seconds,
            },
        )
    return result


def maps_refresh() -> int:
    """Recompute every map whose votes changed since its last result; returns how many."""
    stale = ConsensusQuestion.objects.filter(
        Q(result__isnull=True, votes_version__gt=0) | Q(result__version__lt=F("votes_version"))
    ).order_by("pk")
    done = 0
    for question in stale:
        map_compute(question=question)
        done += 1
    return done
