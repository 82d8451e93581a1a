"""Helpers shared by the community services: the event row, compare-and-set, text
checks, rate limits and notifications in the site's language."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jiaoliuba.community.choices import TEXT_MAX, TITLE_MAX
from jiaoliuba.community.models import CommunityEvent
from jiaoliuba.core import clock, ratelimit
from jiaoliuba.core.errors import Conflict, RateLimited, ValidationFailed, lazy_format
from jiaoliuba.deliberation.services import check_words
from jiaoliuba.notifications.services import notify
from jiaoliuba.regions.choices import RegionLevel
from jiaoliuba.regions.models import Region


def event(
    subject: str,
    obj: models.Model,
    kind: str,
    *,
    actor: Any = None,
    from_status: str = "",
    to_status: str = "",
    data: dict | None = None,
) -> CommunityEvent:
    return CommunityEvent.objects.create(
        subject=subject,
        subject_id=obj.pk,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=from_status,
        to_status=to_status,
        data=data or {},
        created_at=clock.now(),
    )


def move(obj: models.Model, old: str, **fields: Any) -> None:
    """Compare-and-set: write `fields` only while the status is still `old`."""
    updated = type(obj)._default_manager.filter(pk=obj.pk, status=old).update(**fields)
    if updated != 1:
        raise Conflict(
            _("Someone else changed this a moment ago. Please reload."), code="stale_status"
        )
    for name, value in fields.items():
        setattr(obj, name, value)


def locked(model: type[models.Model], pk: int) -> Any:
    return model._default_manager.select_for_update(of=("self",)).get(pk=pk)


def text(value: str, message: Any, *, code: str, max_length: int = TEXT_MAX) -> str:
    """Stripped text that is required, not too long and free of the sensitive words."""
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, code=code)
    if len(value) > max_length:
        raise ValidationFailed(
            lazy_format(_("The text is longer than %(n)s characters."), {"n": max_length}),
            code="text_too_long",
        )
    check_words(value)
    return value


def title(value: str) -> str:
    return text(value, _("Please give a title."), code="title_required", max_length=TITLE_MAX)


def optional(value: str, *, max_length: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if value:
        return text(value, "", code="", max_length=max_length)
    return ""


def limit(kind: str, user: Any) -> None:
    """Count one resident post of `kind` and refuse beyond the hourly allowance (counted
    outside the caller's transaction, so a refused post still counts)."""
    per = settings.COMMUNITY_POSTS_PER_HOUR
    if not ratelimit.hit(
        f"community:{kind}:{getattr(user, 'pk', 0)}", limit=per, window_seconds=3600
    ):
        raise RateLimited(
            _("You have posted a lot in a short time. Please wait a while and try again."),
            code="rate_limited",
        )


def require_community(region: Region) -> None:
    if region.level != RegionLevel.COMMUNITY:
        raise ValidationFailed(_("Please choose a community."), code="not_a_community")


def site_text(message: Any, **params: Any) -> str:
    """Our own lazy templates in the site's language; a person's text is never a format."""
    if not isinstance(message, Promise):
        return str(message)
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % params if params else str(message)


def tell(
    users: Iterable[Any],
    kind: str,
    title_: Any,
    body: Any,
    link: str,
    *,
    channels: Sequence[str] = (),
    payload: dict | None = None,
    **params: Any,
) -> None:
    """Inbox rows in the caller's transaction; other channels leave on commit (notify)."""
    people = [u for u in users if u is not None and getattr(u, "pk", None)]
    if not people:
        return
    notify(
        recipients=people,
        kind=kind,
        title=site_text(title_, **params),
        body=site_text(body, **params),
        link=link,
        channels=channels,
        payload=payload,
    )
