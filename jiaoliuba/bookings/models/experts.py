from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.bookings.choices import CertificateStatus, Weekday
from jiaoliuba.core.fields import EncryptedTextField
from jiaoliuba.regions.choices import PATH_MAX


class Expert(models.Model):
    """A professional of the expert pool (专家库): a lawyer, a doctor, a counsellor…
    serving the communities under `region`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert",
        verbose_name=_("account"),
    )
    name = models.CharField(_("name"), max_length=64)
    profession = models.CharField(_("profession"), max_length=64)
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    skills = models.CharField(
        _("skills"), max_length=200, blank=True, help_text=_("Comma-separated.")
    )
    bio = models.TextField(_("introduction"), blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("serves")
    )
    region_path = models.CharField(max_length=PATH_MAX, editable=False)
    active = models.BooleanField(_("active"), default=True)
    hours_total = models.DecimalField(
        _("service hours"), max_digits=8, decimal_places=1, default=0, editable=False
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("expert pool")
        indexes = [models.Index(fields=["region_path", "active"], name="bookings_expert_path")]

    def __str__(self) -> str:
        return f"{self.name}（{self.profession}）"

    @property
    def skill_list(self) -> list[str]:
        return [s.strip() for s in self.skills.replace("，", ",").split(",") if s.strip()]


class Certificate(models.Model):
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="certificates")
    title = models.CharField(_("certificate"), max_length=100)
    issuer = models.CharField(_("issued by"), max_length=100, blank=True)
    number = models.CharField(_("number"), max_length=64, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CertificateStatus.choices,
        default=CertificateStatus.PENDING,
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.title


class Availability(models.Model):
    """When an expert can usually serve: 每周三 19:00–20:30."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("to"))

    class Meta:
        verbose_name = _("availability")
        verbose_name_plural = _("availability")
        ordering = ["weekday", "starts"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


class ServiceHours(models.Model):
    """Hours an expert served, logged when a session they provided is closed (or by staff
    for work outside a session). Append-only."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="hours")
    session = models.ForeignKey(
        "bookings.Session", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    day = models.DateField(_("day"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    note = models.CharField(_("note"), max_length=200, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("service hours")
        verbose_name_plural = _("service hours")
        constraints = [
            models.UniqueConstraint(
                fields=["expert", "session"],
                condition=models.Q(session__isnull=False),
                name="bookings_hours_once_per_session",
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert_id} {self.day} {self.hours}"


class ConsultationNote(models.Model):
    """What a professional wrote about a consultation. Encrypted at rest; only the
    professional and authorised staff read it, and every reading is logged."""

    booking = models.ForeignKey("bookings.Booking", on_delete=models.CASCADE, related_name="notes")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = EncryptedTextField(_("note"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("consultation note")
        verbose_name_plural = _("consultation notes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.booking_id} {self.created_at:%Y-%m-%d}"
