from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.appeals.choices import ExtensionStatus, MediationOutcome, RatingLevel
from jiaoliuba.appeals.models.appeal import Appeal
from jiaoliuba.core.fields import EncryptedTextField


class Rating(models.Model):
    """A resident's rating. An appeal may be rated again after it is reopened; the
    latest rating is the one that counts."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    level = models.CharField(_("satisfaction"), max_length=16, choices=RatingLevel.choices)
    solved = models.BooleanField(_("problem solved"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.appeal_id}:{self.level}"


class Extension(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300)
    working_days = models.PositiveSmallIntegerField(_("extra working days"))
    status = models.CharField(
        max_length=16, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)
    old_due_at = models.DateTimeField(null=True, blank=True)
    new_due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.appeal_id}:{self.status}"


class Mediation(models.Model):
    """调解 of a neighbour or property dispute, tied to the appeal that raised it."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="mediations")
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("mediator"),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=MediationOutcome.choices, blank=True
    )
    agreement_text = models.TextField(_("agreement"), blank=True)
    started_at = models.DateTimeField()
    concluded_at = models.DateTimeField(null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"mediation {self.pk}"


class MediationParty(models.Model):
    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="parties")
    name = models.CharField(_("name"), max_length=64)
    side = models.CharField(
        _("side"), max_length=64, help_text=_("e.g. upstairs neighbour, property company")
    )
    phone = EncryptedTextField(_("contact number"), blank=True, default="")

    def __str__(self) -> str:
        return self.name


class MediationSession(models.Model):
    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="sessions")
    held_at = models.DateTimeField(_("held at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["held_at", "id"]

    def __str__(self) -> str:
        return f"session {self.pk}"
