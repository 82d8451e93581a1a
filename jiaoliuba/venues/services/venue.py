"""The venue registry: the place, its photos, its regular hours, special closures and
monthly themes. Every change is written by a community's staff (or above) and leaves
one event row."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import IO, Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.models import User
from jiaoliuba.appeals.choices import AttachmentKind
from jiaoliuba.appeals.uploads import clean_upload
from jiaoliuba.core import clock
from jiaoliuba.core.errors import PermissionDenied, ValidationFailed, lazy_format
from jiaoliuba.regions.choices import RegionLevel
from jiaoliuba.regions.models import Region
from jiaoliuba.venues import policies
from jiaoliuba.venues.choices import EventKind, ThemeKind, Zone
from jiaoliuba.venues.models import Closure, OpeningHours, Theme, Venue, VenuePhoto
from jiaoliuba.venues.services._common import event

MAX_PHOTOS = 12
MAX_AREA_M2 = 10_000


def _require_manager(actor: User, path: str) -> None:
    if not policies.manages(actor, path):
        raise PermissionDenied(
            _("Only the community's staff may change its venue."), code="venue_not_manager"
        )


def _clean(
    name: str, address: str, area_m2: Any, zones: list[str], facilities: str
) -> dict[str, Any]:
    name, address = (name or "").strip(), (address or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed(
            _("Please give the venue a name of at most 100 characters."), code="venue_name"
        )
    if not address or len(address) > 200:
        raise ValidationFailed(
            _("Please give the address (at most 200 characters)."), code="venue_address"
        )
    try:
        area = int(str(area_m2).strip())
    except (TypeError, ValueError):
        area = 0
    if not 1 <= area <= MAX_AREA_M2:
        raise ValidationFailed(
            lazy_format(
                _("The area must be a whole number of square metres between 1 and %(max)s."),
                {"max": MAX_AREA_M2},
            ),
            code="venue_area",
        )
    unknown = [z for z in zones if z not in Zone.values]
    if unknown:
        raise ValidationFailed(_("Unknown zone."), code="venue_zone")
    if len(facilities or "") > 2000:
        raise ValidationFailed(
            _("The facilities are longer than 2000 characters."), code="venue_facilities"
        )
    ordered = [z for z in Zone.values if z in zones]
    return {
        "name": name,
        "address": address,
        "area_m2": area,
        "zones": ordered,
        "facilities": (facilities or "").strip(),
    }


def venue_create(
    *,
    actor: User,
    region: Region,
    name: str,
    address: str,
    area_m2: Any,
    zones: list[str] | None = None,
    facilities: str = "",
) -> Venue:
    """Register a community's venue. An area under the model's 30 m² is kept and shown
    with a warning (selectors.venue_warnings), not refused."""
    if region.level != RegionLevel.COMMUNITY:
        raise ValidationFailed(_("A venue belongs to a community."), code="venue_region")
    _require_manager(actor, region.path)
    fields = _clean(name, address, area_m2, zones or [], facilities)
    now = clock.now()
    with transaction.atomic():
        venue = Venue.objects.create(
            region=region, region_path=region.path, created_at=now, updated_at=now, **fields
        )
        event(venue, EventKind.VENUE_CREATED, actor=actor, data=dict(fields))
    return venue


def venue_update(
    *,
    actor: User,
    venue: Venue,
    name: str,
    address: str,
    area_m2: Any,
    zones: list[str],
    facilities: str,
    active: bool = True,
) -> Venue:
    _require_manager(actor, venue.region_path)
    fields = _clean(name, address, area_m2, zones, facilities)
    with transaction.atomic():
        changed = {k: v for k, v in fields.items() if getattr(venue, k) != v}
        if venue.active != active:
            changed["active"] = active
        if not changed:
            return venue
        Venue.objects.filter(pk=venue.pk).update(updated_at=clock.now(), **changed)
        event(venue, EventKind.VENUE_UPDATED, actor=actor, data=changed)
    venue.refresh_from_db()
    return venue


def venue_photo_add(
    *, actor: User, venue: Venue, name: str, file: IO[bytes], caption: str = ""
) -> VenuePhoto:
    """A photo, checked by content and stripped of its metadata exactly as an appeal's
    (appeals.uploads.clean_upload)."""
    _require_manager(actor, venue.region_path)
    if venue.photos.count() >= MAX_PHOTOS:
        raise ValidationFailed(
            lazy_format(_("At most %(n)s photos."), {"n": MAX_PHOTOS}), code="venue_too_many_photos"
        )
    if len(caption) > 100:
        raise ValidationFailed(
            _("The caption is longer than 100 characters."), code="venue_caption"
        )
    clean = clean_upload(name=name, file=file, declared_kind=AttachmentKind.IMAGE)
    stored = ""
    try:
        with transaction.atomic():
            photo = VenuePhoto.objects.create(
                venue=venue,
                file=clean.content,
                content_type=clean.content_type,
                size=clean.size,
                caption=caption.strip(),
                created_at=clock.now(),
            )
            stored = photo.file.name
            event(venue, EventKind.PHOTO_ADDED, actor=actor, data={"photo": photo.pk})
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return photo


def venue_hours_set(
    *, actor: User, venue: Venue, rows: list[tuple[int, dt.time, dt.time]]
) -> list[OpeningHours]:
    """Replace the regular weekly hours: (weekday 0 = Monday, opens, closes) rows; a day
    may have several intervals that do not overlap."""
    _require_manager(actor, venue.region_path)
    by_day: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for weekday, opens, closes in rows:
        if weekday not in range(7):
            raise ValidationFailed(_("Unknown weekday."), code="hours_weekday")
        if not opens < closes:
            raise ValidationFailed(
                _("Each interval must close after it opens."), code="hours_order"
            )
        by_day.setdefault(weekday, []).append((opens, closes))
    for intervals in by_day.values():
        intervals.sort()
        for (_o1, c1), (o2, _c2) in itertools.pairwise(intervals):
            if o2 < c1:
                raise ValidationFailed(
                    _("Two intervals of the same day overlap."), code="hours_overlap"
                )
    with transaction.atomic():
        Venue.objects.select_for_update().filter(pk=venue.pk).first()
        OpeningHours.objects.filter(venue=venue).delete()
        made = OpeningHours.objects.bulk_create(
            OpeningHours(venue=venue, weekday=d, opens=o, closes=c)
            for d, intervals in sorted(by_day.items())
            for o, c in intervals
        )
        event(
            venue,
            EventKind.HOURS_SET,
            actor=actor,
            data={
                "hours": [
                    [d, f"{o:%H:%M}", f"{c:%H:%M}"]
                    for d, intervals in sorted(by_day.items())
                    for o, c in intervals
                ]
            },
        )
    return made


def venue_closure_add(*, actor: User, venue: Venue, day: dt.date, reason: str) -> Closure:
    _require_manager(actor, venue.region_path)
    reason = (reason or "").strip()
    if not reason or len(reason) > 100:
        raise ValidationFailed(
            _("Please give the reason for the closure (at most 100 characters)."),
            code="closure_reason",
        )
    with transaction.atomic():
        if Closure.objects.filter(venue=venue, day=day).exists():
            raise ValidationFailed(
                _("The venue is already closed on that day."), code="closure_exists"
            )
        closure = Closure.objects.create(venue=venue, day=day, reason=reason)
        event(
            venue,
            EventKind.CLOSURE_ADDED,
            actor=actor,
            data={"day": day.isoformat(), "reason": reason},
        )
    return closure


def venue_closure_remove(*, actor: User, closure: Closure) -> None:
    venue = closure.venue
    _require_manager(actor, venue.region_path)
    with transaction.atomic():
        if Closure.objects.filter(pk=closure.pk).delete()[0]:
            event(
                venue,
                EventKind.CLOSURE_REMOVED,
                actor=actor,
                data={"day": closure.day.isoformat(), "reason": closure.reason},
            )


def venue_theme_set(
    *,
    actor: User,
    venue: Venue,
    month: dt.date,
    kind: str,
    title: str = "",
    day: dt.date | None = None,
    note: str = "",
) -> Theme:
    """The month's theme (one per month; setting it again replaces it)."""
    _require_manager(actor, venue.region_path)
    if kind not in ThemeKind.values:
        raise ValidationFailed(_("Unknown theme."), code="theme_kind")
    first = month.replace(day=1)
    title = (title or "").strip() or str(ThemeKind(kind).label)
    if len(title) > 100 or len(note) > 200:
        raise ValidationFailed(_("The title or the note is too long."), code="theme_too_long")
    if day is not None and (day.year, day.month) != (first.year, first.month):
        raise ValidationFailed(_("The theme's main day must be in its month."), code="theme_day")
    with transaction.atomic():
        theme, _created = Theme.objects.update_or_create(
            venue=venue,
            month=first,
            defaults={
                "kind": kind,
                "title": title,
                "day": day,
                "note": note.strip(),
                "set_by": actor,
            },
        )
        event(
            venue,
            EventKind.THEME_SET,
            actor=actor,
            data={
                "month": first.isoformat(),
                "kind": kind,
                "title": title,
                "day": day.isoformat() if day else None,
            },
        )
    return theme
