from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.regions.choices import PATH_MAX
from jiaoliuba.venues.choices import ActKind, EventKind, VisitOutcome, VisitStatus


class Visit(models.Model):
    """One reception at the venue (接待登记): who came, about what, and how it ended."""

    venue = models.ForeignKey("venues.Venue", on_delete=models.PROTECT, related_name="visits")
    region_path = models.CharField(max_length=PATH_MAX, editable=False)  # the venue's
    received_at = models.DateTimeField(_("received at"))
    day = models.DateField()  # local date: the figures count by it
    people = models.PositiveSmallIntegerField(_("people"), default=1)
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="venue_visits",
    )
    visitor_path = models.CharField(max_length=PATH_MAX, blank=True)  # their home, if a resident
    visitor_name = models.CharField(_("visitor"), max_length=64, blank=True)
    topic = models.CharField(_("topic"), max_length=200)
    detail = models.TextField(_("detail"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=VisitOutcome.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=VisitStatus.choices, default=VisitStatus.LOGGED
    )
    appeal = models.OneToOneField(
        "appeals.Appeal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="venue_visit",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visit log")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["region_path", "day"], name="venues_visit_path_day"),
            models.Index(fields=["venue", "day"], name="venues_visit_venue_day"),
        ]

    def __str__(self) -> str:
        return f"{self.venue} {self.received_at:%Y-%m-%d} {self.topic}"


class VenueAct(models.Model):
    """A participation act of a registered resident (a visit logged with them, a
    volunteer shift served), dated by its local day: what the dashboard's 参与率 counts."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    resident_path = models.CharField(max_length=PATH_MAX)
    day = models.DateField()
    kind = models.CharField(max_length=16, choices=ActKind.choices)
    ref = models.PositiveBigIntegerField()  # the visit's or the shift's id

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "ref", "user"], name="venues_one_act")
        ]
        indexes = [models.Index(fields=["resident_path", "day"], name="venues_act_path_day")]

    def __str__(self) -> str:
        return f"{self.kind} {self.user_id} {self.day}"


class VenueEvent(models.Model):
    """Append-only history of a venue, its rota and its visit log; never updated."""

    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="events")
    shift = models.ForeignKey(
        "venues.Shift", null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    swap = models.ForeignKey(
        "venues.SwapRequest",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("venue event")
        verbose_name_plural = _("venue events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"
