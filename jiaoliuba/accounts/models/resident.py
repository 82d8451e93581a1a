from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.choices import HouseholdRelation, VerificationStatus
from jiaoliuba.core.fields import EncryptedTextField
from jiaoliuba.core.models import BaseModel
from jiaoliuba.regions.choices import PATH_MAX
from jiaoliuba.regions.models import Region


class Household(BaseModel):
    """A 户: the people registered at one address in a community."""

    community = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name=_("community"),
    )
    grid = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("grid"),
    )
    address = models.CharField(_("address"), max_length=200)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "address"], name="household_unique_address"
            )
        ]

    def __str__(self) -> str:
        return self.address


class ResidentProfile(BaseModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="resident",
        verbose_name=_("user"),
    )
    community = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("community"),
    )
    grid = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("grid"),
    )
    # Path of the grid, or of the community when the grid is unknown: a copy kept by the
    # services so that scope filters are one index range scan instead of two joins.
    region_path = models.CharField(max_length=PATH_MAX, blank=True, default="", editable=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    household = models.ForeignKey(
        Household,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("household"),
    )
    household_relation = models.CharField(
        _("relation to head"), max_length=16, choices=HouseholdRelation.choices, blank=True
    )
    id_number = EncryptedTextField(_("ID number"), blank=True, default="")
    id_number_hash = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    verification_status = models.CharField(
        _("verification"),
        max_length=16,
        choices=VerificationStatus.choices,
        default=VerificationStatus.UNVERIFIED,
        db_index=True,
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        indexes = [
            models.Index(fields=["region_path", "id"], name="resident_region_path"),
            # Residents registered in a scope by a date: the participation denominator.
            models.Index(fields=["region_path", "created_at"], name="resident_region_joined"),
        ]

    def place_at(self, *, community: Region | None, grid: Region | None) -> None:
        self.community, self.grid = community, grid
        place = grid or community
        self.region_path = place.path if place is not None else ""

    def __str__(self) -> str:
        return str(self.user)
