from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.choices import Role
from jiaoliuba.appeals.choices import Category, Priority
from jiaoliuba.regions.choices import RegionLevel


class RoutingRule(models.Model):
    """Where new appeals go. The most specific active rule wins (region deepest, then
    category and priority set); without a matching rule the built-in defaults of the
    seed apply (red → community secretary, with the street told; yellow → the grid
    worker; blue → community staff)."""

    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Applies to appeals in this region and below; empty means everywhere."),
        verbose_name=_("region"),
    )
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices, blank=True)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices, blank=True)
    target_role = models.CharField(_("handled by role"), max_length=32, choices=Role.choices)
    target_level = models.CharField(
        _("at level"),
        max_length=16,
        choices=RegionLevel.choices,
        help_text=_("The level of the appeal's location where the role is looked up."),
    )
    notify_role = models.CharField(
        _("also notify role"), max_length=32, choices=Role.choices, blank=True
    )
    notify_level = models.CharField(
        _("notify at level"), max_length=16, choices=RegionLevel.choices, blank=True
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return self.name


class TimeLimit(models.Model):
    """Overrides the default time limits (docs/appeal-loop.md) for a priority (and optionally a
    category)."""

    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices, blank=True)
    response_hours = models.PositiveSmallIntegerField(
        _("response: natural hours"),
        null=True,
        blank=True,
        help_text=_("Set this or the working days."),
    )
    response_working_days = models.PositiveSmallIntegerField(
        _("response: working days"), null=True, blank=True
    )
    resolution_working_days = models.PositiveSmallIntegerField(_("resolution: working days"))

    class Meta:
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")
        constraints = [
            models.UniqueConstraint(fields=["priority", "category"], name="time_limit_unique")
        ]

    def __str__(self) -> str:
        return f"{self.priority}/{self.category or '*'}"


class RulebookVersion(models.Model):
    """One row: a random token replaced in every transaction that changes a routing rule
    or a time limit (`jiaoliuba.appeals.rulebook`). It commits, or rolls back, with the
    change, so a process that sees a new token also sees the rows it stands for."""

    version = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("rulebook version")
        verbose_name_plural = _("rulebook versions")

    def __str__(self) -> str:
        return self.version
