from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.points.choices import HonourKind, HonourStatus
from jiaoliuba.regions.choices import PATH_MAX


class Honour(models.Model):
    """A quarterly honour of a community: nominated by staff from the candidates the ledger
    shows, confirmed by the secretary or above (never the nominator), shown publicly only
    with the resident's consent. Its status moves only through services.honours."""

    kind = models.CharField(_("honour"), max_length=20, choices=HonourKind.choices)
    quarter = models.CharField(_("quarter"), max_length=7)  # "2026Q4"
    community = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    community_path = models.CharField(max_length=PATH_MAX, editable=False, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="honours",
        verbose_name=_("resident"),
    )
    points = models.PositiveIntegerField(_("points for it in the quarter"))
    citation = models.CharField(_("citation"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=HonourStatus.choices, default=HonourStatus.NOMINATED
    )
    consent_public = models.BooleanField(_("may be shown publicly"), default=False)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("nominated by"),
    )
    created_at = models.DateTimeField(_("nominated at"))

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["-quarter", "kind", "-points"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "quarter", "community", "user"], name="honour_once_per_quarter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quarter} {self.get_kind_display()} · {self.user}"


class HonourEvent(models.Model):
    """Append-only: nominated, confirmed, withdrawn, consent given or taken back."""

    honour = models.ForeignKey(Honour, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} · {self.at:%Y-%m-%d %H:%M}"
