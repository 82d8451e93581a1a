"""A meeting's resolution (决议) and what follows it: the vote it may need, 公示 with its
objections, milestones with progress, the supervision group's checks and the residents'
rating of the outcome."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.deliberation.meetings.choices import (
    CheckVerdict,
    ObjectionStatus,
    OutcomeLevel,
    ResolutionStatus,
)
from jiaoliuba.regions.choices import PATH_MAX

_USER = settings.AUTH_USER_MODEL


class Resolution(models.Model):
    meeting = models.ForeignKey(
        "deliberation.Meeting", on_delete=models.PROTECT, related_name="resolutions"
    )
    topic = models.ForeignKey(
        "deliberation.Topic", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scope_path = models.CharField(max_length=PATH_MAX, editable=False, db_index=True)
    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(_("resolution"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ResolutionStatus.choices,
        default=ResolutionStatus.ADOPTED,
    )
    agreed = models.ManyToManyField(
        "deliberation.MeetingParty", related_name="agreed_resolutions", blank=True
    )
    requires_vote = models.BooleanField(_("needs a vote"), default=False)
    vote = models.ForeignKey(
        "deliberation.Vote", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    vote_passed = models.BooleanField(null=True, blank=True)
    publicity_days = models.PositiveSmallIntegerField(_("days of public notice"), default=7)
    published_at = models.DateTimeField(null=True, blank=True)
    publicity_ends_at = models.DateTimeField(null=True, blank=True)
    effective_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    result = models.TextField(_("result"), blank=True, default="")
    # Days between the supervision group's checks (the seed: monthly).
    check_every_days = models.PositiveSmallIntegerField(default=30)
    next_check_on = models.DateField(null=True, blank=True)
    # When the sweep must look at it next (the vote closed? 公示 over?); indexed range.
    next_sweep_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        indexes = [
            models.Index(fields=["next_sweep_at"], name="resolution_sweep"),
            models.Index(fields=["status", "scope_path"], name="resolution_status_scope"),
        ]

    def __str__(self) -> str:
        return self.title


class Objection(models.Model):
    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="objections")
    author = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("objection"))
    status = models.CharField(
        max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    answer = models.TextField(_("answer"), blank=True, default="")
    answered_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"objection {self.pk}"


class Milestone(models.Model):
    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=120)
    due_on = models.DateField(_("due"))
    done_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    # End of the due day while neither done nor reported overdue; the sweep's index.
    check_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["check_at"], name="milestone_check")]

    def __str__(self) -> str:
        return self.title


def progress_photo_path(instance: ProgressPhoto, filename: str) -> str:
    return f"resolutions/{instance.update.milestone.resolution_id}/{filename}"


class ProgressUpdate(models.Model):
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("progress"))
    completes = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"progress {self.pk}"


class ProgressPhoto(models.Model):
    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=8, default="image")
    file = models.FileField(upload_to=progress_photo_path)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"photo {self.pk}"


class Supervisor(models.Model):
    """A member of the supervision group (监督小组): residents and volunteers."""

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="supervisors")
    user = models.ForeignKey(_USER, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resolution", "user"], name="supervisor_once")
        ]

    def __str__(self) -> str:
        return f"supervisor {self.user_id}"


class SupervisionCheck(models.Model):
    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="checks")
    checker = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    # The scheduled date this check answers (the group's monthly round).
    scheduled_for = models.DateField()
    verdict = models.CharField(max_length=8, choices=CheckVerdict.choices)
    findings = models.TextField(_("findings"))
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["scheduled_for", "pk"]

    def __str__(self) -> str:
        return f"check {self.pk}"


class OutcomeRating(models.Model):
    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(_USER, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=12, choices=OutcomeLevel.choices)
    solved = models.BooleanField(default=False)
    comment = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resolution", "user"], name="outcome_rating_once")
        ]

    def __str__(self) -> str:
        return f"rating {self.pk}"
