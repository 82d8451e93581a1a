"""Reviewing the sensitive-access log: who saw a full phone or ID number, who unmasked an
anonymous filer, when and why. Read by the privacy auditor role only; the review itself
is audited when exported."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts import selectors as accounts
from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.types import Viewer
from jiaoliuba.core import clock
from jiaoliuba.core.errors import NotFound
from jiaoliuba.core.models import SensitiveAccessLog

AUDITOR = frozenset({Role.AUDITOR})


def may_review(user: Viewer) -> bool:
    return bool(accounts.user_scope_paths(user, roles=AUDITOR))


@dataclass(frozen=True)
class Filters:
    viewer: str = ""  # part of the viewer's username or name
    field: str = ""
    subject_type: str = ""
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive


def access_log(*, user: Viewer, filters: Filters) -> QuerySet[SensitiveAccessLog]:
    if not may_review(user):
        raise NotFound(_("Not found."))
    rows = SensitiveAccessLog.objects.select_related("actor").order_by("-created_at", "-id")
    if filters.viewer:
        rows = rows.filter(
            Q(actor__username__icontains=filters.viewer)
            | Q(actor__display_name__icontains=filters.viewer)
        )
    if filters.field:
        rows = rows.filter(field=filters.field)
    if filters.subject_type:
        rows = rows.filter(subject_type=filters.subject_type)
    zone = clock.local_now().tzinfo
    if filters.since:
        rows = rows.filter(created_at__gte=dt.datetime.combine(filters.since, dt.time(), zone))
    if filters.until:
        end = dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time(), zone)
        rows = rows.filter(created_at__lt=end)
    return rows


def known_values(*, user: Viewer) -> tuple[list[str], list[str]]:
    """The fields and subject kinds present, for the filter menus."""
    if not may_review(user):
        raise NotFound(_("Not found."))
    fields = SensitiveAccessLog.objects.order_by("field").values_list("field", flat=True).distinct()
    kinds = (
        SensitiveAccessLog.objects.order_by("subject_type")
        .values_list("subject_type", flat=True)
        .distinct()
    )
    return list(fields), list(kinds)
