from django.db import models
from django.utils.translation import gettext_lazy as _


class Priority(models.TextChoices):
    RED = "red", _("Red (urgent)")
    YELLOW = "yellow", _("Yellow (needs handling)")
    BLUE = "blue", _("Blue (consultation)")


PRIORITY_RANK = {Priority.RED: 0, Priority.YELLOW: 1, Priority.BLUE: 2}


class Category(models.TextChoices):
    NEIGHBOR = "neighbor", _("Neighbour dispute")
    PROPERTY = "property", _("Property management")
    LIVELIHOOD = "livelihood", _("Livelihood services")
    SUGGESTION = "suggestion", _("Opinion or suggestion")
    SAFETY = "safety", _("Safety hazard")
    GROUP_CONFLICT = "group_conflict", _("Collective conflict")
