from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.bookings.choices import (
    LIVE_REQUEST_STATUSES,
    ExpertRequestEventKind,
    ExpertRequestStatus,
)
from jiaoliuba.regions.choices import PATH_MAX


class ExpertRequest(models.Model):
    """An appeal or a meeting asks a professional of the pool for help (a lawyer for a
    mediation, an engineer for a building hazard). Bookings sits beside appeals and
    below deliberation, so it cannot point at them with a foreign key: `subject` is a
    generic reference ("appeal:42", "meeting:7") resolved through
    settings.EXPERT_REQUEST_SUBJECTS; title, link and region are copied when asked."""

    subject = models.CharField(_("for"), max_length=40)
    subject_title = models.CharField(_("title"), max_length=200)
    subject_url = models.CharField(max_length=200)
    region_path = models.CharField(max_length=PATH_MAX)
    expert = models.ForeignKey("bookings.Expert", on_delete=models.PROTECT, related_name="requests")
    specialty = models.CharField(_("specialty needed"), max_length=64, blank=True)
    note = models.TextField(_("what is needed"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ExpertRequestStatus.choices,
        default=ExpertRequestStatus.REQUESTED,
    )
    answer = models.CharField(_("answer"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("asked at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("expert request")
        verbose_name_plural = _("expert requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "expert"],
                condition=models.Q(status__in=LIVE_REQUEST_STATUSES),
                name="bookings_one_live_request",
            )
        ]
        indexes = [
            models.Index(fields=["subject", "created_at"], name="bookings_request_subject"),
            models.Index(fields=["expert", "status"], name="bookings_request_expert"),
            models.Index(fields=["region_path", "status"], name="bookings_request_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.expert_id} {self.status}"


class ExpertRequestEvent(models.Model):
    """Append-only history of a request; never updated or deleted."""

    request = models.ForeignKey(ExpertRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=ExpertRequestEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("expert request event")
        verbose_name_plural = _("expert request events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.request_id}"
