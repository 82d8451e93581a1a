from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jiaoliuba.core.errors import NotFound
from jiaoliuba.regions.models import Region
from jiaoliuba.regions.models.region import subtree_q


def region_get(*, code: str) -> Region:
    """Region names and codes are public government data, so looking one up needs no
    scope; what lies *under* a region (people, appeals) is scoped by the other apps."""
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise NotFound(_not_found_message(), code="region_not_found")
    return region


def _not_found_message():
    return _("No such region.")


def region_children(*, parent: Region | None) -> QuerySet[Region]:
    return Region.objects.filter(parent=parent).order_by("code")


def region_subtree(*, root: Region, include_root: bool = True) -> QuerySet[Region]:
    qs = Region.objects.filter(subtree_q(root.path))
    return qs if include_root else qs.exclude(pk=root.pk)


def region_ancestors(*, region: Region) -> list[Region]:
    """Root first, the region itself excluded; one query."""
    codes = region.ancestor_codes
    by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code]
