from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.venues.choices import DutyRole, ShiftStatus, SwapStatus


class Shift(models.Model):
    """A person on duty (值班) at a venue from `starts_at` to `ends_at`. Staff and grid
    workers' shifts are mirrored into accounts.DutyShift (`duty_shift`), which appeal
    routing already reads to prefer the person on duty."""

    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="shifts")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="venue_shifts"
    )
    duty_role = models.CharField(_("on duty as"), max_length=16, choices=DutyRole.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    day = models.DateField()  # local date of the start
    status = models.CharField(
        _("status"), max_length=16, choices=ShiftStatus.choices, default=ShiftStatus.SCHEDULED
    )
    duty_shift = models.ForeignKey(
        "accounts.DutyShift", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["venue", "starts_at", "ends_at"], name="venues_shift_time")]

    def __str__(self) -> str:
        return f"{self.venue} {self.starts_at:%Y-%m-%d %H:%M} {self.person_id}"


class SwapRequest(models.Model):
    """Someone on the rota asks to hand a shift to another person; staff approve."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="swaps")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    replacement = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=SwapStatus.choices, default=SwapStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("swap request")
        verbose_name_plural = _("swap requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift"],
                condition=models.Q(status=SwapStatus.PENDING),
                name="venues_one_pending_swap",
            )
        ]

    def __str__(self) -> str:
        return f"{self.shift_id} → {self.replacement_id} {self.status}"
