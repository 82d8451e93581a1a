"""Running risk streams against the database for bench/risk_streams.py: preparing the
bench communities and residents, feeding each stream through intake and the risk check in
a rolled-back transaction, and attributing every firing to a planted event or not."""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections import Counter

from risk_stream_gen import KINDS, PER_SET, POOL, SETS, STREAMS, WORKERS, Stream, generate


def _communities():
    from jiaoliuba.appeals.models import Appeal
    from jiaoliuba.regions.models import Region

    skip = {"411702001001", "411702001002"}  # the demo's appeals; bench/sweep.py's million
    # ...and any other community the demo has since filled with appeals of its own.
    busy = set(Appeal.objects.exclude(content="").values_list("community__code", flat=True))
    found = [
        c
        for c in Region.objects.filter(level="community").order_by("code")
        if c.code not in skip | busy and Region.objects.filter(parent=c, level="grid").exists()
    ]
    if len(found) < SETS * PER_SET:
        sys.exit(f"need {SETS * PER_SET} communities with grids, found {len(found)}")
    return found[: SETS * PER_SET]


MARK = "风险基准"


def prepare() -> None:
    from django.db import transaction

    from jiaoliuba.accounts.models import ResidentProfile, User
    from jiaoliuba.appeals.models import Appeal, RiskAlert
    from jiaoliuba.core import crypto
    from jiaoliuba.demo.loader import load_demo
    from jiaoliuba.regions.models import Region

    load_demo(residents=200)
    communities = _communities()
    token = crypto.encrypt("13900000000")  # one ciphertext for all: nobody reads it here
    for n, community in enumerate(communities):
        if (
            ResidentProfile.objects.filter(
                community=community, user__display_name__startswith=MARK
            ).count()
            >= POOL
        ):
            continue
        grids = list(Region.objects.filter(parent=community, level="grid").order_by("code"))
        with transaction.atomic():
            users = [
                User(
                    display_name=f"{MARK}{n}-{r}",
                    phone=token,
                    phone_hash=crypto.lookup_hash(f"1770{n:02d}{r:05d}", purpose="phone"),
                )
                for r in range(POOL)
            ]
            users = User.objects.bulk_create(users)
            if users[0].pk is None:
                users = list(
                    User.objects.filter(display_name__startswith=f"{MARK}{n}-").order_by("pk")
                )
            profiles = []
            for r, user in enumerate(users):
                profile = ResidentProfile(user=user, address=f"{r % 18 + 1}号楼{r % 4 + 1}单元")
                profile.place_at(community=community, grid=grids[r % len(grids)])
                profiles.append(profile)
            ResidentProfile.objects.bulk_create(profiles)
    busy = Appeal.objects.filter(community__in=communities).count()
    alerts = RiskAlert.objects.filter(community__in=communities).count()
    if busy or alerts:
        sys.exit(
            f"the bench communities already hold {busy} appeals and {alerts} alerts: use a fresh database"
        )


SCANS: list = []


def _wrap_scan() -> None:
    """See every firing, also those whose alert already exists (deduplicated)."""
    from jiaoliuba.appeals import risk

    original = risk.scan

    def scan(appeal, now=None):
        found = original(appeal, now)
        SCANS[:] = found
        return found

    risk.scan = scan


def run_stream(stream: Stream, communities, pools) -> dict:
    from django.db import transaction

    from jiaoliuba.appeals import services
    from jiaoliuba.appeals.services import Intake
    from jiaoliuba.core import clock

    firings = []
    by_pk: dict[int, int] = {}
    with transaction.atomic():
        for i, item in enumerate(stream.items):
            clock.now = lambda t=item.at: t
            user, grid = pools[communities[item.community].pk][item.resident]
            appeal, _created = services.appeal_submit(
                submitter=user,
                intake=Intake(
                    content=item.text,
                    community=communities[item.community],
                    grid=grid,
                    type_hint=item.hint,
                ),
            )
            item.pk, item.category = appeal.pk, appeal.category
            by_pk[appeal.pk] = i
            SCANS.clear()
            created = {a.key for a in services.appeal_risk_check(appeal_id=appeal.pk)}
            for kind, key, evidence in SCANS:
                firings.append((i, kind, key in created, evidence))
        transaction.set_rollback(True)
    return evaluate(stream, firings, by_pk)


