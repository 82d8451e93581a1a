from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District / county")
    STREET = "street", _("Street / township")
    COMMUNITY = "community", _("Community / village")
    GRID = "grid", _("Grid")


LEVEL_ORDER = [
    RegionLevel.CITY,
    RegionLevel.DISTRICT,
    RegionLevel.STREET,
    RegionLevel.COMMUNITY,
    RegionLevel.GRID,
]

# How many leading digits of a 12-digit statistical code identify a node of each level;
# a child's code must begin with its parent's significant digits.
SIGNIFICANT_DIGITS = {
    RegionLevel.CITY: 4,
    RegionLevel.DISTRICT: 6,
    RegionLevel.STREET: 9,
    RegionLevel.COMMUNITY: 12,
    RegionLevel.GRID: 15,
}
CODE_LENGTH = {level: 15 if level == RegionLevel.GRID else 12 for level in LEVEL_ORDER}
SEGMENT = 15  # every path segment is a code left-padded to this width
PATH_MAX = SEGMENT * len(LEVEL_ORDER)


def parent_level(level: str) -> str | None:
    index = LEVEL_ORDER.index(RegionLevel(level))
    return LEVEL_ORDER[index - 1] if index else None
