from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.choices import Role
from jiaoliuba.appeals.choices import (
    AttachmentKind,
    Category,
    Channel,
    ClosureReason,
    EventKind,
    Priority,
    Status,
)
from jiaoliuba.core.fields import EncryptedTextField
from jiaoliuba.regions.choices import PATH_MAX


class Appeal(models.Model):
    """诉求. Every change of status goes through one service in appeals.services, which
    appends an AppealEvent; the columns here are the current state and its clocks."""

    number = models.CharField(_("number"), max_length=20, unique=True, null=True, blank=True)
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appeals",
        verbose_name=_("submitter"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The staff member who entered an offline appeal.",
    )
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    consent_public = models.BooleanField(_("may be shown publicly, de-identified"), default=False)
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.ONLINE
    )
    type_hint = models.CharField(
        _("type chosen by the resident"), max_length=32, choices=Category.choices, blank=True
    )
    content = models.TextField(_("description"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    contact_phone = EncryptedTextField(_("contact number"), blank=True, default="")

    community = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    grid = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("grid"),
    )
    region_path = models.CharField(max_length=PATH_MAX, editable=False)

    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    triage_confidence = models.FloatField(default=0)
    triage_reasons = models.JSONField(default=list, blank=True)
    # Low confidence: a person must confirm the classification (manual triage queue).
    triage_needs_review = models.BooleanField(_("needs manual triage"), default=False)

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    closure_reason = models.CharField(max_length=16, choices=ClosureReason.choices, blank=True)
    handling_region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handled at"),
    )
    handling_role = models.CharField(max_length=32, choices=Role.choices, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_appeals",
        verbose_name=_("handler"),
    )
    routing_reason = models.CharField(max_length=200, blank=True)

    received_at = models.DateTimeField(_("received"))
    created_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    response_due_at = models.DateTimeField(_("response due"))
    resolution_due_at = models.DateTimeField(_("resolution due"))
    # Kept for the on-time figures: an approved extension moves resolution_due_at only.
    resolution_due_original_at = models.DateTimeField()
    # The deadline that matters now (response until first response, then resolution);
    # the queue sorts on it, so overdue work comes first.
    current_due_at = models.DateTimeField(null=True, blank=True)
    # When the sweep must next look at this appeal (a reminder or a breach); null when
    # nothing is pending. One indexed column keeps the sweep cheap at any size.
    next_check_at = models.DateTimeField(null=True, blank=True)
    response_urged_at = models.DateTimeField(null=True, blank=True)
    response_supervised_at = models.DateTimeField(null=True, blank=True)
    resolution_urged_at = models.DateTimeField(null=True, blank=True)
    resolution_supervised_at = models.DateTimeField(null=True, blank=True)

    reply = models.TextField(_("reply to the resident"), blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    is_repeat = models.BooleanField(_("repeat"), default=False)
    repeat_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_appeals"
    )
    # The bearer code of the short tracking link /t/<code>/: whoever holds it sees the
    # public progress and may rate. Random, never derived from the number.
    tracking_code = models.CharField(
        max_length=16, unique=True, null=True, blank=True, editable=False
    )
    reopen_count = models.PositiveSmallIntegerField(default=0)
    return_count = models.PositiveSmallIntegerField(default=0)
    extension_count = models.PositiveSmallIntegerField(default=0)
    escalation_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        indexes = [
            models.Index(fields=["region_path", "received_at"], name="appeal_scope_received"),
            models.Index(fields=["region_path", "status", "current_due_at"], name="appeal_queue"),
            models.Index(fields=["next_check_at"], name="appeal_next_check"),
            models.Index(fields=["submitter", "received_at"], name="appeal_submitter"),
            models.Index(fields=["status", "resolved_at"], name="appeal_status_resolved"),
            models.Index(fields=["community", "category", "received_at"], name="appeal_surge"),
            models.Index(fields=["community", "received_at"], name="appeal_community_recent"),
            models.Index(fields=["assignee", "status"], name="appeal_assignee_status"),
        ]
        permissions = [("reveal_anonymous_submitter", "Can reveal who filed an anonymous appeal")]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"


class AppealEvent(models.Model):
    """Append-only history of an appeal: one row per state change or action."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    message = models.TextField(blank=True)
    visible_to_resident = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["appeal", "created_at"], name="appeal_event_timeline")]

    def __str__(self) -> str:
        return f"{self.appeal_id}:{self.kind}"


def attachment_path(instance: Attachment, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"appeals/{instance.kind}/{uuid.uuid4().hex}.{ext}"


class Attachment(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=8, choices=AttachmentKind.choices)
    file = models.FileField(upload_to=attachment_path)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind}:{self.pk}"


class IdempotencyRecord(models.Model):
    """A client's Idempotency-Key, remembered per submitter: a retried submission returns
    the appeal the first one created."""

    key = models.CharField(max_length=100)
    owner = models.CharField(max_length=64, help_text="user id, or a hash of the client address")
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="idempotency_unique")]

    def __str__(self) -> str:
        return self.key
