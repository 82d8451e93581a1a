from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jiaoliuba.core.models import BaseModel
from jiaoliuba.points.choices import RedemptionEventKind, RedemptionStatus
from jiaoliuba.regions.choices import PATH_MAX


class StoreItem(BaseModel):
    """An item of a community's or street's 积分超市. Stock moves only through the store
    services, by a conditional update that cannot go below zero."""

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("offered in")
    )
    region_path = models.CharField(max_length=PATH_MAX, editable=False, db_index=True)
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(
        pgettext_lazy("store item", "description"), max_length=300, blank=True
    )
    partner = models.CharField(_("partner"), max_length=80, blank=True)
    price = models.PositiveIntegerField(_("points price"))
    stock = models.IntegerField(_("in stock"), default=0)
    per_person_limit = models.PositiveIntegerField(_("at most per person"), null=True, blank=True)
    active = models.BooleanField(_("on offer"), default=True)

    class Meta:
        verbose_name = _("store item")
        verbose_name_plural = _("store items")
        ordering = ["price", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="store_stock_not_negative"),
            models.CheckConstraint(condition=Q(price__gt=0), name="store_price_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Redemption(models.Model):
    item = models.ForeignKey(
        StoreItem, on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("item")
    )
    account = models.ForeignKey(
        "points.PointsAccount",
        on_delete=models.PROTECT,
        related_name="redemptions",
        verbose_name=_("account"),
    )
    price = models.PositiveIntegerField(_("points paid"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RedemptionStatus.choices,
        default=RedemptionStatus.PLACED,
    )
    pickup_code = models.CharField(_("pickup code"), max_length=8, unique=True)
    # The client's key for this request: a double tap or a retry finds the first redemption.
    request_key = models.CharField(max_length=64, blank=True, editable=False)
    region_path = models.CharField(max_length=PATH_MAX, editable=False, db_index=True)
    created_at = models.DateTimeField(_("placed at"), db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["item", "account", "status"], name="redemption_limit_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "request_key"],
                condition=~Q(request_key=""),
                name="redemption_request_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.pickup_code}"


class RedemptionEvent(models.Model):
    """Append-only: one row per change of a redemption."""

    redemption = models.ForeignKey(
        Redemption, on_delete=models.CASCADE, related_name="events", verbose_name=_("redemption")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=RedemptionEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("redemption event")
        verbose_name_plural = _("redemption events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M}"
