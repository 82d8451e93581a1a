"""Where a venue's poster QR code leads: the community's public page. That page is
built in another app; until the lead reconciles the paths it lives at
/community/<region id>/."""

from __future__ import annotations

from jiaoliuba.regions.models import Region


def community_public_url(region: Region) -> str:
    return f"/community/{region.pk}/"
