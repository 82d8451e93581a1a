from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from jiaoliuba.regions import selectors
from jiaoliuba.regions.api.schemas import RegionOut
from jiaoliuba.regions.models import Region

router = Router(tags=["regions"])


def region_out(region: Region, parent_code: str | None = None) -> RegionOut:
    return RegionOut(
        code=region.code, name=region.name, level=region.level, parent_code=parent_code
    )


@router.get("/regions", response=list[RegionOut])
def region_list(request: HttpRequest, parent: str = ""):
    """Children of `parent` (the cities when empty). Region names and codes are public."""
    parent_region = selectors.region_get(code=parent) if parent else None
    return [region_out(r, parent) for r in selectors.region_children(parent=parent_region)]


@router.get("/regions/{code}", response=RegionOut)
def region_detail(request: HttpRequest, code: str):
    region = selectors.region_get(code=code)
    return region_out(region, region.parent.code if region.parent else None)
