from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jiaoliuba.deliberation.voting.choices import (
    Channel,
    Eligibility,
    OwnerMatter,
    VoteEventKind,
    VoteKind,
    VoteStatus,
)
from jiaoliuba.regions.choices import PATH_MAX


class Vote(models.Model):
    """表决. Its status moves only through deliberation.voting.services, checked against
    voting.transitions; every move appends a VoteEvent."""

    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(pgettext_lazy("vote", "description"), blank=True)
    topic = models.ForeignKey(
        "deliberation.Topic",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="votes",
        verbose_name=_("topic"),
    )
    scope = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("scope")
    )
    scope_path = models.CharField(max_length=PATH_MAX, editable=False, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=VoteKind.choices)
    max_choices = models.PositiveSmallIntegerField(_("at most this many choices"), default=1)
    # Options are numbered 1…option_count; kept here so a ballot is checked without a query.
    option_count = models.PositiveSmallIntegerField(default=0, editable=False)
    secret = models.BooleanField(_("secret ballot"), default=False)
    eligibility = models.CharField(_("who votes"), max_length=16, choices=Eligibility.choices)
    owner_matter = models.CharField(
        _("matter (民法典 art. 278)"), max_length=2, choices=OwnerMatter.choices, blank=True
    )
    unit_register = models.ForeignKey(
        "deliberation.UnitRegister",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="votes",
        verbose_name=_("unit register"),
    )
    hide_results_until_close = models.BooleanField(_("results hidden until close"), default=True)
    status = models.CharField(
        _("status"), max_length=16, choices=VoteStatus.choices, default=VoteStatus.DRAFT
    )
    opens_at = models.DateTimeField(_("voting opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("voting closes"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The electorate of an owner vote, frozen when it opens (total area and persons).
    total_area = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    total_persons = models.PositiveIntegerField(null=True, blank=True)
    # The tally computed from the ballot box at close; a test recomputes it.
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("organiser"),
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        indexes = [models.Index(fields=["status", "scope_path"])]
        constraints = [
            # An owner vote is roll-call and counts against a unit register.
            models.CheckConstraint(
                condition=~Q(eligibility=Eligibility.OWNERS)
                | (Q(secret=False) & Q(unit_register__isnull=False)),
                name="vote_owner_needs_register",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_owner_vote(self) -> bool:
        return self.eligibility == Eligibility.OWNERS


class VoteOption(models.Model):
    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="options", verbose_name=_("vote")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    label = models.CharField(_("option"), max_length=120)
    # approve / oppose / abstain for that kind of vote; empty otherwise.
    code = models.CharField(max_length=16, blank=True)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "position"], name="vote_option_position")
        ]

    def __str__(self) -> str:
        return self.label


class VoteEvent(models.Model):
    """Append-only history of a vote: opened, closed, paper ballots entered and corrected.
    For a secret vote an event never holds both a person and a choice."""

    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="events", verbose_name=_("vote")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=VoteEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("vote event")
        verbose_name_plural = _("vote events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.vote_id} {self.kind}"


class VoterRecord(models.Model):
    """投票登记: who has voted, once. The unique key makes a second vote impossible in
    the database itself, whichever channel it comes through. `voter_key` is "u:<user>"
    (one per person), "h:<household>" (one per household) or the unit register's person
    key (owner votes). Only a roll-call vote links a record to its ballot."""

    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="voters", verbose_name=_("vote")
    )
    voter_key = models.CharField(max_length=80)
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("voter"),
    )
    # The voter's region path when they voted, for participation figures.
    voter_path = models.CharField(max_length=PATH_MAX, blank=True, default="")
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    sheet_number = models.CharField(_("sheet number"), max_length=32, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("entered by"),
    )
    # Owner votes: the person's units and their total exclusive area.
    units = models.JSONField(default=list, blank=True)
    area = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    ballot = models.OneToOneField(
        "deliberation.Ballot",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="voter_record",
    )
    created_at = models.DateTimeField(_("time"))
    # When the worker paid the voter's 积分 (voting/rewards.py): the register is the
    # credits' queue, so a ballot writes no task row of its own.
    credited_at = models.DateTimeField(_("points paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("voter record")
        verbose_name_plural = _("voter register")
        constraints = [
            models.UniqueConstraint(fields=["vote", "voter_key"], name="voter_once_per_vote"),
            models.UniqueConstraint(
                fields=["vote", "sheet_number"],
                condition=~Q(sheet_number=""),
                name="voter_sheet_once",
            ),
        ]
        indexes = [
            models.Index(fields=["voter_path", "created_at"], name="voter_path_day"),
            # The credits still to pay, and nothing else: the sweep reads this index only.
            models.Index(
                fields=["id"],
                condition=Q(credited_at__isnull=True, voter__isnull=False),
                name="voter_credit_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vote_id} {self.voter_key}"


def _ballot_key() -> uuid.UUID:
    return uuid.uuid4()


class Ballot(models.Model):
    """投票箱: one row per ballot, keyed by a random UUID and without any time, so that
    nothing orders or joins it to the voter register. The choices are option positions."""

    id = models.UUIDField(primary_key=True, default=_ballot_key, editable=False)
    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="ballots", verbose_name=_("vote")
    )
    choices = models.JSONField(_("choices"), default=list)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    # A paper sheet of a secret vote carries no name, so its number links to no one.
    sheet_number = models.CharField(_("sheet number"), max_length=32, blank=True)
    # Owner votes (always roll-call): the person's exclusive area.
    area = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballot box")
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "sheet_number"],
                condition=~Q(sheet_number=""),
                name="ballot_sheet_once",
            )
        ]

    def __str__(self) -> str:
        return str(self.id)
