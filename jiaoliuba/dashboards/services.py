"""Writes of the dashboards app: only its own rollups."""

from __future__ import annotations

from jiaoliuba.dashboards import projection, rebuild


def rollups_sync(*, thorough: bool = False) -> int:
    """Bring the rollups up to the newest appeal event; returns the events read."""
    return projection.rollups_catch_up(thorough=thorough)


def rollups_rebuild() -> dict[str, int]:
    """Throw the rollups away and recompute them from the appeals."""
    return rebuild.rollups_rebuild()
