from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.bookings.choices import (
    LIVE_STATUSES,
    ActKind,
    BookingEventKind,
    BookingStatus,
    CheckInMethod,
    Satisfaction,
)
from jiaoliuba.regions.choices import PATH_MAX


class Booking(models.Model):
    session = models.ForeignKey(
        "bookings.Session", on_delete=models.CASCADE, related_name="bookings"
    )
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookings"
    )
    # Where the resident was registered when booking: scope filters and the dashboard.
    resident_path = models.CharField(max_length=PATH_MAX, blank=True)
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)
    attendee = models.CharField(
        _("attendee"), max_length=64, blank=True, help_text=_("The child, for a childcare service.")
    )
    status = models.CharField(_("status"), max_length=16, choices=BookingStatus.choices)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at_desk = models.BooleanField(_("booked at the desk"), default=False)
    remind_at = models.DateTimeField(null=True, blank=True)  # the sweep's index
    reminded_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    check_in_method = models.CharField(max_length=8, choices=CheckInMethod.choices, blank=True)
    rating = models.CharField(_("rating"), max_length=16, choices=Satisfaction.choices, blank=True)
    feedback = models.TextField(_("feedback"), blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("booked at"))
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "resident"],
                condition=models.Q(status__in=LIVE_STATUSES),
                name="bookings_one_live_booking",
            )
        ]
        indexes = [
            models.Index(fields=["session", "status", "created_at"], name="bookings_queue"),
            models.Index(fields=["remind_at"], name="bookings_remind_at"),
            models.Index(fields=["resident", "status"], name="bookings_resident"),
        ]

    def __str__(self) -> str:
        return f"{self.session} {self.resident_id} {self.status}"


class BookingEvent(models.Model):
    """Append-only history of a booking; never updated or deleted."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=24, choices=BookingEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("booking event")
        verbose_name_plural = _("booking events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["booking", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.booking_id}"


class Restriction(models.Model):
    """Booking paused for a while after repeated no-shows; the resident sees why."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="booking_restrictions"
    )
    reason = models.CharField(_("reason"), max_length=200)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("booking restriction")
        verbose_name_plural = _("booking restrictions")
        indexes = [models.Index(fields=["user", "ends_at"], name="bookings_restriction_user")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.ends_at:%Y-%m-%d}"


class BookingAct(models.Model):
    """A participation act (参与率) of a registered resident: booking (dated by the
    session), attending, or providing a session as a volunteer. A cancelled booking
    takes its act back."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    resident_path = models.CharField(max_length=PATH_MAX)
    day = models.DateField()
    kind = models.CharField(max_length=16, choices=ActKind.choices)
    session = models.ForeignKey("bookings.Session", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("service participation act")
        verbose_name_plural = _("service participation acts")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "session"], name="bookings_act_once")
        ]
        indexes = [models.Index(fields=["day", "resident_path", "user"], name="bookings_acts")]

    def __str__(self) -> str:
        return f"{self.kind} {self.user_id} {self.day}"
