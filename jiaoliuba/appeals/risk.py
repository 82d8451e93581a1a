"""风险预警. Three detectors run when an appeal arrives:
- surge: appeals of one category in one community over the last 2, 4, 8 and 24 hours,
  and over the span of the last four, against that community's own daily baseline of the
  previous 28 days (the negative binomial predictive of a Poisson rate learned from that
  history, the most surprising window, corrected for trying several);
- cluster: N or more appeals about one matter, from different residents within 48 hours
  (`matching`: what they are about, the rare things and places they share, and their
  wording without stock phrases);
- repeat: one person with 3 or more appeals in 30 days.
Each alert is written once (a deduplication key, and for surge and repeat one alert per
window rather than per calendar day or month) and sent to the street's officers."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q

from jiaoliuba.appeals import matching, policies, similarity
from jiaoliuba.appeals.choices import Status
from jiaoliuba.appeals.models import Appeal, AppealBand, RiskAlert
from jiaoliuba.core import clock
from jiaoliuba.regions.choices import SEGMENT
from jiaoliuba.regions.models.region import subtree_q

EXCLUDED = (Status.REJECTED, Status.MERGED)


def predictive_tail(count: int, mean: float, history: float, days: float) -> float:
    """P(X >= count) for the count X of a window whose expected share of a day is `mean`,
    when the daily rate itself is only known from `history` appeals seen over `days` (plus
    the prior of RISK_SURGE_PRIOR_RATE a day, worth RISK_SURGE_PRIOR_DAYS days): the
    Gamma-Poisson (negative binomial) predictive. A community watched for a few days, or a
    category that is rare by chance, is not taken at its word the way a fixed rate would."""
    shape = history + settings.RISK_SURGE_PRIOR_RATE * settings.RISK_SURGE_PRIOR_DAYS
    exposure = days + settings.RISK_SURGE_PRIOR_DAYS
    q = exposure / (exposure + mean)  # the success probability of the negative binomial
    below = 0.0
    for k in range(count):
        below += math.exp(
            math.lgamma(k + shape)
            - math.lgamma(shape)
            - math.lgamma(k + 1)
            + shape * math.log(q)
            + k * math.log1p(-q)
        )
    return max(0.0, 1.0 - below)


def surge_test(
    times: Sequence[dt.datetime], now: dt.datetime, history: float, days: float
) -> tuple[float, int, float] | None:
    """(p, count, hours) of the most surprising window ending at `now`, or None when no
    window holds RISK_SURGE_MIN appeals. `history` appeals were seen over the `days` before
    the last 24 hours. A burst told within a few hours stands out in a short window long
    before the whole day's count does; p is multiplied by the number of windows tried, so
    looking more often does not raise more false alarms."""
    windows = settings.RISK_SURGE_WINDOWS
    spans = settings.RISK_SURGE_SPANS
    tries = len(windows) + len(spans)
    best: tuple[float, int, float] | None = None
    candidates: list[tuple[int, float]] = []
    for hours in windows:
        start = now - dt.timedelta(hours=hours)
        candidates.append((sum(1 for t in times if start < t <= now), hours))
    # The span of the last m appeals: the tightest window that holds m of them, so a burst
    # is judged by how fast its 4th came, not by which fixed window it happens to fill.
    recent = sorted(t for t in times if t <= now)
    for m in spans:
        if len(recent) >= m:
            hours = max(SPAN_FLOOR_HOURS, (now - recent[-m]).total_seconds() / 3600)
            candidates.append((m, hours))
    for count, hours in candidates:
        if count < settings.RISK_SURGE_MIN:
            continue
        # Appeals come in the waking hours: a short window expects its share of a day.
        share = min(1.0, hours / settings.RISK_SURGE_ACTIVE_HOURS)
        p = min(1.0, predictive_tail(count, share, history, days) * tries)
        if best is None or p < best[0]:
            best = (p, count, hours)
    return best


# A span shorter than this is taken as this long (two appeals a minute apart are not a
# rate of thousands a day).
SPAN_FLOOR_HOURS = 1.0


def detect_surge(appeal: Appeal, now: dt.datetime) -> dict[str, Any] | None:
    """The classifier's category, and (RISK_SURGE_BY_HINT) the type the resident chose:
    a burst the classifier splits over two categories still adds up in the residents'
    own. Each scope is tested at RISK_SURGE_P divided by the number of scopes."""
    by_hint = settings.RISK_SURGE_BY_HINT
    scopes = [appeal.category]
    if by_hint and appeal.type_hint and appeal.type_hint != appeal.category:
        scopes.append(appeal.type_hint)
    window = now - dt.timedelta(hours=24)
    for category in scopes:
        same = (
            Appeal.objects.filter(community_id=appeal.community_id)
            .filter(
                Q(category=category) | Q(type_hint=category) if by_hint else Q(category=category)
            )
            .exclude(status__in=EXCLUDED)
        )
        times = list(
            same.filter(received_at__gt=window, received_at__lte=now).values_list(
                "received_at", flat=True
            )
        )
        if len(times) < settings.RISK_SURGE_MIN:
            continue
        history_start = window - dt.timedelta(days=28)
        history = same.filter(received_at__gt=history_start, received_at__lte=window).count()
        days = watched_days(appeal.community_id, window)
        baseline = history / days if days else 0.0
        found = surge_test(times, now, history, days)
        if found is None or found[0] >= settings.RISK_SURGE_P / len(scopes):
            continue
        p, count, hours = found
        return {
            "category": category,
            "count_24h": len(times),
            "baseline_per_day": round(baseline, 2),
            "p_value": p,
            "window_hours": hours,
            "count_window": count,
        }
    return None


def watched_days(community_id: int, window: dt.datetime) -> float:
    """Days (at most 28) between the community's first appeal and the start of the last
    24 hours: a new deployment has not seen four weeks of baseline yet."""
    first = (
        Appeal.objects.filter(community_id=community_id)
        .order_by("received_at")
        .values_list("received_at", flat=True)
        .first()
    )
    if first is None or first >= window:
        return 0.0
    return min(28.0, (window - first).total_seconds() / 86400)


_CORPORA: dict[tuple[Any, ...], matching.Corpus] = {}


def district_corpus(appeal: Appeal, now: dt.datetime) -> matching.Corpus:
    """What is common in the appeal's district: its appeals of the RISK_CORPUS_DAYS before
    today (at most RISK_CORPUS_SIZE, the latest). Learned once a day per district and kept
    while the rows it came from are unchanged."""
    district = appeal.region_path[: 2 * SEGMENT]
    today = now.astimezone(clock.SHANGHAI).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = Appeal.objects.filter(
        subtree_q(district, field="region_path"),
        received_at__gte=today - dt.timedelta(days=settings.RISK_CORPUS_DAYS),
        received_at__lt=today,
    ).exclude(status=Status.REJECTED)
    stamp = rows.aggregate(n=Count("pk"), last=Max("pk"), latest=Max("received_at"))
    key = (district, today, *stamp.values(), settings.RISK_CORPUS_SIZE)
    corpus = _CORPORA.get(key)
    if corpus is None:
        latest = rows.order_by("-received_at").values_list("content", "community_id")
        corpus = matching.learn(latest[: settings.RISK_CORPUS_SIZE])
        if len(_CORPORA) > 64:
            _CORPORA.clear()
        _CORPORA[key] = corpus
    return corpus


def detect_cluster(appeal: Appeal, now: dt.datetime) -> dict[str, Any] | None:
    """The new appeal's group: appeals of the last 48 hours that tell the same matter
    (`matching.linked`), directly, or through at least two members of the group."""
    since = now - dt.timedelta(hours=48)
    window = [
        appeal,
        *Appeal.objects.filter(
            community_id=appeal.community_id, received_at__gte=since, received_at__lte=now
        )
        .exclude(pk=appeal.pk)
        .exclude(status=Status.REJECTED)
        .order_by("-received_at")
        .only("pk", "content", "submitter_id", "is_anonymous", "received_at")[:60],
    ]
    if len(window) < settings.RISK_CLUSTER_MIN:
        return None
    corpus = district_corpus(appeal, now)
    tellings = {a.pk: matching.telling(a.content, corpus) for a in window}
    group = matching.group_of(appeal.pk, tellings, corpus, settings.RISK_CLUSTER_SIMILARITY)
    members = [a for a in window if a.pk in group]
    # Named appeals count by their filer; an anonymous appeal counts as one resident of its
    # own, because comparing its filer with the others' would tie it to them (a count of
    # "2 residents" for three appeals tells staff which named neighbour filed it).
    named = {a.submitter_id for a in members if policies.person_linkable(a)}
    anonymous = sum(1 for a in members if not policies.person_linkable(a))
    residents = len(named) + anonymous
    if len(members) < settings.RISK_CLUSTER_MIN or residents < settings.RISK_CLUSTER_MIN:
        return None
    return {
        "appeals": sorted(group),
        "residents": residents,
        "anonymous": anonymous,
        "anchor": min(group),
    }


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
        category = evidence.get("category", appeal.category)
        return f"surge:{appeal.community_id}:{category}:{local:%Y%m%d}"
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


# How long a surge or repeat alert stands for its scope: a later firing within this span is
# the same event (the old calendar-day and calendar-month keys raised a second alert when a
# burst crossed midnight or a resident's third and fourth appeals fell in two months).
_SPANS = {
    RiskAlert.Kind.SURGE: dt.timedelta(hours=24),
    RiskAlert.Kind.REPEAT: dt.timedelta(days=30),
}


def _standing(kind: str, key: str) -> RiskAlert | None:
    span = _SPANS.get(RiskAlert.Kind(kind))
    if span is None:
        return None
    scope = key.rsplit(":", 1)[0] + ":"
    return (
        RiskAlert.objects.filter(
            kind=kind, key__startswith=scope, created_at__gt=clock.now() - span
        )
        .order_by("-created_at")
        .first()
    )


def create_alert(
    *, appeal: Appeal, kind: str, key: str, evidence: dict[str, Any], summary: str
) -> RiskAlert | None:
    standing = _standing(kind, key)
    if standing is not None:
        RiskAlert.objects.filter(pk=standing.pk).update(evidence=evidence)
        return None
    try:
        with transaction.atomic():
            return RiskAlert.objects.create(
                kind=kind,
                key=key,
                community_id=appeal.community_id,
                region_path=appeal.community.path,
                category=evidence.get("category", appeal.category)
                if kind == RiskAlert.Kind.SURGE
                else appeal.category,
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
