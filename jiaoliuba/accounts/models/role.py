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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

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