def evaluate(stream: Stream, firings, by_pk) -> dict:
    from django.conf import settings

    from jiaoliuba.appeals import similarity

    items = stream.items
    planted = [i for i, it in enumerate(items) if it.tag == "planted"]
    pset = set(planted)
    first = items[planted[0]].at if planted else None
    last = items[planted[-1]].at if planted else None
    pcats = {items[i].category for i in planted}
    out = {
        "index": stream.index,
        "kind": stream.kind,
        "days": stream.days,
        "rates": stream.rates,
        "appeals": len(items),
        "natural_seconds": stream.natural_seconds,
        "stray": Counter(),  # new alert rows not tied to planted appeals
        "stray_firings": Counter(),
        "stray_warm": Counter(),  # the same, after the first 29 days (a full surge baseline)
        "incidental": Counter(),  # other kinds firing on the planted appeals' evidence
        "mixed_cluster": 0,  # cluster groups with 1–2 planted and background members
        "triage_mismatch": sum(1 for it in items if it.category != it.hint),
        "planted_mismatch": sum(1 for i in planted if items[i].category != items[i].hint),
        "planted_n": len(planted),
        "close": stream.close,
        "examples": [],
        "planted_category": stream.planted_category,
        "planted_categories": sorted(Counter(items[i].category for i in planted).items()),
    }
    detected = None
    event_rows = 0
    for i, kind, new, evidence in firings:
        it = items[i]
        in_window = first is not None and first <= it.at <= last + dt.timedelta(hours=24)
        near_planted = any(
            it.at - dt.timedelta(hours=24) < items[p].at <= it.at
            and items[p].community == it.community
            and items[p].category == it.category
            for p in planted
        )
        attributable = False
        if kind == "surge":
            tied = near_planted and in_window
            attributable = tied and stream.kind == "surge"
        elif kind == "cluster":
            members = {by_pk.get(pk, -1) for pk in evidence["appeals"]}
            inside = len(members & pset)
            tied = inside > 0
            attributable = (
                stream.kind == "cluster" and inside >= settings.RISK_CLUSTER_MIN and in_window
            )
            if stream.kind == "cluster" and 0 < inside < settings.RISK_CLUSTER_MIN:
                out["mixed_cluster"] += 1
        else:
            tied = (
                stream.kind == "repeat"
                and it.community == stream.event_community
                and it.resident == stream.planted_resident
            )
            attributable = tied and in_window
        if attributable:
            event_rows += int(new)
            if detected is None:
                detected = {
                    "trigger": (planted.index(i) + 1) if i in pset else "after",
                    "delay_h": round((it.at - first).total_seconds() / 3600, 1),
                    "evidence": {k: v for k, v in evidence.items() if k != "appeals"},
                }
        elif tied:
            out["incidental"][kind] += int(new)
        else:
            out["stray"][kind] += int(new)
            out["stray_firings"][kind] += 1
            if it.at >= stream.start + dt.timedelta(days=29):
                out["stray_warm"][kind] += int(new)
            if new and len(out["examples"]) < 4:
                example = {
                    "kind": kind,
                    "at": it.at.isoformat(timespec="minutes"),
                    "category": it.category,
                }
                if kind == "cluster":
                    example["texts"] = [
                        items[by_pk[pk]].text for pk in evidence["appeals"] if pk in by_pk
                    ]
                    example["topics"] = [
                        items[by_pk[pk]].topic for pk in evidence["appeals"] if pk in by_pk
                    ]
                else:
                    example |= {k: v for k, v in evidence.items() if k != "appeals"}
                out["examples"].append(example)
    out["detected"] = detected
    out["event_rows"] = event_rows
    if stream.kind in ("surge", "cluster") and detected is None:
        out["miss"] = _diagnose(stream, planted, settings, similarity)
    out["stray"] = dict(out["stray"])
    out["stray_firings"] = dict(out["stray_firings"])
    out["stray_warm"] = dict(out["stray_warm"])
    out["incidental"] = dict(out["incidental"])
    out["pcats"] = sorted(pcats)
    return out


