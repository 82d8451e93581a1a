"""The few facts about a resident that voting needs, read once per request."""

from __future__ import annotations

from typing import Any

from jiaoliuba.accounts.models import ResidentProfile

_ATTR = "_jiaoliuba_vote_resident"


def resident_brief(user: Any) -> ResidentProfile | None:
    """Region path, verification and household of the user's resident profile (or None),
    cached on the user object: the access check and the eligibility check of one ballot
    share one query."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, _ATTR):
        profile = (
            ResidentProfile.objects.filter(user=user)
            .only("id", "user_id", "region_path", "verification_status", "household_id")
            .first()
        )
        setattr(user, _ATTR, profile)
    return getattr(user, _ATTR)
