"""The map's tile source as the deployment configured it (settings MAP_*), or None when
there is none: then no page loads Leaflet and no tile is asked of anyone."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def tile_source() -> dict[str, Any] | None:
    url = (settings.MAP_TILE_URL or "").strip()
    if not url:
        return None
    lat, lng = settings.MAP_CENTER
    return {
        "url": url,
        "overlay_url": (settings.MAP_TILE_OVERLAY_URL or "").strip(),
        "subdomains": settings.MAP_TILE_SUBDOMAINS,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "max_zoom": settings.MAP_MAX_ZOOM,
        "center_lat": lat,
        "center_lng": lng,
        "zoom": settings.MAP_ZOOM,
    }