def _components(texts: list[str], threshold: float, similarity) -> int:
    grams = [similarity.shingles(t) for t in texts]
    best, seen = 0, set()
    for s in range(len(texts)):
        if s in seen:
            continue
        group, frontier = {s}, [s]
        while frontier:
            a = frontier.pop()
            for b in range(len(texts)):
                if b not in group and similarity.score(grams[a], grams[b]) >= threshold:
                    group.add(b)
                    frontier.append(b)
        seen |= group
        best = max(best, len(group))
    return best


def _diagnose(stream: Stream, planted: list[int], settings, similarity) -> dict:
    items = stream.items
    texts = [items[i].text for i in planted]
    cats = Counter(items[i].category for i in planted)
    if stream.kind == "cluster":
        # The detector links appeals of any category, so the question is the wording: do
        # the reports chain at the threshold as filed, and would they without the
        # residents' opening and closing words?
        threshold = settings.RISK_CLUSTER_SIMILARITY
        linked = _components(texts, threshold, similarity)
        linked_core = _components([items[i].core for i in planted], threshold, similarity)
        if linked >= settings.RISK_CLUSTER_MIN:
            reason = "other"
        elif linked_core >= settings.RISK_CLUSTER_MIN:
            reason = "openings/closings dilute the overlap"
        else:
            reason = "different wording"
        return {
            "reason": reason,
            "k": len(planted),
            "close": stream.close,
            "linked": linked,
            "linked_without_openings_closings": linked_core,
            "matter": stream.matter,
        }
    # surge: how many of the burst kept the planted category, and the best moment the
    # detector had (the 24 h count and 28-day baseline it saw at each planted appeal)
    from jiaoliuba.appeals.risk import predictive_tail

    category = stream.planted_category
    kept = sum(1 for i in planted if items[i].category == category)
    same = [
        it.at for it in items if it.community == stream.event_community and it.category == category
    ]
    best = None
    for i in planted:
        t = items[i].at
        count = sum(1 for a in same if t - dt.timedelta(hours=24) < a <= t)
        history = sum(
            1 for a in same if t - dt.timedelta(days=29) < a <= t - dt.timedelta(hours=24)
        )
        p = predictive_tail(count, 1.0, history, 28)
        if best is None or p < best[2]:
            best = (count, round(history / 28, 2), p)
    reason = "category split" if kept < len(planted) else "baseline too high for the burst"
    return {
        "reason": reason,
        "k": len(planted),
        "kept_category": kept,
        "categories": dict(cats),
        "community_rate": stream.rates[stream.event_community],
        "best_count_24h": best[0],
        "baseline": best[1],
        "p": f"{best[2]:.4f}",
    }


def worker_main(worker: int) -> list[dict]:
    from jiaoliuba.accounts.models import ResidentProfile

    _wrap_scan()
    communities = _communities()
    pools = {}
    for community in communities:
        profiles = (
            ResidentProfile.objects.filter(community=community, user__display_name__startswith=MARK)
            .select_related("user", "grid")
            .order_by("user_id")
        )
        pools[community.pk] = [(p.user, p.grid) for p in profiles][:POOL]
    results = []
    for index in range(len(KINDS) * STREAMS):
        group = (index // len(KINDS)) % SETS
        if group % WORKERS != worker:
            continue
        stream = generate(index)
        chosen = communities[group * PER_SET : (group + 1) * PER_SET]
        started = time.perf_counter()
        result = run_stream(stream, chosen, pools)
        result["seconds"] = round(time.perf_counter() - started, 2)
        results.append(result)
        print(
            f"worker {worker}: stream {index:>3} {stream.kind:<8} {len(stream.items):>4} appeals {result['seconds']:>6.1f}s",
            file=sys.stderr,
            flush=True,
        )
    return results
