from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.regions.choices import RegionLevel


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    GRID_WORKER = "grid_worker", _("Grid worker")
    COMMUNITY_STAFF = "community_staff", _("Community staff")
    COMMUNITY_SECRETARY = "community_secretary", _("Community party secretary")
    STREET_OFFICER = "street_officer", _("Street officer")
    DISTRICT_OFFICER = "district_officer", _("District officer")
    CITY_ADMIN = "city_admin", _("City administrator")
    PROFESSIONAL = "professional", _("Professional")
    VOLUNTEER = "volunteer", _("Volunteer")
    # Reviews who saw full numbers and who unmasked anonymous filers; handles no affairs.
    AUDITOR = "auditor", _("Privacy auditor")


# Staff who handle residents' affairs within the subtree where they hold the role.
STAFF_ROLES = frozenset(
    {
        Role.GRID_WORKER,
        Role.COMMUNITY_STAFF,
        Role.COMMUNITY_SECRETARY,
        Role.STREET_OFFICER,
        Role.DISTRICT_OFFICER,
        Role.CITY_ADMIN,
    }
)

# The region level at which each role is held. Professionals and volunteers serve a
# community, a street or a whole district.
ROLE_LEVELS: dict[str, frozenset[str]] = {
    Role.GRID_WORKER: frozenset({RegionLevel.GRID}),
    Role.COMMUNITY_STAFF: frozenset({RegionLevel.COMMUNITY}),
    Role.COMMUNITY_SECRETARY: frozenset({RegionLevel.COMMUNITY}),
    Role.STREET_OFFICER: frozenset({RegionLevel.STREET}),
    Role.DISTRICT_OFFICER: frozenset({RegionLevel.DISTRICT}),
    Role.CITY_ADMIN: frozenset({RegionLevel.CITY}),
    Role.PROFESSIONAL: frozenset({RegionLevel.COMMUNITY, RegionLevel.STREET, RegionLevel.DISTRICT}),
    Role.VOLUNTEER: frozenset({RegionLevel.COMMUNITY, RegionLevel.STREET, RegionLevel.DISTRICT}),
    # The access log names no region, so its reviewer sees the whole deployment.
    Role.AUDITOR: frozenset({RegionLevel.CITY}),
}


class VerificationStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Unverified")
    VERIFIED = "verified", _("Verified by staff")


class HouseholdRelation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    OTHER = "other", _("Other")
