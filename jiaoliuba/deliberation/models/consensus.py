"""共识地图 (consensus map): a question of a topic, the residents' statements, their
agree / disagree / pass votes, the append-only history, and the worker's latest result."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.deliberation.consensus.choices import (
    ConsensusEventKind,
    Opinion,
    QuestionStatus,
    StatementStatus,
)
from jiaoliuba.regions.choices import PATH_MAX


class ConsensusQuestion(models.Model):
    """An open question (e.g. 社区食堂如何运营). Its status moves only through
    consensus.services, checked against consensus.transitions."""

    topic = models.ForeignKey(
        "deliberation.Topic",
        on_delete=models.CASCADE,
        related_name="consensus_questions",
        verbose_name=_("topic"),
    )
    prompt = models.CharField(_("question"), max_length=200)
    description = models.TextField(_("description"), blank=True, default="")
    status = models.CharField(
        _("status"), max_length=16, choices=QuestionStatus.choices, default=QuestionStatus.OPEN
    )
    # The topic's scope, copied: lists filter on it without a join.
    scope_path = models.CharField(max_length=PATH_MAX, editable=False, db_index=True)
    # Bumped by every vote and moderation that changes the matrix; a result computed from
    # an older version is stale and the worker recomputes it.
    votes_version = models.PositiveBigIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consensus question")
        verbose_name_plural = _("consensus questions")

    def __str__(self) -> str:
        return self.prompt


class Statement(models.Model):
    """A short statement others vote on. Hidden ones stay, with the moderator's reason,
    and leave the vote matrix."""

    question = models.ForeignKey(
        ConsensusQuestion, on_delete=models.CASCADE, related_name="statements"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.CharField(_("statement"), max_length=140)
    # Written by staff to start the conversation (Pol.is "seed" comments).
    seeded = models.BooleanField(_("seeded by staff"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=StatementStatus.choices, default=StatementStatus.VISIBLE
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    # Votes so far; the next statement shown is one with few votes.
    vote_count = models.PositiveIntegerField(default=0)
    # Reports not yet settled by a moderator (the moderation queue reads this).
    open_flags = models.PositiveIntegerField(_("open reports"), default=0)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["question", "status", "vote_count"]),
            models.Index(fields=["open_flags"], name="statement_flagged"),
        ]

    def __str__(self) -> str:
        return self.body


class StatementFlag(models.Model):
    """A resident reported a statement, with a reason. Open until a moderator hides the
    statement or dismisses the reports."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(_("time"))
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("statement report")
        verbose_name_plural = _("statement reports")
        constraints = [
            models.UniqueConstraint(fields=["statement", "user"], name="statement_flag_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.statement_id}"


class StatementVote(models.Model):
    """One person's current opinion on a statement; voting again changes it."""

    question = models.ForeignKey(ConsensusQuestion, on_delete=models.CASCADE, related_name="+")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField(_("opinion"), choices=Opinion.choices)
    created_at = models.DateTimeField(_("time"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("statement vote")
        verbose_name_plural = _("statement votes")
        constraints = [
            models.UniqueConstraint(fields=["statement", "voter"], name="statement_vote_once")
        ]
        indexes = [models.Index(fields=["question", "voter"])]

    def __str__(self) -> str:
        return f"{self.voter_id} {self.value} {self.statement_id}"


class ConsensusEvent(models.Model):
    """Append-only history of a question: opened, statements added and hidden, closed,
    reopened, each computation. Never updated or deleted."""

    question = models.ForeignKey(ConsensusQuestion, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=24, choices=ConsensusEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    message = models.TextField(_("message"), blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("consensus event")
        verbose_name_plural = _("consensus events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["question", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.question_id}"


class ConsensusResult(models.Model):
    """The latest map of a question as the worker computed it from `version` of its
    votes: groups (aggregate shapes only), representative and consensus statements."""

    question = models.OneToOneField(
        ConsensusQuestion, on_delete=models.CASCADE, related_name="result"
    )
    version = models.PositiveBigIntegerField(default=0)
    computed_at = models.DateTimeField(_("computed at"))
    seconds = models.FloatField(default=0.0)
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("consensus map")
        verbose_name_plural = _("consensus maps")

    def __str__(self) -> str:
        return f"{self.question_id} v{self.version}"


class ConsensusPlacement(models.Model):
    """Where a participant sits on the latest map, read only to draw that person's own
    marker for them; never listed or shown to anyone else."""

    question = models.ForeignKey(ConsensusQuestion, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    x = models.FloatField()
    y = models.FloatField()
    group = models.SmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "user"], name="consensus_placement_once")
        ]

    def __str__(self) -> str:
        return f"{self.question_id}:{self.user_id}"
