"""Reads of appeals, always on behalf of a user and limited to what they may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.models import User
from jiaoliuba.accounts.selectors import (
    resident_of,
    scope_q,
    user_covers,
    user_is_staff_member,
    user_roles_at,
    user_scope_paths,
)
from jiaoliuba.accounts.types import Viewer
from jiaoliuba.appeals import policies, similarity, tracking
from jiaoliuba.appeals.choices import (
    HANDLING_STATUSES,
    OPEN_STATUSES,
    RESIDENT_VISIBLE_EVENTS,
    EventKind,
    ExtensionStatus,
    Status,
)
from jiaoliuba.appeals.models import (
    Appeal,
    AppealBand,
    AppealEvent,
    Attachment,
    Extension,
    Mediation,
    RiskAlert,
)
from jiaoliuba.core import clock, rawsql
from jiaoliuba.core.errors import NotFound
from jiaoliuba.core.typed import whole_number
from jiaoliuba.regions.choices import SEGMENT
from jiaoliuba.regions.models import Region
from jiaoliuba.regions.models.region import subtree_q

_RELATED = (
    "community",
    "grid",
    "handling_region",
    "assignee",
    "submitter",
    "merged_into",
    "repeat_of",
)


def _scope_q(user: Viewer) -> Q:
    """The user's staff scope, plus for a grid worker the appeals of their community that
    name no grid: nobody knows yet whose grid they belong to, and the grid workers who
    walk the community are the ones likely to recognise the place."""
    condition = scope_q(user, field="region_path")
    communities = {path[:-SEGMENT] for path in user_roles_at(user).get(Role.GRID_WORKER, [])}
    if communities:
        # Exact match: an appeal without a grid carries its community's own path.
        condition |= Q(region_path__in=sorted(communities))
    return condition


def appeals_in_scope(user: Viewer) -> QuerySet[Appeal]:
    return Appeal.objects.filter(_scope_q(user)).select_related(*_RELATED)


def access_appeal(*, user: Viewer, appeal_id: int) -> Appeal:
    """The appeal if the user filed it or it lies in their staff scope; otherwise 404."""
    if not isinstance(user, User):
        raise NotFound(_("No such appeal."), code="appeal_not_found")
    appeal = (
        Appeal.objects.filter(
            Q(pk=appeal_id) & (Q(submitter=user) | Q(assignee=user) | _scope_q(user))
        )
        .select_related(*_RELATED)
        .first()
    )
    if appeal is None:
        raise NotFound(_("No such appeal."), code="appeal_not_found")
    return appeal


def appeal_in_scope_by_reference(*, user: Viewer, reference: str | int) -> Appeal:
    """An appeal in the user's staff scope by its number (or id), as staff type it into a
    form; anything else answers 404."""
    raw = str(reference).strip()
    scoped = appeals_in_scope(user)
    found = scoped.filter(number=raw).first() if raw else None
    if found is None and whole_number(raw) is not None:
        found = scoped.filter(pk=int(raw)).first()
    if found is None:
        raise NotFound(_("No such appeal."), code="appeal_not_found")
    return found


def access_appeal_by_reference(*, user: Viewer, reference: str) -> Appeal:
    """An appeal by the number (or id) a person typed into a form, if `access_appeal`
    lets them see it; otherwise 404."""
    raw = str(reference).strip()
    found = Appeal.objects.filter(number=raw).values_list("pk", flat=True).first() if raw else None
    if found is None and whole_number(raw) is not None:
        found = int(raw)
    if found is None:
        raise NotFound(_("No such appeal."), code="appeal_not_found")
    return access_appeal(user=user, appeal_id=found)


def access_extension(*, appeal: Appeal, extension_id: Any) -> Extension:
    """An extension request of an appeal the user already reached through
    `access_appeal`; otherwise 404."""
    number = whole_number(extension_id)
    extension = (
        Extension.objects.filter(pk=number, appeal=appeal).first() if number is not None else None
    )
    if extension is None:
        raise NotFound(_("No such extension request."), code="extension_not_found")
    return extension


def access_mediation(*, appeal: Appeal, mediation_id: Any) -> Mediation:
    """A mediation of an appeal the user already reached through `access_appeal`;
    otherwise 404."""
    number = whole_number(mediation_id)
    mediation = (
        Mediation.objects.filter(pk=number, appeal=appeal).first() if number is not None else None
    )
    if mediation is None:
        raise NotFound(_("No such mediation."), code="mediation_not_found")
    return mediation


def appeal_mediations(*, appeal: Appeal) -> QuerySet[Mediation]:
    return (
        Mediation.objects.filter(appeal=appeal)
        .prefetch_related("parties", "sessions")
        .select_related("mediator")
    )


def access_joinable_appeal(*, appeal_id: int) -> Appeal:
    """An appeal a resident may "+1": any one the similar-list showed them, not only
    their own, but never an anonymous or merged one."""
    master = Appeal.objects.filter(
        pk=appeal_id, merged_into__isnull=True, is_anonymous=False
    ).first()
    if master is None:
        raise NotFound(_("No such appeal."), code="appeal_not_found")
    return master


def is_staff_view(user: Viewer, appeal: Appeal) -> bool:
    """Staff see internal events and the handling tools; a resident sees their own view
    even if they also hold a staff role elsewhere."""
    if appeal.assignee_id is not None and appeal.assignee_id == getattr(user, "pk", None):
        return True  # e.g. a lawyer or doctor the appeal was routed to
    return user_is_staff_member(user) and appeals_in_scope(user).filter(pk=appeal.pk).exists()


def assigned_to(*, user: User) -> QuerySet[Appeal]:
    """Open appeals a person handles (professionals reach theirs from here)."""
    return (
        Appeal.objects.filter(assignee=user, status__in=OPEN_STATUSES)
        .select_related("community")
        .order_by(F("current_due_at").asc(nulls_last=True))
    )


MY_PERIOD_DAYS = {"7d": 7, "30d": 30, "90d": 90, "365d": 365}
# 我的诉求 filters: what a resident means by “open” and “finished”.
MY_STATUS_GROUPS = {
    "open": OPEN_STATUSES,
    "to_rate": (Status.RESOLVED,),
    "finished": (Status.RATED, Status.CLOSED, Status.REJECTED, Status.MERGED, Status.WITHDRAWN),
}


def my_appeals(
    *, user: User, query: str = "", status: str = "", period: str = ""
) -> QuerySet[Appeal]:
    """The appeals a resident filed, newest first; `query` matches the number or the
    text, `status` a group of MY_STATUS_GROUPS or one status, `period` received within
    the last 7/30/90/365 days."""
    qs = Appeal.objects.filter(submitter=user)
    if status in MY_STATUS_GROUPS:
        qs = qs.filter(status__in=MY_STATUS_GROUPS[status])
    elif status in Status.values:
        qs = qs.filter(status=status)
    if period in MY_PERIOD_DAYS:
        qs = qs.filter(received_at__gte=clock.now() - dt.timedelta(days=MY_PERIOD_DAYS[period]))
    query = (query or "").strip()[:100]
    if query:
        qs = qs.filter(
            Q(number__icontains=query) | Q(content__icontains=query) | Q(address__icontains=query)
        )
    return qs.select_related("community", "merged_into").order_by("-received_at", "-pk")


def tracked_appeal(*, code: str) -> Appeal:
    """The appeal behind a tracking code, for whoever holds the code; 404 otherwise."""
    wanted = tracking.normalize(code)
    appeal = (
        Appeal.objects.filter(tracking_code=wanted).select_related(*_RELATED).first()
        if wanted
        else None
    )
    if appeal is None:
        raise NotFound(_("No appeal has this tracking code."), code="tracking_code_not_found")
    return appeal


def appeal_queue(
    *,
    user: User,
    status: str = "",
    priority: str = "",
    category: str = "",
    query: str = "",
    mine: bool = False,
    overdue: bool = False,
    to_triage: bool = False,
) -> QuerySet[Appeal]:
    """The workbench queue: open appeals first, overdue ones at the top, then the nearest
    deadline; finished ones after, newest first."""
    qs = appeals_in_scope(user)
    if status == "open" or not status:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status in Status.values:
        qs = qs.filter(status=status)
    if priority:
        qs = qs.filter(priority=priority)
    if category:
        qs = qs.filter(category=category)
    if mine:
        qs = qs.filter(assignee=user)
    if overdue:
        qs = qs.filter(status__in=OPEN_STATUSES, current_due_at__lt=clock.now())
    if to_triage:
        qs = qs.filter(triage_needs_review=True)
    query = query.strip()
    if query:
        qs = qs.filter(
            Q(number__icontains=query) | Q(content__icontains=query) | Q(address__icontains=query)
        )
    # Appeals waiting for manual triage come first, then the clocks.
    return qs.prefetch_related("ratings", "attachments").order_by(
        "-triage_needs_review", F("current_due_at").asc(nulls_last=True), "-received_at", "-pk"
    )


MAP_PERIODS = {"7": 7, "30": 30, "90": 90, "365": 365, "all": None}
MAP_MAX_POINTS = 2000


def appeal_map_points(
    *,
    user: User,
    status: str = "",
    priority: str = "",
    category: str = "",
    period: str = "30",
) -> tuple[list[Appeal], bool]:
    """Appeals in the user's scope that carry a map point, newest first, and whether the
    list was cut at MAP_MAX_POINTS. `period` is a key of MAP_PERIODS (days received)."""
    qs = appeals_in_scope(user).filter(latitude__isnull=False, longitude__isnull=False)
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status in Status.values:
        qs = qs.filter(status=status)
    if priority:
        qs = qs.filter(priority=priority)
    if category:
        qs = qs.filter(category=category)
    days = MAP_PERIODS.get(period, MAP_PERIODS["30"])
    if days is not None:
        qs = qs.filter(received_at__gte=clock.now() - dt.timedelta(days=days))
    rows = list(qs.order_by("-received_at", "-pk")[: MAP_MAX_POINTS + 1])
    return rows[:MAP_MAX_POINTS], len(rows) > MAP_MAX_POINTS


def appeal_timeline(*, appeal: Appeal, staff_view: bool) -> list[AppealEvent]:
    events = AppealEvent.objects.filter(appeal=appeal).select_related("actor")
    if not staff_view:
        events = events.filter(kind__in=RESIDENT_VISIBLE_EVENTS, visible_to_resident=True)
    rows = list(events)
    if not staff_view and appeal.merged_into_id:
        # A merged appeal follows its master: its reporter sees the master's progress.
        rows += list(
            AppealEvent.objects.filter(
                appeal_id=appeal.merged_into_id,
                kind__in=RESIDENT_VISIBLE_EVENTS,
                visible_to_resident=True,
                created_at__gte=appeal.received_at,
            )
        )
        rows.sort(key=lambda e: (e.created_at, e.pk))
    return rows


def urge_supervise_counts(*, user: User, since: dt.datetime | None = None) -> dict[str, int]:
    """催办 and 督办 on appeals in scope, the sweep's and those pressed by hand alike (the
    same event kinds), with the manual ones also on their own."""
    events = AppealEvent.objects.filter(
        appeal__in=appeals_in_scope(user).values("pk"),
        kind__in=(EventKind.URGED, EventKind.SUPERVISED),
    )
    if since is not None:
        events = events.filter(created_at__gte=since)
    manual = Q(actor__isnull=False)
    return events.aggregate(
        urged=Count("pk", filter=Q(kind=EventKind.URGED)),
        supervised=Count("pk", filter=Q(kind=EventKind.SUPERVISED)),
        urged_manual=Count("pk", filter=Q(kind=EventKind.URGED) & manual),
        supervised_manual=Count("pk", filter=Q(kind=EventKind.SUPERVISED) & manual),
    )


def supervision_overview(*, user: User) -> dict[str, Any]:
    now = clock.now()
    scoped = appeals_in_scope(user)
    overdue = [
        a
        for a in scoped.filter(status__in=OPEN_STATUSES, current_due_at__lt=now).order_by(
            "current_due_at"
        )[:200]
    ]
    supervised = [
        a
        for a in scoped.filter(status__in=OPEN_STATUSES)
        .filter(
            Q(response_supervised_at__isnull=False)
            | Q(resolution_supervised_at__isnull=False)
            # 督办 raised by hand (the sweep's own leave a stamp above)
            | Q(
                pk__in=AppealEvent.objects.filter(
                    kind=EventKind.SUPERVISED, actor__isnull=False
                ).values("appeal_id")
            )
        )
        .order_by("current_due_at")[:200]
        if policies.may_supervise(user, a) or policies.may_urge(user, a)
    ]
    review = [
        a
        for a in scoped.filter(status=Status.RATED).order_by("resolved_at")[:200]
        if policies.may_supervise(user, a)
    ]
    extensions = [
        e
        for e in Extension.objects.filter(
            status=ExtensionStatus.PENDING, appeal__in=scoped, appeal__status__in=HANDLING_STATUSES
        )
        .select_related("appeal", "appeal__handling_region", "requested_by")
        .order_by("created_at")[:200]
        if policies.may_supervise(user, e.appeal)
    ]
    return {
        "overdue": overdue,
        "supervised": supervised,
        "pressure": urge_supervise_counts(user=user),
        "review": review,
        "extensions": extensions,
    }


def public_handled_appeals(*, region: Region, limit: int = 100) -> QuerySet[Appeal]:
    """Appeals in the region's subtree (a community, or every community of a street or
    district) whose handling is finished and whose residents agreed to show them. One
    under review after an unsatisfied rating is not finished, nor is a merged or rejected
    one (the master carries the matter). The page de-identifies what it shows."""
    return (
        Appeal.objects.filter(
            subtree_q(region.path, field="region_path"),
            consent_public=True,
            status__in=(Status.RESOLVED, Status.CLOSED),
            resolved_at__isnull=False,
        )
        .select_related("community", "submitter")
        .order_by("-resolved_at", "-pk")[:limit]
    )


def public_regions(*, under: Region | None = None) -> QuerySet[Region]:
    """The boards one can open: districts and streets (everywhere), or the communities of
    a street or district."""
    if under is None:
        return Region.objects.filter(level__in=("district", "street")).order_by("path")
    return Region.objects.filter(subtree_q(under.path), level="community").order_by("path")


_EXCLUDED_FROM_HISTORY = (Status.REJECTED, Status.MERGED, Status.WITHDRAWN)


def recent_same_category(
    *, submitter_id: int, before: dt.datetime, days: int, category: str, limit: int = 20
) -> Iterator[Appeal]:
    """A person's earlier named appeals of one category received in the `days` before
    `before`, newest first, leaving out rejected, merged and withdrawn ones; anonymous
    appeals are never linked to their filer (policies.person_linkable). Only what the
    repeat check reads is loaded (pk, number, content, is_anonymous; the rest, the time
    received included, is deferred). Written as SQL: every intake runs it, and building
    it through the ORM cost several times what running it does. The rows are read at
    once; each appeal is made from its row only when the caller gets to it (the repeat
    check usually stops at the first)."""
    adapt = connection.ops.adapt_datetimefield_value
    with rawsql.prepared_cursor() as cursor:
        cursor.execute(
            _RECENT_SQL,
            [
                submitter_id,
                False,
                adapt(before - dt.timedelta(days=days)),
                adapt(before),
                *_EXCLUDED_FROM_HISTORY,
                category,
                limit,
            ],
        )
        rows = cursor.fetchall()
    return (_RECENT_ROW.read(row)[0] for row in rows)  # type: ignore[misc]


# The time is the query's order, not read: 21 datetimes parsed per intake for nothing.
_RECENT_FIELDS = ("id", "number", "content", "is_anonymous")
_RECENT_COLUMNS = rawsql.Columns(
    Appeal,
    "a",
    skip=[f.name for f in Appeal._meta.concrete_fields if f.name not in _RECENT_FIELDS],
)
_RECENT_ROW = rawsql.RowReader([_RECENT_COLUMNS])
_RECENT_SQL = (
    f"SELECT {_RECENT_COLUMNS.sql()} "  # noqa: S608
    f'FROM "{Appeal._meta.db_table}" a WHERE a."submitter_id" = %s AND a."is_anonymous" = %s '
    'AND a."received_at" >= %s AND a."received_at" <= %s '
    f'AND a."status" NOT IN ({", ".join(["%s"] * len(_EXCLUDED_FROM_HISTORY))}) '
    'AND a."category" = %s ORDER BY a."received_at" DESC LIMIT %s'
)


def pending_extension(*, appeal: Appeal) -> Extension | None:
    return Extension.objects.filter(appeal=appeal, status=ExtensionStatus.PENDING).first()


def access_attachment(*, user: Viewer, appeal_id: int, attachment_id: int):
    appeal = access_appeal(user=user, appeal_id=appeal_id)
    attachment = Attachment.objects.filter(pk=attachment_id, appeal=appeal).first()
    if attachment is None:
        raise NotFound(_("No such file."), code="attachment_not_found")
    return attachment


def queue_counts(*, user: User) -> dict[str, int]:
    now = clock.now()
    scoped = appeals_in_scope(user).filter(status__in=OPEN_STATUSES)
    return {
        "open": scoped.count(),
        "overdue": scoped.filter(current_due_at__lt=now).count(),
        "to_accept": scoped.filter(status=Status.DISPATCHED)
        .filter(Q(assignee=user) | Q(assignee__isnull=True))
        .count(),
        "mine": scoped.filter(assignee=user).count(),
        "to_triage": scoped.filter(triage_needs_review=True).count(),
        "alerts": risk_alerts_for(user=user, open_only=True).count(),
    }


def similar_open_appeals(
    *, user: User, community: Region | None, text: str, limit: int = 5
) -> list[tuple[Appeal, float]]:
    """Open appeals that read like `text` ("其他居民已反映"), for a resident of that
    community (staff: within their scope); another community answers 404. Never the
    user's own appeals and never anonymous ones. Callers show only what the public board
    may (presenters.similar_dict), not the text itself."""

    if community is None or community.level != "community":
        raise NotFound(_("No such community."), code="community_not_found")
    resident = resident_of(user)
    own_community = resident is not None and resident.community_id == community.pk
    staff_paths = [
        p
        for p in user_scope_paths(user)
        if community.path.startswith(p) or p.startswith(community.path)
    ]
    if not own_community and not staff_paths:
        raise NotFound(_("No such community."), code="community_not_found")
    grams = similarity.shingles(text)
    if len(grams) < 4:
        return []
    # Candidates: appeals sharing an LSH band (any age), plus the most recent open ones,
    # compared exactly; both lookups are index ranges, whatever the table's size.
    ids = set(
        AppealBand.objects.filter(
            band_hash__in=similarity.band_hashes(grams), community_id=community.pk
        ).values_list("appeal_id", flat=True)[:150]
    )
    open_here = Appeal.objects.filter(
        status__in=OPEN_STATUSES,
        merged_into__isnull=True,
        is_anonymous=False,
        community=community,
    ).exclude(submitter=user)
    if not own_community:
        # A grid worker's scope is their grid, not the whole community.
        open_here = open_here.filter(scope_q(user, field="region_path"))
    recent = set(open_here.order_by("-received_at").values_list("pk", flat=True)[:50])
    scored = [
        (a, similarity.score(grams, similarity.shingles(a.content)))
        for a in open_here.filter(pk__in=ids | recent).only(
            "pk", "number", "content", "category", "status", "received_at"
        )
    ]
    scored = [(a, s) for a, s in scored if s >= settings.SIMILAR_MIN_SCORE]
    scored.sort(key=lambda pair: -pair[1])
    return scored[:limit]


def risk_alerts_for(*, user: Viewer, open_only: bool = False) -> QuerySet:
    qs = RiskAlert.objects.filter(scope_q(user, field="region_path")).select_related(
        "community", "acknowledged_by"
    )
    if open_only:
        qs = qs.filter(acknowledged_at__isnull=True)
    return qs.order_by("acknowledged_at", "-created_at")


def access_risk_alert(*, user: Viewer, alert_id: int):
    alert = risk_alerts_for(user=user).filter(pk=alert_id).first()
    if alert is None:
        raise NotFound(_("No such alert."), code="alert_not_found")
    return alert


def appeal_numbers(*, user: Viewer, ids: list[int]) -> dict[int, str]:
    """{id: number} of the appeals among `ids` the user may open (alerts link by number)."""
    if not ids:
        return {}
    rows = appeals_in_scope(user).filter(pk__in=ids).values_list("pk", "number")
    return {pk: number or "" for pk, number in rows}


def expert_request_subject(*, user: Viewer, pk: int) -> dict[str, str]:
    """An appeal as the subject of a request to the expert pool (bookings resolves
    "appeal:<id>" through settings.EXPERT_REQUEST_SUBJECTS): staff of its scope only."""
    appeal = access_appeal(user=user, appeal_id=pk)
    if not user_covers(user, appeal.region_path):
        raise NotFound(_("No such appeal."), code="appeal_not_found")
    return {
        # The number only: the appeal's text may name people; staff describe the need.
        "title": str(appeal),
        "path": appeal.region_path,
        "url": reverse("appeals:detail", args=[appeal.pk]),
    }
