from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.appeals.models.appeal import Appeal


class AppealBand(models.Model):
    """One LSH band of an appeal's MinHash signature; appeals sharing a band are
    candidates for being the same matter."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="+")
    community_id = models.BigIntegerField()
    band_hash = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["band_hash", "community_id"], name="appeal_band_lookup")]

    def __str__(self) -> str:
        return f"{self.appeal_id}:{self.band_hash}"


class RiskAlert(models.Model):
    """风险预警: a surge, a cluster of similar appeals or one person's repeated appeals,
    with the evidence, for street-level officers."""

    class Kind(models.TextChoices):
        SURGE = "surge", _("Surge in a category")
        CLUSTER = "cluster", _("Cluster of similar appeals")
        REPEAT = "repeat", _("Repeated appeals by one person")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=120, unique=True, help_text="deduplication key")
    community = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    region_path = models.CharField(max_length=75, db_index=True)
    category = models.CharField(_("category"), max_length=32, blank=True)
    summary = models.CharField(_("summary"), max_length=300)
    evidence = models.JSONField(default=dict)
    created_at = models.DateTimeField(db_index=True)
    acknowledged_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("risk alert")
        verbose_name_plural = _("risk alerts")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.summary
