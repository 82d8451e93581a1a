"""Counting the similar-appeal look-up ("其他居民已反映"). Each answer reveals a little about
other residents' open appeals (category, status, a scrubbed summary), so a script probing
with guessed texts must not ask without limit; a person typing never comes near it."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.models import User
from jiaoliuba.core import ratelimit
from jiaoliuba.core.errors import RateLimited


def similar_lookup_count(*, user: User) -> None:
    """Count one look-up by `user`; raise RateLimited beyond the per-minute limit."""
    if not ratelimit.hit(
        f"similar:{user.pk}", limit=settings.SIMILAR_LOOKUPS_PER_MINUTE, window_seconds=60
    ):
        raise RateLimited(
            _("Too many look-ups in a short time. Please wait a minute."),
            code="similar_rate_limited",
        )
