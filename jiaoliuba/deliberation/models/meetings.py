"""Meetings (议事会, 联席会议, 紧急议事会): who sits at the table, the agenda, attendance,
the negotiation rounds and the minutes. States move only through
deliberation.meetings.services, checked against meetings.transitions; every move
appends a MeetingEvent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiaoliuba.deliberation.meetings.choices import (
    CheckIn,
    MeetingActKind,
    MeetingEventKind,
    MeetingKind,
    MeetingStatus,
    Side,
    StatementKind,
)
from jiaoliuba.regions.choices import PATH_MAX

_USER = settings.AUTH_USER_MODEL


class Meeting(models.Model):
    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=MeetingKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    scope = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("scope")
    )
    scope_path = models.CharField(max_length=PATH_MAX, editable=False, db_index=True)
    # Venues (交流吧场所) arrive later: until then the place is free text, or online.
    place = models.CharField(_("place"), max_length=200, blank=True, default="")
    online = models.BooleanField(_("online"), default=False)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    topic = models.ForeignKey(
        "deliberation.Topic",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
        verbose_name=_("topic"),
    )
    appeal = models.ForeignKey(
        "appeals.Appeal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
        verbose_name=_("opened from appeal"),
    )
    organiser = models.ForeignKey(
        _USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("organiser")
    )
    minutes = models.TextField(_("minutes"), blank=True, default="")
    # Part of the signed check-in link: a new secret voids every QR printed before.
    checkin_secret = models.CharField(max_length=32, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["scope_path", "starts_at"], name="meeting_scope_time")]

    def __str__(self) -> str:
        return self.title


class MeetingParty(models.Model):
    """Someone at the table: a person with an account (residents, staff, professionals,
    volunteers) or a person of an outside organisation recorded by name."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="parties")
    side = models.CharField(_("side"), max_length=16, choices=Side.choices)
    organisation = models.CharField(_("organisation"), max_length=120, blank=True, default="")
    name = models.CharField(_("name"), max_length=60)
    # 律师, 会计师, 业委会主任 …
    role_note = models.CharField(_("role"), max_length=60, blank=True, default="")
    user = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(null=True, blank=True)
    attended_at = models.DateTimeField(null=True, blank=True)
    checkin = models.CharField(max_length=8, choices=CheckIn.choices, blank=True, default="")

    class Meta:
        verbose_name = _("meeting party")
        verbose_name_plural = _("meeting parties")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="meeting_party_user_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.name}".strip()


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("agenda item"), max_length=120)
    topic = models.ForeignKey(
        "deliberation.Topic", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_item_position")
        ]

    def __str__(self) -> str:
        return self.title


class NegotiationRound(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    summary = models.TextField(_("summary"), blank=True, default="")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="negotiation_round_number")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}#{self.number}"


class RoundStatement(models.Model):
    """A party's position or proposal in a round, as the minute-taker wrote it down."""

    round = models.ForeignKey(NegotiationRound, on_delete=models.CASCADE, related_name="statements")
    party = models.ForeignKey(MeetingParty, on_delete=models.PROTECT, related_name="statements")
    kind = models.CharField(max_length=16, choices=StatementKind.choices)
    text = models.TextField()
    created_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.party_id}"


class MeetingEvent(models.Model):
    """Append-only history of a meeting and its resolutions. Never updated or deleted."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="events")
    resolution = models.ForeignKey(
        "deliberation.Resolution",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=MeetingEventKind.choices)
    actor = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=16, blank=True, default="")
    to_status = models.CharField(max_length=16, blank=True, default="")
    message = models.TextField(blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("meeting event")
        verbose_name_plural = _("meeting events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["meeting", "created_at"], name="meeting_event_time")]

    def __str__(self) -> str:
        return f"{self.kind} {self.meeting_id}"


class MeetingAct(models.Model):
    """A registered resident attended a meeting or recorded a supervision check (参与率);
    one row per person, kind, meeting and day, with where they were registered."""

    user = models.ForeignKey(_USER, on_delete=models.CASCADE, related_name="+")
    resident_path = models.CharField(max_length=PATH_MAX)
    day = models.DateField()
    kind = models.CharField(max_length=16, choices=MeetingActKind.choices)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("meeting participation act")
        verbose_name_plural = _("meeting participation acts")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "meeting", "day"], name="meeting_act_once"
            )
        ]
        indexes = [models.Index(fields=["day", "resident_path", "user"], name="meeting_acts")]

    def __str__(self) -> str:
        return f"{self.kind} {self.user_id} {self.day}"
