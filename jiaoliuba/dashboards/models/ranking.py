from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.dashboards.choices import KPIS, Unit

RANKABLE = [(spec.key, spec.label) for spec in KPIS if spec.unit == Unit.RATE]


class RankingWeight(models.Model):
    """考核排名: the weight of one rate in the communities' composite score. Administrators
    set them in the admin; a KPI without a row weighs nothing."""

    kpi = models.CharField(_("figure"), max_length=32, choices=RANKABLE, unique=True)
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("ranking weight")
        verbose_name_plural = _("ranking weights")
        ordering = ["kpi"]

    def __str__(self) -> str:
        return f"{self.get_kpi_display()} × {self.weight}"
