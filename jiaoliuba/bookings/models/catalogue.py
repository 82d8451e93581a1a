from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.bookings.choices import (
    Eligibility,
    ProviderKind,
    ServiceKind,
    SessionStatus,
    Weekday,
)
from jiaoliuba.regions.choices import PATH_MAX


class Service(models.Model):
    """One entry of a community's or street's catalogue: 法律咨询 with a lawyer of the
    pool, 健康义诊, 邻里节… Its sessions are what residents book."""

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("offered by")
    )
    region_path = models.CharField(max_length=PATH_MAX, editable=False)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ServiceKind.choices)
    provider_kind = models.CharField(_("provider"), max_length=16, choices=ProviderKind.choices)
    expert = models.ForeignKey(
        "bookings.Expert",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("professional"),
    )
    provider_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("volunteer or staff"),
    )
    provider_name = models.CharField(_("provider name"), max_length=100, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    online = models.BooleanField(_("online"), default=False)
    eligibility = models.CharField(
        _("who may book"), max_length=16, choices=Eligibility.choices, default=Eligibility.EVERYONE
    )
    # Free today; a points price once the points store exists.
    points_price = models.PositiveIntegerField(_("points price"), null=True, blank=True)
    max_seats = models.PositiveSmallIntegerField(
        _("seats one person may book"),
        default=1,
        help_text=_("A resident may bring family members up to this number of seats."),
    )
    opens_days_before = models.PositiveSmallIntegerField(
        _("booking opens (days before)"), default=14
    )
    closes_minutes_before = models.PositiveIntegerField(
        _("booking closes (minutes before)"), default=60
    )
    cancel_hours_before = models.PositiveIntegerField(_("cancel until (hours before)"), default=2)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("service catalogue")
        indexes = [models.Index(fields=["region_path", "active"], name="bookings_service_path")]

    def __str__(self) -> str:
        return self.title

    @property
    def provider_label(self) -> str:
        if self.expert_id:
            return str(self.expert)
        if self.provider_user_id and not self.provider_name:
            return str(self.provider_user)
        return self.provider_name or str(self.get_provider_kind_display())


class Series(models.Model):
    """A recurring session (每周三 19:00–20:30): sessions are generated from it, skipping
    the closure days of the holiday calendar."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="series")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("to"))
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    capacity = models.PositiveIntegerField(_("capacity"))
    skipped = models.JSONField(default=list, editable=False)  # closure days left out
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("recurring session")
        verbose_name_plural = _("recurring sessions")

    def __str__(self) -> str:
        return f"{self.service} {self.get_weekday_display()} {self.starts:%H:%M}"


class Session(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="sessions")
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    region_path = models.CharField(max_length=PATH_MAX, editable=False)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    day = models.DateField(_("day"), editable=False)  # local date: the dashboard's period
    capacity = models.PositiveIntegerField(_("capacity"))
    # Seats held by reserved and attended bookings: changed only by compare-and-set
    # updates in the services, so it never passes capacity.
    seats_taken = models.PositiveIntegerField(default=0, editable=False)
    opens_at = models.DateTimeField(_("booking opens"))
    closes_at = models.DateTimeField(_("booking closes"))
    cancel_until = models.DateTimeField(_("cancel until"))
    status = models.CharField(
        _("status"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    attended = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["region_path", "day"], name="bookings_session_path_day"),
            models.Index(fields=["service", "starts_at"], name="bookings_session_service"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(seats_taken__lte=models.F("capacity")),
                name="bookings_session_not_overbooked",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.day}"

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.seats_taken)
