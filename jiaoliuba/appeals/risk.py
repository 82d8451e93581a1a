"""风险预警. Three detectors run when an appeal arrives:
- surge: appeals of one category in one community over the last 24 hours against that
  community's own daily baseline of the previous 28 days (Poisson tail);
- cluster: N or more similar appeals from different residents within 48 hours;
- repeat: one person with 3 or more appeals in 30 days.
Each alert is written once (a deduplication key) and sent to the street's officers."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from jiaoliuba.appeals import policies, similarity
from jiaoliuba.appeals.choices import Status
from jiaoliuba.appeals.models import Appeal, AppealBand, RiskAlert
from jiaoliuba.core import clock

EXCLUDED = (Status.REJECTED, Status.MERGED)


def poisson_tail(count: int, mean: float) -> float:
    """P(X >= count) for X ~ Poisson(mean)."""
    mean = max(mean, 1e-9)
    term = math.exp(-mean)
    below = 0.0
    for k in range(count):
        below += term
        term *= mean / (k + 1)
    return max(0.0, 1.0 - below)


def detect_surge(appeal: Appeal, now: dt.datetime) -> dict[str, Any] | None:
    window = now - dt.timedelta(hours=24)
    same = Appeal.objects.filter(
        community_id=appeal.community_id, category=appeal.category
    ).exclude(status__in=EXCLUDED)
    recent = same.filter(received_at__gt=window, received_at__lte=now).count()
    if recent < settings.RISK_SURGE_MIN:
        return None
    history_start = window - dt.timedelta(days=28)
    history = same.filter(received_at__gt=history_start, received_at__lte=window).count()
    baseline = history / 28
    # A floor on the baseline keeps a quiet community's first few appeals from alarming.
    p = poisson_tail(recent, max(baseline, settings.RISK_SURGE_FLOOR))
    if p >= settings.RISK_SURGE_P:
        return None
    return {"count_24h": recent, "baseline_per_day": round(baseline, 2), "p_value": p}


def similar_recent(
    appeal: Appeal, since: dt.datetime, min_score: float, until: dt.datetime | None = None
) -> list[tuple[Appeal, float]]:
    """Appeals of the same community within the window that read alike (any category:
    the classifier may file paraphrases of one matter under different ones).
    The window is short, so an exact comparison with each is cheap (indexed range)."""
    grams = similarity.shingles(appeal.content)
    found = []
    recent = (
        Appeal.objects.filter(
            community_id=appeal.community_id,
            received_at__gte=since,
            received_at__lte=until or appeal.received_at,
        )
        .exclude(pk=appeal.pk)
        .exclude(status=Status.REJECTED)
        .order_by("-received_at")[:300]
    )
    for other in recent:
        value = similarity.score(grams, similarity.shingles(other.content))
        if value >= min_score:
            found.append((other, value))
    return found


def detect_cluster(appeal: Appeal, now: dt.datetime) -> dict[str, Any] | None:
    """The new appeal's group: appeals linked to it, directly or through each other, by
    similar wording within 48 hours (people tell the same matter in different words)."""
    since = now - dt.timedelta(hours=48)
    window = [appeal, *[a for a, _s in similar_recent(appeal, since, 0.0, until=now)][:60]]
    grams = {a.pk: similarity.shingles(a.content) for a in window}
    threshold = settings.RISK_CLUSTER_SIMILARITY
    group, frontier = {appeal.pk}, [appeal.pk]
    while frontier:
        current = frontier.pop()
        for other in window:
            if (
                other.pk not in group
                and similarity.score(grams[current], grams[other.pk]) >= threshold
            ):
                group.add(other.pk)
                frontier.append(other.pk)
    members = [a for a in window if a.pk in group]
    people = {a.submitter_id for a in members if a.submitter_id}
    if len(members) < settings.RISK_CLUSTER_MIN or len(people) < settings.RISK_CLUSTER_MIN:
        return None
    return {"appeals": sorted(group), "residents": len(people), "anchor": min(group)}


def detect_repeat(appeal: Appeal, now: dt.datetime) -> dict[str, Any] | None:
    # A person-based signal: anonymous appeals neither raise it nor appear in it, or the
    # alert would list them beside their filer's named ones.
    if not policies.person_linkable(appeal):
        return None
    recent = list(
        Appeal.objects.filter(
            submitter_id=appeal.submitter_id,
            is_anonymous=False,
            received_at__gt=now - dt.timedelta(days=30),
            received_at__lte=now,
        )
        .exclude(status__in=EXCLUDED)
        .order_by("received_at")
        .values_list("pk", flat=True)
    )
    if len(recent) < settings.RISK_REPEAT_MIN:
        return None
    return {"appeals": recent, "count_30d": len(recent)}


def _key(kind: str, appeal: Appeal, evidence: dict[str, Any], now: dt.datetime) -> str:
    local = now.astimezone(clock.SHANGHAI).date()
    if kind == RiskAlert.Kind.SURGE:
        return f"surge:{appeal.community_id}:{appeal.category}:{local:%Y%m%d}"
    if kind == RiskAlert.Kind.CLUSTER:
        return f"cluster:{appeal.community_id}:{evidence['anchor']}"
    return f"repeat:{appeal.submitter_id}:{local:%Y%m}"


def scan(appeal: Appeal, now: dt.datetime | None = None) -> list[tuple[str, str, dict[str, Any]]]:
    """(kind, key, evidence) of every detector that fires for this appeal."""
    now = now or clock.now()
    found: list[tuple[str, str, dict[str, Any]]] = []
    for kind, detect in (
        (RiskAlert.Kind.SURGE, detect_surge),
        (RiskAlert.Kind.CLUSTER, detect_cluster),
        (RiskAlert.Kind.REPEAT, detect_repeat),
    ):
        evidence = detect(appeal, now)
        if evidence is not None:
            found.append((str(kind), _key(kind, appeal, evidence, now), evidence))
    return found


def create_alert(
    *, appeal: Appeal, kind: str, key: str, evidence: dict[str, Any], summary: str
) -> RiskAlert | None:
    try:
        with transaction.atomic():
            return RiskAlert.objects.create(
                kind=kind,
                key=key,
                community_id=appeal.community_id,
                region_path=appeal.community.path,
                category=appeal.category,
                summary=summary[:300],
                evidence=evidence,
                created_at=clock.now(),
            )
    except IntegrityError:
        # Already raised: a cluster that keeps growing updates its evidence instead.
        RiskAlert.objects.filter(key=key).update(evidence=evidence)
        return None


def index_appeal(appeal: Appeal) -> None:
    AppealBand.objects.bulk_create(
        AppealBand(appeal=appeal, community_id=appeal.community_id, band_hash=h)
        for h in set(similarity.band_hashes(similarity.shingles(appeal.content)))
    )
