from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiaoliuba.regions.choices import PATH_MAX, SEGMENT, RegionLevel


def subtree_q(path: str, *, field: str = "path") -> Q:
    """Rows whose `field` lies in the subtree at `path`. Paths are digits only, so the
    subtree is the contiguous range [path, path99…9] in any collation: one B-tree range
    scan on SQLite and PostgreSQL alike."""
    return Q(**{f"{field}__gte": path, f"{field}__lte": path + "9" * (PATH_MAX - len(path))})


class Region(models.Model):
    """A node of 市 → 区/县 → 街道/乡镇 → 社区/村 → 网格. `path` is the concatenation of the
    ancestors' codes (each left-padded to 15 digits) ending with this node's own."""

    code = models.CharField(_("code"), max_length=15, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    path = models.CharField(_("path"), max_length=PATH_MAX, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def path_segment(code: str) -> str:
        return code.zfill(SEGMENT)

    @property
    def depth(self) -> int:
        return len(self.path) // SEGMENT

    @property
    def ancestor_codes(self) -> list[str]:
        """Codes from the root down to the parent."""
        return [
            self.path[i : i + SEGMENT].lstrip("0")
            for i in range(0, len(self.path) - SEGMENT, SEGMENT)
        ]

    def subtree_filter(self, field: str = "path") -> Q:
        return subtree_q(self.path, field=field)

    def contains(self, other: Region) -> bool:
        return other.path.startswith(self.path)
