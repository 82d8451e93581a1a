from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.core.fields import EncryptedTextField
from jiaoliuba.regions.choices import PATH_MAX


class UnitRegister(models.Model):
    """房屋清册: the property units of a building or an estate, with their exclusive area
    (专有部分面积, from the registration) and owners. Owner votes count against it; it is
    replaced as a whole by a CSV import and frozen once a vote on it has opened."""

    name = models.CharField(_("name"), max_length=120)
    scope = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("scope")
    )
    scope_path = models.CharField(max_length=PATH_MAX, editable=False, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"))
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("unit register")
        verbose_name_plural = _("unit registers")

    def __str__(self) -> str:
        return self.name


class PropertyUnit(models.Model):
    register = models.ForeignKey(
        UnitRegister, on_delete=models.CASCADE, related_name="units", verbose_name=_("register")
    )
    building = models.CharField(_("building"), max_length=32)
    entrance = models.CharField(_("entrance"), max_length=32, blank=True)
    room = models.CharField(_("room"), max_length=32)
    area = models.DecimalField(_("exclusive area (m²)"), max_digits=12, decimal_places=2)
    developer_held = models.BooleanField(_("unsold or undelivered (developer)"), default=False)
    # Who counts as one person (解释 第九条): the developer for its units, otherwise the set
    # of owners, so one buyer's several units share a key and co-owners share theirs.
    person_key = models.CharField(max_length=64, db_index=True, editable=False)
    owner_names = models.CharField(_("owners"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("property unit")
        verbose_name_plural = _("property units")
        constraints = [
            models.UniqueConstraint(
                fields=["register", "building", "entrance", "room"], name="unit_unique_address"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        parts = [self.building, self.entrance, self.room]
        return "-".join(p for p in parts if p)


class UnitOwner(models.Model):
    """One owner of a unit. The mobile number links the owner to a resident's sign-in."""

    unit = models.ForeignKey(
        PropertyUnit, on_delete=models.CASCADE, related_name="owners", verbose_name=_("unit")
    )
    name = models.CharField(_("name"), max_length=64)
    phone = EncryptedTextField(_("mobile number"), blank=True, default="")
    phone_hash = models.CharField(max_length=64, db_index=True, editable=False)

    class Meta:
        verbose_name = _("unit owner")
        verbose_name_plural = _("unit owners")

    def __str__(self) -> str:
        return self.name
