from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
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
    # An intake writes every index of this table (SQLite's commit writes each changed page):
    # a foreign key that leads a composite index below, or is mostly empty, has no index of
    # its own (db_index=False) or a partial one.
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_index=False,  # appeal_submitter
        related_name="appeals",
        verbose_name=_("submitter"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_index=False,  # appeal_created_by
        related_name="+",
        help_text=_("The staff member who entered an offline appeal."),
        verbose_name=_("entered by"),
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
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    contact_phone = EncryptedTextField(_("contact number"), blank=True, default="")

    community = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        db_index=False,  # appeal_community_recent
        related_name="+",
        verbose_name=_("community"),
    )
    grid = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        # Nothing looks appeals up by grid or by handling office (scopes go by
        # region_path); only deleting a region would, and that is refused while it has any.
        db_index=False,
        related_name="+",
        verbose_name=_("grid"),
    )
    region_path = models.CharField(max_length=PATH_MAX, editable=False)

    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    triage_confidence = models.FloatField(_("classification confidence"), default=0)
    triage_reasons = models.JSONField(_("classification reasons"), default=list, blank=True)
    # Low confidence: a person must confirm the classification (manual triage queue).
    triage_needs_review = models.BooleanField(_("needs manual triage"), default=False)

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    closure_reason = models.CharField(
        _("closure reason"), max_length=16, choices=ClosureReason.choices, blank=True
    )
    handling_region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,  # as grid
        related_name="+",
        verbose_name=_("handled at"),
    )
    handling_role = models.CharField(
        _("handling role"), max_length=32, choices=Role.choices, blank=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_index=False,  # appeal_assignee_status
        related_name="assigned_appeals",
        verbose_name=_("handler"),
    )
    routing_reason = models.CharField(_("routing reason"), max_length=200, blank=True)

    received_at = models.DateTimeField(_("received"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    response_due_at = models.DateTimeField(_("response due"))
    resolution_due_at = models.DateTimeField(_("resolution due"))
    # Kept for the on-time figures: an approved extension moves resolution_due_at only.
    resolution_due_original_at = models.DateTimeField(
        _("original resolution deadline"),
    )
    # The deadline that matters now (response until first response, then resolution);
    # the queue sorts on it, so overdue work comes first.
    current_due_at = models.DateTimeField(_("current deadline"), null=True, blank=True)
    # When the sweep must next look at this appeal (a reminder or a breach); null when
    # nothing is pending. One indexed column keeps the sweep cheap at any size.
    next_check_at = models.DateTimeField(_("next check at"), null=True, blank=True)
    response_urged_at = models.DateTimeField(_("response reminder sent at"), null=True, blank=True)
    response_supervised_at = models.DateTimeField(
        _("response supervision raised at"), null=True, blank=True
    )
    resolution_urged_at = models.DateTimeField(
        _("resolution reminder sent at"), null=True, blank=True
    )
    resolution_supervised_at = models.DateTimeField(
        _("resolution supervision raised at"), null=True, blank=True
    )

    reply = models.TextField(_("reply to the resident"), blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    is_repeat = models.BooleanField(_("repeat"), default=False)
    repeat_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_index=False,  # appeal_repeat_of
        related_name="+",
        verbose_name=_("repeat of"),
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,  # appeal_merged_into
        related_name="merged_appeals",
        verbose_name=_("merged into"),
    )
    # The bearer code of the short tracking link /t/<code>/: whoever holds it sees the
    # public progress and may rate. Random, never derived from the number.
    tracking_code = models.CharField(
        _("tracking code"), max_length=16, unique=True, null=True, blank=True, editable=False
    )
    # The worker's part of taking this appeal in, still to do: {"notify": [user ids the
    # route named besides the handlers]}; null once done (services.appeal_follow_ups_run). Written
    # by the intake's one INSERT, so the follow-up exists exactly when the appeal does,
    # without a task row of its own; the partial index appeal_follow_up_due is the queue.
    follow_up = models.JSONField(null=True, blank=True, editable=False)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    return_count = models.PositiveSmallIntegerField(_("times returned"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)
    escalation_count = models.PositiveSmallIntegerField(_("escalations"), default=0)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        indexes = [
            models.Index(fields=["region_path", "received_at"], name="appeal_scope_received"),
            models.Index(fields=["region_path", "status", "current_due_at"], name="appeal_queue"),
            models.Index(fields=["next_check_at"], name="appeal_next_check"),
            models.Index(fields=["submitter", "received_at"], name="appeal_submitter"),
            # Resolved and waiting for a rating (the sweep closes the unrated ones).
            models.Index(
                fields=["resolved_at"],
                name="appeal_awaiting_rating",
                condition=Q(status="resolved"),
            ),
            models.Index(fields=["community", "category", "received_at"], name="appeal_surge"),
            models.Index(fields=["community", "received_at"], name="appeal_community_recent"),
            models.Index(fields=["assignee", "status"], name="appeal_assignee_status"),
            models.Index(
                fields=["repeat_of"],
                name="appeal_repeat_of",
                condition=Q(repeat_of__isnull=False),
            ),
            models.Index(
                fields=["merged_into"],
                name="appeal_merged_into",
                condition=Q(merged_into__isnull=False),
            ),
            models.Index(
                fields=["created_by"],
                name="appeal_created_by",
                condition=Q(created_by__isnull=False),
            ),
            models.Index(
                fields=["id"],
                name="appeal_follow_up_due",
                condition=Q(follow_up__isnull=False),
            ),
        ]
        permissions = [("reveal_anonymous_submitter", "Can reveal who filed an anonymous appeal")]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"


class AppealEvent(models.Model):
    """Append-only history of an appeal: one row per state change or action."""

    # Indexed by appeal_event_timeline (and the actor only where there is one: most events
    # of an intake are the system's).
    appeal = models.ForeignKey(
        Appeal, on_delete=models.CASCADE, db_index=False, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=32, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_index=False,  # appeal_event_actor
        related_name="+",
        verbose_name=_("by"),
    )
    from_status = models.CharField(_("from status"), max_length=16, blank=True)
    to_status = models.CharField(_("to status"), max_length=16, blank=True)
    message = models.TextField(_("message"), blank=True)
    visible_to_resident = models.BooleanField(_("visible to the resident"), default=False)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("appeal event")
        verbose_name_plural = _("appeal events")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["appeal", "created_at"], name="appeal_event_timeline"),
            models.Index(
                fields=["actor"], name="appeal_event_actor", condition=Q(actor__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        # Shown atop each row of the admin's event list: the name, not the code.
        return str(self.get_kind_display())


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
    # No index of its own: it is read by (owner, key) only, and appeals are never deleted
    # (the admin is read-only; erasure de-identifies them, retention keeps them).
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, db_index=False, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="idempotency_unique")]

    def __str__(self) -> str:
        return self.key
