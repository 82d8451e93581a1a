"""Reads of appeals, always on behalf of a user and limited to what they may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.selectors import scope_q, user_is_staff_member, user_roles_at
from jiaoliuba.appeals import policies
from jiaoliuba.appeals.choices import (
    HANDLING_STATUSES,
    OPEN_STATUSES,
    RESIDENT_VISIBLE_EVENTS,
    ExtensionStatus,
    Status,
)
from jiaoliuba.appeals.models import Appeal, AppealEvent, Extension
from jiaoliuba.core import clock
from jiaoliuba.core.errors import NotFound
from jiaoliuba.regions.choices import SEGMENT
from jiaoliuba.regions.models import Region

_RELATED = ("community", "grid", "handling_region", "assignee", "submitter", "merged_into")


def _scope_q(user: Any) -> Q:
    """The user's staff scope, plus for a grid worker the appeals of their community that
    name no grid: nobody knows yet whose grid they belong to, and the grid workers who
    walk the community are the ones likely to recognise the place."""
    condition = scope_q(user, field="region_path")
    communities = {path[:-SEGMENT] for path in user_roles_at(user).get(Role.GRID_WORKER, [])}
    if communities:
        # Exact match: an appeal without a grid carries its community's own path.
        condition |= Q(region_path__in=sorted(communities))
    return condition


def appeals_in_scope(user: Any) -> QuerySet[Appeal]:
    return Appeal.objects.filter(_scope_q(user)).select_related(*_RELATED)


def access_appeal(*, user: Any, appeal_id: int) -> Appeal:
    """The appeal if the user filed it or it lies in their staff scope; otherwise 404."""
    if not getattr(user, "is_authenticated", False):
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


def is_staff_view(user: Any, appeal: Appeal) -> bool:
    """Staff see internal events and the handling tools; a resident sees their own view
    even if they also hold a staff role elsewhere."""
    if appeal.assignee_id is not None and appeal.assignee_id == getattr(user, "pk", None):
        return True  # e.g. a lawyer or doctor the appeal was routed to
    return user_is_staff_member(user) and appeals_in_scope(user).filter(pk=appeal.pk).exists()


def assigned_to(*, user: Any) -> QuerySet[Appeal]:
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
    *, user: Any, query: str = "", status: str = "", period: str = ""
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
    from jiaoliuba.appeals import tracking

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
    user: Any,
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
    user: Any,
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


def supervision_overview(*, user: Any) -> dict[str, list[Appeal] | list[Extension]]:
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
        .filter(Q(response_supervised_at__isnull=False) | Q(resolution_supervised_at__isnull=False))
        .order_by("current_due_at")[:200]
        if policies.may_supervise(user, a)
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
        "review": review,
        "extensions": extensions,
    }


def public_handled_appeals(*, community: Region, limit: int = 100) -> QuerySet[Appeal]:
    """Handled appeals whose residents agreed to show them, de-identified by the page."""
    return (
        Appeal.objects.filter(
            community=community,
            consent_public=True,
            status__in=(Status.RESOLVED, Status.RATED, Status.CLOSED),
        )
        .exclude(closure_reason="", status=Status.CLOSED, resolved_at__isnull=True)
        .order_by("-resolved_at", "-pk")[:limit]
    )


def previous_appeals_of(*, submitter: Any, before: dt.datetime, days: int) -> QuerySet[Appeal]:
    return Appeal.objects.filter(
        submitter=submitter,
        received_at__gte=before - dt.timedelta(days=days),
        received_at__lte=before,
    ).exclude(status__in=(Status.REJECTED, Status.MERGED, Status.WITHDRAWN))


def pending_extension(*, appeal: Appeal) -> Extension | None:
    return Extension.objects.filter(appeal=appeal, status=ExtensionStatus.PENDING).first()


def access_attachment(*, user: Any, appeal_id: int, attachment_id: int):
    from jiaoliuba.appeals.models import Attachment

    appeal = access_appeal(user=user, appeal_id=appeal_id)
    attachment = Attachment.objects.filter(pk=attachment_id, appeal=appeal).first()
    if attachment is None:
        raise NotFound(_("No such file."), code="attachment_not_found")
    return attachment


def queue_counts(*, user: Any) -> dict[str, int]:
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
    *, community: Region, text: str, limit: int = 5
) -> list[tuple[Appeal, float]]:
    """Open appeals in the same community that read like `text` ("已有居民反映").
    Residents see them without names: the page shows category, date and the text."""
    from django.conf import settings

    from jiaoliuba.appeals import similarity
    from jiaoliuba.appeals.models import AppealBand

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
        status__in=OPEN_STATUSES, merged_into__isnull=True, is_anonymous=False
    )
    recent = set(
        open_here.filter(community=community)
        .order_by("-received_at")
        .values_list("pk", flat=True)[:50]
    )
    scored = [
        (a, similarity.score(grams, similarity.shingles(a.content)))
        for a in open_here.filter(pk__in=ids | recent).only(
            "pk", "number", "content", "category", "received_at"
        )
    ]
    scored = [(a, s) for a, s in scored if s >= settings.SIMILAR_MIN_SCORE]
    scored.sort(key=lambda pair: -pair[1])
    return scored[:limit]


def risk_alerts_for(*, user: Any, open_only: bool = False) -> QuerySet:
    from jiaoliuba.appeals.models import RiskAlert

    qs = RiskAlert.objects.filter(scope_q(user, field="region_path")).select_related(
        "community", "acknowledged_by"
    )
    if open_only:
        qs = qs.filter(acknowledged_at__isnull=True)
    return qs.order_by("acknowledged_at", "-created_at")


def access_risk_alert(*, user: Any, alert_id: int):
    alert = risk_alerts_for(user=user).filter(pk=alert_id).first()
    if alert is None:
        raise NotFound(_("No such alert."), code="alert_not_found")
    return alert
