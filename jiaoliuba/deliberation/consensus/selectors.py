"""Reads of the consensus map, always for an acting user and limited to the topics they
may see (deliberation.selectors.topics_visible_to); access_* answer 404 outside it. The
map view applies the privacy rule (docs/consensus.md): aggregate shapes of groups of at
least CONSENSUS_MIN_GROUP people, and the viewer's own marker — nobody else's point."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jiaoliuba.core.errors import NotFound
from jiaoliuba.core.typed import whole_number
from jiaoliuba.deliberation import policies
from jiaoliuba.deliberation.consensus.choices import StatementStatus
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
from jiaoliuba.deliberation.selectors import topics_managed_by, topics_visible_to

GROUP_NAMES = "ABCDE"


def questions_visible_to(user: Any) -> QuerySet[ConsensusQuestion]:
    return ConsensusQuestion.objects.filter(
        topic__in=topics_visible_to(user).values("pk")
    ).select_related("topic", "topic__scope")


def questions_of_topic(*, user: Any, topic: Topic) -> list[ConsensusQuestion]:
    return list(questions_visible_to(user).filter(topic=topic).order_by("-created_at", "-pk"))


def question_list(*, user: Any) -> QuerySet[ConsensusQuestion]:
    return questions_visible_to(user).order_by("-created_at", "-pk")


def access_question(*, user: Any, question_id: Any) -> ConsensusQuestion:
    number = whole_number(question_id)
    question = questions_visible_to(user).filter(pk=number).first() if number is not None else None
    if question is None:
        raise NotFound(_("No such question."), code="question_not_found")
    return question


def access_statement(*, user: Any, statement_id: Any) -> Statement:
    """A statement of a question the user sees; a hidden one only for its managers."""
    number = whole_number(statement_id)
    statement = (
        Statement.objects.filter(
            pk=number, question__topic__in=topics_visible_to(user).values("pk")
        )
        .select_related("question", "question__topic", "question__topic__scope", "author")
        .first()
        if number is not None
        else None
    )
    if statement is None or (
        statement.status != StatementStatus.VISIBLE
        and not policies.may_manage(user, statement.question.topic)
    ):
        raise NotFound(_("No such statement."), code="statement_not_found")
    return statement


def statement_flag_queue(*, user: Any) -> QuerySet[Statement]:
    """Reported statements (still shown) of the topics the user moderates, most reported
    first: the consensus half of the moderation queue."""
    return (
        Statement.objects.filter(
            open_flags__gt=0,
            status=StatementStatus.VISIBLE,
            question__topic__in=topics_managed_by(user).values("pk"),
        )
        .select_related("question", "question__topic", "author")
        .order_by("-open_flags", "created_at", "pk")
    )


def open_flag_reasons(statements: list[Statement]) -> dict[int, list[str]]:
    """The reasons of the open reports on these statements (not who gave them)."""
    reasons: dict[int, list[str]] = {}
    rows = StatementFlag.objects.filter(
        statement__in=statements, resolved_at__isnull=True
    ).order_by("created_at", "pk")
    for statement_id, reason in rows.values_list("statement_id", "reason"):
        reasons.setdefault(statement_id, []).append(reason)
    return reasons


def visible_statements(*, question: ConsensusQuestion) -> QuerySet[Statement]:
    return Statement.objects.filter(question=question, status=StatementStatus.VISIBLE)


def statements_to_moderate(*, user: Any, question: ConsensusQuestion) -> QuerySet[Statement]:
    if not policies.may_manage(user, question.topic):
        raise NotFound(_("No such question."), code="question_not_found")
    return Statement.objects.filter(question=question).select_related("author").order_by("-pk")


def next_statement(*, user: Any, question: ConsensusQuestion) -> Statement | None:
    """The statement to show next: one the user has not voted on, fewest votes first (as
    Pol.is does, so new statements get seen)."""
    voted = StatementVote.objects.filter(question=question, voter_id=user.pk).values("statement_id")
    return (
        visible_statements(question=question)
        .exclude(pk__in=voted)
        .order_by("vote_count", "pk")
        .first()
    )


def progress(*, user: Any, question: ConsensusQuestion) -> tuple[int, int]:
    """(statements the user voted on, visible statements)."""
    visible = visible_statements(question=question)
    voted = StatementVote.objects.filter(
        question=question, voter_id=user.pk, statement__in=visible.values("pk")
    ).count()
    return voted, visible.count()


def question_events(*, question: ConsensusQuestion) -> QuerySet[ConsensusEvent]:
    return ConsensusEvent.objects.filter(question=question).select_related("actor")


@dataclass
class Ranked:
    statement: int
    body: str
    detail: dict[str, Any]


@dataclass
class GroupView:
    id: int
    name: str
    size: int
    ellipse: dict[str, float] | None
    cells: list[list[float]]
    representative: list[Ranked]
    mine: bool = False


@dataclass
class MapView:
    question: ConsensusQuestion
    computed_at: Any = None
    stale: bool = False
    voters: int = 0
    placed: int = 0
    min_group: int = 5
    groups: list[GroupView] = field(default_factory=list)
    small_groups: int = 0  # groups below the minimum size: counted, never drawn
    consensus: list[Ranked] = field(default_factory=list)
    divisive: list[Ranked] = field(default_factory=list)
    me: tuple[float, float] | None = None
    my_group: str = ""

    @property
    def ready(self) -> bool:
        return self.computed_at is not None and bool(self.groups)


def _ranked(rows: list[dict[str, Any]], bodies: dict[int, str]) -> list[Ranked]:
    # A statement hidden after the computation is left out at once.
    return [
        Ranked(row["statement"], bodies[row["statement"]], row)
        for row in rows
        if row["statement"] in bodies
    ]


def map_view(*, user: Any, question: ConsensusQuestion) -> MapView:
    """The map as of its last computation, with the privacy rule applied."""
    view = MapView(question=question, min_group=settings.CONSENSUS_MIN_GROUP)
    result = ConsensusResult.objects.filter(question=question).first()
    if result is None:
        view.stale = question.votes_version > 0
        return view
    data = result.data
    view.computed_at = result.computed_at
    view.stale = result.version < question.votes_version
    view.voters, view.placed = data.get("voters", 0), data.get("placed", 0)
    bodies = dict(visible_statements(question=question).values_list("pk", "body"))
    placement = (
        ConsensusPlacement.objects.filter(question=question, user_id=getattr(user, "pk", 0) or 0)
        .values_list("x", "y", "group")
        .first()
    )
    for group in data.get("groups", []):
        if not group["shown"]:
            view.small_groups += 1
            continue
        mine = placement is not None and placement[2] == group["id"]
        view.groups.append(
            GroupView(
                id=group["id"],
                name=GROUP_NAMES[group["id"]],
                size=group["size"],
                ellipse=group["ellipse"],
                cells=group["cells"],
                representative=_ranked(group["representative"], bodies),
                mine=mine,
            )
        )
        if mine:
            view.my_group = GROUP_NAMES[group["id"]]
    if placement is not None:
        view.me = (placement[0], placement[1])
    view.consensus = _ranked(data.get("consensus", []), bodies)
    shown = {g.id: g.name for g in view.groups}
    for row in view.consensus:
        # Each drawn group's share of agreement, by name; small groups are not described.
        row.detail = row.detail | {
            "shares": [
                (shown[g], round(100 * p))
                for g, p in enumerate(row.detail["p_groups"])
                if g in shown
            ]
        }
    view.divisive = _ranked(data.get("divisive", []), bodies)
    return view
