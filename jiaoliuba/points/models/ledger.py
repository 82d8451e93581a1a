"""The ledger. Entries are appended and never edited or deleted; an account's balance is
their sum, kept in the account row by the same statement that appends (services.ledger),
and never written any other way."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiaoliuba.core.models import BaseModel
from jiaoliuba.points.choices import Act, EntryKind
from jiaoliuba.regions.choices import PATH_MAX


class PointsRule(BaseModel):
    """How many points an act earns, with caps. Edited by administrators through
    services.points_rule_save, which audits every change."""

    act = models.CharField(_("act"), max_length=32, choices=Act.choices, unique=True)
    points = models.PositiveIntegerField(_("points"))
    daily_cap = models.PositiveIntegerField(
        _("at most this many points a day"), null=True, blank=True
    )
    monthly_cap = models.PositiveIntegerField(
        _("at most this many points a month"), null=True, blank=True
    )
    needs_confirmation = models.BooleanField(_("confirmed by staff"), default=False)
    expiry_days = models.PositiveIntegerField(
        _("points expire after this many days"), null=True, blank=True
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("points rule")
        verbose_name_plural = _("points rules")
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="points_rule_positive")
        ]

    def __str__(self) -> str:
        return f"{self.get_act_display()} +{self.points}"


class PointsAccount(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="points_account",
        verbose_name=_("user"),
    )
    balance = models.IntegerField(_("balance"), default=0)
    # The soonest expiry among unspent points (or earlier): the expiry sweep's index.
    next_expiry_at = models.DateTimeField(null=True, blank=True, db_index=True, editable=False)
    # The resident's grid or community when the account was opened: scopes staff reads.
    region_path = models.CharField(max_length=PATH_MAX, blank=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="points_balance_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.balance}"


class PointsEntry(models.Model):
    account = models.ForeignKey(
        PointsAccount, on_delete=models.PROTECT, related_name="entries", verbose_name=_("account")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=EntryKind.choices)
    # Signed: earn and refund add, spend and expire take away, an adjustment either.
    amount = models.IntegerField(_("points"))
    act = models.CharField(_("act"), max_length=32, choices=Act.choices, blank=True)
    # What the entry is for, unique: the same act, spend or refund can never post twice.
    key = models.CharField(_("source"), max_length=160, unique=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("time"), db_index=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True, db_index=True)
    region_path = models.CharField(max_length=PATH_MAX, blank=True, db_index=True)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "act", "created_at"], name="points_cap_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind__in=[EntryKind.EARN, EntryKind.REFUND], amount__gt=0)
                    | Q(kind__in=[EntryKind.SPEND, EntryKind.EXPIRE], amount__lt=0)
                    | (Q(kind=EntryKind.ADJUST) & ~Q(amount=0))
                ),
                name="points_entry_sign_follows_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount:+d}"
