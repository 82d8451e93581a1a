from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.choices import Role


class RoleAssignment(models.Model):
    """A role held at a node of the region tree; it covers the node's whole subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="role_assignments",
        verbose_name=_("region"),
    )
    skills = models.CharField(
        _("skills"),
        max_length=200,
        blank=True,
        help_text=_("Comma-separated: law, health, psychology, elderly, youth, building."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "region"], name="role_assignment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} @ {self.region}"


class DutyShift(models.Model):
    """Who is on duty at a region node when: the rota routing prefers for walk-in work."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="duty_shifts",
        verbose_name=_("user"),
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, related_name="+", verbose_name=_("region")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty rota")
        indexes = [models.Index(fields=["region", "starts_at", "ends_at"], name="duty_region_time")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.region}"
