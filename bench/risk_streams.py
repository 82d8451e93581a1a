"""Do the risk detectors find planted events, and do quiet streams stay quiet?

Loads the demo region tree (load_demo(residents=200)) plus 300 bench residents in each of
12 demo communities, then runs simulated appeal streams, each over 3 communities and
45–60 days: a Poisson background (a community-specific rate of 0.3–2 appeals a day,
realistic category shares, texts drawn from 161 matter phrasings in 67 topics combined
with 33 places, openings and closings) and, except in the quiet streams, one planted event:

- surge:   k = 5–8 appeals of one category in one community within 24 hours (different
           matters, different residents), placed after day 31 so the baseline is full;
- cluster: 3–5 different residents telling the same matter in their own words (25
           matters with 5 paraphrases each: three share the matter's key clause, two
           tell it freely) within 48 hours;
- repeat:  one resident filing 3–4 appeals about different matters within 30 days (the
           background of these streams also has natural second-time reporters: at most
           two appeals per person in 30 days).

In the other streams nobody files twice within 30 days, and no topic comes up more than
twice in a community within 72 hours, so quiet streams contain none of the three events.

Appeals are fed in time order with core.clock.now set to each appeal's received time:
services.appeal_submit(...) then services.appeal_risk_check(appeal_id=...) (which runs
risk.scan and writes RiskAlert rows with their deduplication keys; the script wraps
risk.scan to also see every firing, deduplicated or not). Each stream runs in one
transaction that is rolled back, so streams do not see each other and the database
stays as prepared.

Figures per kind: detection rate (planted events for which the detector fired on
evidence from the planted appeals during the event or within 24 hours after it),
the planted appeal that triggered it and the delay, alert rows per event, and false
alarms (alert rows per quiet stream-month, per community-month, the share of quiet
streams with any alert), plus stray alerts in all streams outside planted evidence.

    .venv/bin/python bench/risk_streams.py              # SQLite (/tmp file, recreated)
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/jiaoliuba_risk_bench .venv/bin/python bench/risk_streams.py

Knobs (environment): BENCH_STREAMS (30: streams of each of the four kinds),
BENCH_WORKERS (2: processes; SQLite workers get a copy of the prepared file each),
BENCH_SEED (20261129), BENCH_JSON (write per-stream records to this path),
BENCH_WHATIF=1 (instead: replay the same streams through the surge rule in memory, with the
current and a few alternative settings; ~10 s). The RISK_* settings come from the
environment as usual (config/settings/base.py). Results: bench/results-risk.md.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_URL = "sqlite:////tmp/jiaoliuba-risk-bench.sqlite3"
os.environ.setdefault("BENCH_DATABASE_URL", DEFAULT_URL)
WORKER = os.environ.get("BENCH_RISK_WORKER")  # set in the worker processes
STREAMS = int(os.environ.get("BENCH_STREAMS", "30"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
SEED = int(os.environ.get("BENCH_SEED", "20261129"))
KINDS = ("quiet", "surge", "cluster", "repeat")
SETS, PER_SET = 4, 3  # 4 disjoint sets of 3 communities; a worker owns whole sets
POOL = 300  # bench residents per community
SH_OFFSET = dt.timezone(dt.timedelta(hours=8))

if WORKERS not in (1, 2, 4):
    sys.exit("BENCH_WORKERS must be 1, 2 or 4 (workers own whole community sets)")

# The text pools live in risk_stream_texts.py (data only).
from risk_stream_texts import (  # noqa: E402  (after the environment checks above)
    BACKGROUND,
    CLOSERS,
    CLUSTER_MATTERS,
    OPENERS,
    PLACED,
    PLACES,
    SHARES,
)


def _background_count() -> int:
    return sum(len(v) for v in BACKGROUND.values())


# --- stream generation (pure: no database) ----------------------------------------------------------


@dataclass
class Item:
    at: dt.datetime
    community: int  # index into the stream's communities
    resident: int  # index into that community's resident pool
    text: str
    hint: str
    tag: str = ""  # "" background, "planted", "natural2" (a natural second appeal)
    topic: str = ""
    pk: int = 0
    category: str = ""
    core: str = ""  # a cluster report without the opening and closing words


@dataclass
class Stream:
    index: int
    kind: str
    seed: int
    days: int
    start: dt.datetime
    rates: list[float]
    items: list[Item] = field(default_factory=list)
    event_community: int = -1
    planted_category: str = ""
    planted_resident: int = -1
    matter: int = -1
    close: int = 0  # cluster: reports worded close to the matter's key clause (paraphrases 0–2)
    natural_seconds: int = 0


def _hour(rng: random.Random) -> float:
    """Hour of day: mostly 7–22, a few at night."""
    if rng.random() < 0.06:
        return rng.uniform(22, 31) % 24
    return rng.uniform(7, 22)


def _decorate(rng: random.Random, core: str) -> str:
    closer = rng.choice(CLOSERS)
    return f"{rng.choice(OPENERS)}{core}" + (f"，{closer}" if closer else "")


def _background_text(rng: random.Random, category: str, phrase: str) -> str:
    if category in PLACED and rng.random() < 0.85:
        place = rng.choice(PLACES)
        core = rng.choice([f"{place}{phrase}", f"{phrase}，在{place}", f"{place}这边{phrase}"])
    else:
        core = phrase
    return _decorate(rng, core)


def _pick_category(rng: random.Random) -> str:
    return rng.choices(list(SHARES), weights=list(SHARES.values()))[0]


def generate(index: int) -> Stream:
    kind = KINDS[index % len(KINDS)]
    seed = SEED * 1000 + index
    rng = random.Random(seed)
    days = rng.randint(45, 60)
    start = dt.datetime(2026, 3, 1, tzinfo=SH_OFFSET) + dt.timedelta(days=rng.randint(0, 60))
    stream = Stream(
        index, kind, seed, days, start, [round(rng.uniform(0.3, 2.0), 2) for _ in range(PER_SET)]
    )
    end = start + dt.timedelta(days=days)

    # Planted events first, so the background can keep their residents out.
    planted: list[Item] = []
    reserved: dict[int, set[int]] = defaultdict(set)
    if kind != "quiet":
        c = rng.randrange(PER_SET)
        stream.event_community = c
        people = rng.sample(range(POOL), 8)
        reserved[c].update(people)
        if kind == "surge":
            category = rng.choices(
                ["property", "neighbor", "livelihood", "safety"], weights=[0.4, 0.25, 0.25, 0.1]
            )[0]
            stream.planted_category = category
            k = rng.randint(5, 8)
            first = start + dt.timedelta(days=rng.randint(31, days - 2), hours=rng.uniform(6, 12))
            span = rng.uniform(4, 22)
            distinct = len({t for t, _p in BACKGROUND[category]})
            phrases = rng.sample(BACKGROUND[category], len(BACKGROUND[category]))
            chosen, used = [], set()
            for topic, phrase in phrases:  # different matters, topics as varied as the pool allows
                if len(chosen) < k and (topic not in used or len(used) >= min(k, distinct)):
                    chosen.append((topic, phrase))
                    used.add(topic)
            times = sorted([0.0, span] + [rng.uniform(0, span) for _ in range(k - 2)])
            for n, (topic, phrase) in enumerate(chosen):
                planted.append(
                    Item(
                        first + dt.timedelta(hours=times[n]),
                        c,
                        people[n],
                        _background_text(rng, category, phrase),
                        category,
                        "planted",
                        f"{category}:{topic}",
                    )
                )
        elif kind == "cluster":
            stream.matter = rng.randrange(len(CLUSTER_MATTERS))
            category, texts = CLUSTER_MATTERS[stream.matter]
            stream.planted_category = category
            k = rng.randint(3, 5)
            first = start + dt.timedelta(days=rng.randint(3, days - 3), hours=rng.uniform(7, 20))
            span = rng.uniform(6, 46)
            times = sorted([0.0, span] + [rng.uniform(0, span) for _ in range(k - 2)])
            chosen = rng.sample(range(len(texts)), k)
            stream.close = sum(1 for j in chosen if j < 3)
            for n, j in enumerate(chosen):
                planted.append(
                    Item(
                        first + dt.timedelta(hours=times[n]),
                        c,
                        people[n],
                        _decorate(rng, texts[j]),
                        category,
                        "planted",
                        f"cluster{stream.matter}",
                        core=texts[j],
                    )
                )
        else:  # repeat
            k = rng.randint(3, 4)
            span = rng.uniform(7, 29)
            first = start + dt.timedelta(days=rng.uniform(1, days - span - 2))
            offsets = sorted([0.0, span] + [rng.uniform(0, span) for _ in range(k - 2)])
            stream.planted_resident = people[0]
            seen_topics: set[str] = set()
            for off in offsets:
                while True:
                    category = _pick_category(rng)
                    topic, phrase = rng.choice(BACKGROUND[category])
                    if (category, topic) not in seen_topics:
                        break
                seen_topics.add((category, topic))
                day = first + dt.timedelta(days=off)
                at = day.replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(
                    hours=_hour(rng)
                )
                at = max(at, start + dt.timedelta(minutes=1))
                planted.append(
                    Item(
                        at,
                        c,
                        people[0],
                        _background_text(rng, category, phrase),
                        category,
                        "planted",
                        f"{category}:{topic}",
                    )
                )

    # Background, day by day, community by community.
    items: list[Item] = []
    for c, rate in enumerate(stream.rates):
        last: dict[int, list[dt.datetime]] = defaultdict(list)  # resident → appeal times
        topics: list[tuple[dt.datetime, str]] = [
            (p.at, p.topic) for p in planted if p.community == c
        ]
        for p in planted:
            if p.community == c:
                last[p.resident].append(p.at)
        arrivals = []
        for day in range(days):
            n = _poisson(rng, rate)
            for _ in range(n):
                base = start + dt.timedelta(days=day)
                arrivals.append(base + dt.timedelta(hours=_hour(rng), seconds=rng.randrange(60)))
        arrivals.sort()
        for at in arrivals:
            if at >= end:
                continue
            # category and matter, keeping any topic to at most twice in 72 hours
            for _attempt in range(50):
                category = _pick_category(rng)
                topic, phrase = rng.choice(BACKGROUND[category])
                key = f"{category}:{topic}"
                near = sum(
                    1 for t, k in topics if k == key and abs((at - t).total_seconds()) < 72 * 3600
                )
                if near < 2:
                    break
            topics.append((at, key))
            # resident: nobody files a third time in 30 days; a second only in repeat streams
            second = kind == "repeat" and rng.random() < 0.08
            candidates = []
            for _attempt in range(200):
                r = rng.randrange(POOL)
                if r in reserved[c]:
                    continue
                recent = sum(1 for t in last[r] if (at - t).days < 30)
                if recent == (1 if second else 0):
                    candidates = [r]
                    break
            if not candidates:  # no one with exactly one recent appeal yet: a fresh resident
                for r in rng.sample(range(POOL), POOL):
                    if r not in reserved[c] and not [t for t in last[r] if (at - t).days < 30]:
                        candidates = [r]
                        second = False
                        break
            r = candidates[0]
            last[r].append(at)
            stream.natural_seconds += int(second)
            items.append(
                Item(
                    at,
                    c,
                    r,
                    _background_text(rng, category, phrase),
                    category,
                    "natural2" if second else "",
                    key,
                )
            )
    stream.items = sorted(items + planted, key=lambda i: i.at)
    return stream


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p < limit:
            return k
        k += 1


# --- running streams against the database -----------------------------------------------------------

URL = ""


def _bootstrap() -> None:
    """Fresh SQLite file in the main process, then Django on it."""
    global URL
    url = os.environ["BENCH_DATABASE_URL"]
    if WORKER is None and url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite://"))
        for extra in ("", "-journal", "-wal", "-shm"):
            Path(f"{path}{extra}").unlink(missing_ok=True)
    from _setup import setup

    URL = setup()


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


# --- figures --------------------------------------------------------------------------------------------


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    if n == 0:
        return 0.0, 0.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def offline_similarity() -> dict:
    """Bigram scores of the texts themselves: paraphrase pairs vs different matters."""
    from django.conf import settings

    from jiaoliuba.appeals import similarity

    threshold = settings.RISK_CLUSTER_SIMILARITY
    rng = random.Random(SEED)
    para, close, free = [], [], []
    for _category, texts in CLUSTER_MATTERS:
        grams = [similarity.shingles(t) for t in texts]
        for a in range(len(texts)):
            for b in range(a + 1, len(texts)):
                value = similarity.score(grams[a], grams[b])
                para.append(value)
                (close if b < 3 else free).append(value)
    deco = []
    for _category, texts in CLUSTER_MATTERS:
        dec = [similarity.shingles(_decorate(rng, t)) for t in texts]
        deco += [
            similarity.score(dec[a], dec[b])
            for a in range(len(dec))
            for b in range(a + 1, len(dec))
        ]
    other, across, shared_closer = [], [], 0
    for _ in range(4000):
        category = _pick_category(rng)
        (t1, p1), (t2, p2) = rng.sample(BACKGROUND[category], 2)
        if t1 == t2:
            continue
        a = similarity.shingles(_background_text(rng, category, p1))
        b = similarity.shingles(_background_text(rng, category, p2))
        other.append(similarity.score(a, b))
    for _ in range(8000):  # the cluster detector compares across categories
        c1, c2 = _pick_category(rng), _pick_category(rng)
        (t1, p1), (t2, p2) = rng.choice(BACKGROUND[c1]), rng.choice(BACKGROUND[c2])
        if (c1, t1) == (c2, t2):
            continue
        x, y = _background_text(rng, c1, p1), _background_text(rng, c2, p2)
        value = similarity.score(similarity.shingles(x), similarity.shingles(y))
        across.append(value)
        if value >= threshold and any(c and x.endswith(c) and y.endswith(c) for c in CLOSERS):
            shared_closer += 1
    components = [_components(texts, threshold, similarity) for _c, texts in CLUSTER_MATTERS]
    return {
        "threshold": threshold,
        "paraphrase_pairs": len(para),
        "paraphrase_linked": sum(s >= threshold for s in para) / len(para),
        "paraphrase_median": statistics.median(para),
        "close_linked": sum(s >= threshold for s in close) / len(close),
        "free_linked": sum(s >= threshold for s in free) / len(free),
        "free_max": max(free),
        "decorated_linked": sum(s >= threshold for s in deco) / len(deco),
        "unrelated_pairs": len(other),
        "unrelated_linked": sum(s >= threshold for s in other) / len(other),
        "across_pairs": len(across),
        "across_linked": sum(s >= threshold for s in across) / len(across),
        "across_linked_closer": shared_closer / max(1, sum(s >= threshold for s in across)),
        "matters_all5_linked": sum(c == 5 for c in components),
        "matters_3plus_linked": sum(c >= 3 for c in components),
        "matters": len(CLUSTER_MATTERS),
    }


def _commit() -> str:
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "jiaoliuba", "config"],
            cwd=root,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" (app files modified)" if dirty else "")


def what_if() -> list[str]:
    """Offline, not the app's code: the same pairs scored with bigrams weighted by inverse
    document frequency over 5,000 background appeals (boilerplate such as 请尽快处理 or
    希望社区管一管 is common, so it weighs little), at the same threshold."""
    from django.conf import settings

    from jiaoliuba.appeals import similarity

    rng = random.Random(SEED + 1)
    corpus = []
    for _ in range(5000):
        category = _pick_category(rng)
        corpus.append(
            similarity.shingles(
                _background_text(rng, category, rng.choice(BACKGROUND[category])[1])
            )
        )
    df = Counter(g for grams in corpus for g in grams)
    n = len(corpus)

    def weight(g: str) -> float:
        return math.log((n + 1) / (df.get(g, 0) + 1)) + 1.0

    def score(a: set[str], b: set[str]) -> float:
        if not a or not b:
            return 0.0
        shared = sum(weight(g) for g in a & b)
        return (
            shared / sum(weight(g) for g in a | b)
            + shared / min(sum(weight(g) for g in a), sum(weight(g) for g in b))
        ) / 2

    threshold = settings.RISK_CLUSTER_SIMILARITY
    close, free, unrelated = [], [], []  # the same pairs for both scores
    for _category, texts in CLUSTER_MATTERS:
        dec = [similarity.shingles(_decorate(rng, t)) for t in texts]
        for a in range(5):
            for b in range(a + 1, 5):
                (close if b < 3 else free).append((dec[a], dec[b]))
    while len(unrelated) < 6000:
        c1, c2 = _pick_category(rng), _pick_category(rng)
        (t1, p1), (t2, p2) = rng.choice(BACKGROUND[c1]), rng.choice(BACKGROUND[c2])
        if (c1, t1) != (c2, t2):
            unrelated.append(
                (
                    similarity.shingles(_background_text(rng, c1, p1)),
                    similarity.shingles(_background_text(rng, c2, p2)),
                )
            )
    rows = []
    for name, fn in (("current score", similarity.score), ("IDF-weighted", score)):
        share = [
            sum(fn(x, y) >= threshold for x, y in pairs) / len(pairs)
            for pairs in (close, free, unrelated)
        ]
        rows.append(
            f"  {name:<14} close paraphrases {share[0]:.0%}, with a freely worded one {share[1]:.0%}, "
            f"unrelated appeals {share[2]:.2%} (pairs linked at >= {threshold}, with openings/closings)"
        )
    return rows


def report(results: list[dict], elapsed: float) -> None:
    from django.conf import settings
    from django.db import connection

    results.sort(key=lambda r: r["index"])
    by_kind = defaultdict(list)
    for r in results:
        by_kind[r["kind"]].append(r)
    quiet = by_kind["quiet"]
    q_months = sum(r["days"] for r in quiet) / 30
    q_cmonths = q_months * PER_SET
    q_warm_months = max(1e-9, sum(r["days"] - 29 for r in quiet) / 30)
    all_months = sum(r["days"] for r in results) / 30
    print(f"database: {connection.vendor} ({URL.split('@')[-1]})")
    print(f"code: {_commit()}")
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        "settings: "
        + " ".join(
            f"{n}={getattr(settings, n)}"
            for n in (
                "RISK_SURGE_MIN",
                "RISK_SURGE_PRIOR_RATE",
                "RISK_SURGE_PRIOR_DAYS",
                "RISK_SURGE_WINDOWS",
                "RISK_SURGE_P",
                "RISK_CLUSTER_MIN",
                "RISK_CLUSTER_SIMILARITY",
                "RISK_REPEAT_MIN",
            )
        )
    )
    appeals = sum(r["appeals"] for r in results)
    print(
        f"streams: {', '.join(f'{len(by_kind[k])} {k}' for k in KINDS)}; {PER_SET} communities each, 45–60 days "
        f"({sum(r['days'] for r in results)} stream-days); {appeals:,} appeals; seed {SEED}; "
        f"{WORKERS} workers, {elapsed:.0f}s"
    )
    print(
        f"background matters: {_background_count()} phrasings in {sum(len({t for t, _p in v}) for v in BACKGROUND.values())} topics; cluster matters: {len(CLUSTER_MATTERS)} x 5 paraphrases"
    )
    print()
    head = f"{'kind':<8}{'planted':>8}{'detected':>9}{'rate':>7}{'95% CI':>13}  {'trigger (planted #)':<24}{'delay h p50/max':>16}{'rows/event':>11}"
    head += f" |{'quiet alerts':>13}{'/stream-mo':>11}{'/comm-mo':>9}{'streams':>9}{'warm /s-mo':>11} |{'stray/stream-mo':>16}"
    print(head)
    print("-" * len(head))
    for kind in ("surge", "cluster", "repeat"):
        events = by_kind[kind]
        hits = [r for r in events if r["detected"]]
        lo, hi = wilson(len(hits), len(events))
        triggers = Counter(str(r["detected"]["trigger"]) for r in hits)
        trig = " ".join(
            f"#{t}:{n}" for t, n in sorted(triggers.items(), key=lambda x: (x[0] == "after", x[0]))
        )
        delays = [r["detected"]["delay_h"] for r in hits]
        delay = f"{statistics.median(delays):.1f}/{max(delays):.1f}" if delays else "-"
        rows = statistics.mean(r["event_rows"] for r in hits) if hits else 0
        q_alerts = sum(r["stray"].get(kind, 0) for r in quiet)
        q_streams = sum(1 for r in quiet if r["stray"].get(kind, 0))
        stray = sum(r["stray"].get(kind, 0) for r in results)
        warm = sum(r["stray_warm"].get(kind, 0) for r in quiet) / q_warm_months
        print(
            f"{kind:<8}{len(events):>8}{len(hits):>9}{len(hits) / max(1, len(events)):>7.0%}{f'{lo:.0%}–{hi:.0%}':>13}  {trig:<24}{delay:>16}{rows:>11.2f}"
            f" |{q_alerts:>13}{q_alerts / q_months:>11.2f}{q_alerts / q_cmonths:>9.2f}{f'{q_streams}/{len(quiet)}':>9}{warm:>11.2f} |{stray / all_months:>16.2f}"
        )
    print()
    print(
        f"quiet streams: {q_months:.1f} stream-months ({q_cmonths:.1f} community-months; warm = after day 29, {q_warm_months:.1f} stream-months); stray = alert rows not tied to planted appeals, all {len(results)} streams ({all_months:.1f} stream-months)"
    )
    for kind in ("surge", "cluster", "repeat"):
        inc = Counter()
        for r in results:
            inc.update(r["incidental"])
        if inc.get(kind):
            print(
                f"  {kind}: {inc[kind]} alert rows fired on planted evidence of another kind's event (e.g. a cluster that is also a burst)"
            )
    cold = {
        k: sum(r["stray"].get(k, 0) - r["stray_warm"].get(k, 0) for r in results)
        for k in ("surge", "cluster")
    }
    warm_all = {k: sum(r["stray_warm"].get(k, 0) for r in results) for k in ("surge", "cluster")}
    print(
        f"  stray alerts, all streams, first 29 days / after: surge {cold['surge']} / {warm_all['surge']}, cluster {cold['cluster']} / {warm_all['cluster']} "
        f"(the first 29 days are {sum(min(29, r['days']) for r in results) / sum(r['days'] for r in results):.0%} of the stream-days)"
    )
    mixed = sum(r["mixed_cluster"] for r in by_kind["cluster"])
    if mixed:
        print(
            f"  cluster: {mixed} firings whose group held 1–2 planted appeals plus background ones"
        )
    # surge by burst size and by community rate
    print()
    print(
        "surge detection by burst size k:",
        "  ".join(
            f"k={k}: {sum(1 for r in by_kind['surge'] if r['planted_n'] == k and r['detected'])}/{sum(1 for r in by_kind['surge'] if r['planted_n'] == k)}"
            for k in range(5, 9)
        ),
    )
    print(
        "cluster detection by reports k:",
        "  ".join(
            f"k={k}: {sum(1 for r in by_kind['cluster'] if r['planted_n'] == k and r['detected'])}/{sum(1 for r in by_kind['cluster'] if r['planted_n'] == k)}"
            for k in range(3, 6)
        ),
    )
    print(
        "cluster detection by reports worded close to the key clause:",
        "  ".join(
            f"{c} close: {sum(1 for r in by_kind['cluster'] if r['close'] == c and r['detected'])}/{sum(1 for r in by_kind['cluster'] if r['close'] == c)}"
            for c in range(0, 4)
        ),
    )
    for kind in ("surge", "cluster"):
        misses = [r for r in by_kind[kind] if not r["detected"]]
        if misses:
            reasons = Counter(r["miss"]["reason"] for r in misses)
            print(f"{kind} misses: " + ", ".join(f"{n} {why}" for why, n in reasons.most_common()))
            for r in misses:
                print(f"  stream {r['index']}: {json.dumps(r['miss'], ensure_ascii=False)}")
    examples = [(r["index"], r["kind"], e) for r in results for e in r["examples"]]
    if examples:
        print("stray alerts (first of each stream, up to 12):")
        seen = set()
        for index, kind, e in examples:
            if index in seen or len(seen) >= 12:
                continue
            seen.add(index)
            print(f"  stream {index} ({kind}): {json.dumps(e, ensure_ascii=False)}")
    planted = sum(r["planted_n"] for r in results)
    print()
    print(
        f"triage: {sum(r['triage_mismatch'] for r in results) / appeals:.0%} of all appeals and "
        f"{sum(r['planted_mismatch'] for r in results) / max(1, planted):.0%} of planted ones were filed under another category than the matter's "
        f"(the detectors see the classifier's category, not the type hint)"
    )
    split = [r for r in by_kind["cluster"] if len(r["pcats"]) > 1]
    print(
        f"cluster events whose reports landed in 2+ categories: {len(split)}/{len(by_kind['cluster'])} (the cluster detector compares across categories)"
    )
    split = [r for r in by_kind["surge"] if len(r["pcats"]) > 1]
    print(
        f"surge bursts whose appeals landed in 2+ categories: {len(split)}/{len(by_kind['surge'])}"
    )
    print(
        f"natural second-time reporters in repeat streams: {sum(r['natural_seconds'] for r in by_kind['repeat'])}"
    )
    usage = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"cpu: {sum(u.ru_utime + u.ru_stime for u in usage):.0f}s user+system over {elapsed:.0f}s wall"
    )
    sim = offline_similarity()
    print()
    print(
        f"text similarity (score >= {sim['threshold']}): paraphrase pairs of one matter {sim['paraphrase_linked']:.0%} of {sim['paraphrase_pairs']} "
        f"(median {sim['paraphrase_median']:.2f}; among the 3 close ones {sim['close_linked']:.0%}, with a freely worded one {sim['free_linked']:.0%}, max {sim['free_max']:.2f}; {sim['decorated_linked']:.0%} of all with openings/closings); pairs of different matters in one category "
        f"{sim['unrelated_linked']:.1%} of {sim['unrelated_pairs']}, in any two categories {sim['across_linked']:.1%} of {sim['across_pairs']} "
        f"({sim['across_linked_closer']:.0%} of those links share the closing words); matters whose 5 paraphrases chain into one group: {sim['matters_all5_linked']}/{sim['matters']}, "
        f"3 or more: {sim['matters_3plus_linked']}/{sim['matters']}"
    )
    print(
        "what if (offline, not the app's code): the same kinds of pairs, scored as now and with IDF-weighted bigrams"
    )
    for row in what_if():
        print(row)


SURGE_VARIANTS = [
    ("current", {}),
    ("category only", {"RISK_SURGE_BY_HINT": False}),
    ("24 h window only", {"RISK_SURGE_WINDOWS": (24.0,)}),
    ("windows 3,6,12,24", {"RISK_SURGE_WINDOWS": (3.0, 6.0, 12.0, 24.0)}),
    ("prior worth 2 days", {"RISK_SURGE_PRIOR_DAYS": 2.0}),
    ("prior worth 4 days", {"RISK_SURGE_PRIOR_DAYS": 4.0}),
    ("prior 0.3 a day", {"RISK_SURGE_PRIOR_RATE": 0.3}),
    ("windows 2,4,8,12,24", {"RISK_SURGE_WINDOWS": (2.0, 4.0, 8.0, 12.0, 24.0)}),


    ("P=0.0005", {"RISK_SURGE_P": 0.0005}),
    ("P=0.002", {"RISK_SURGE_P": 0.002}),
]


def surge_what_if() -> None:
    """BENCH_WHATIF=1: replay the same streams through the surge rule in memory (the
    classifier files each appeal exactly as appeal_submit does; nothing is written), with
    the app's own `risk.surge_test` under the current and a few alternative settings. The
    "current" row should reproduce the database run's surge figures (except alert rows:
    here one alert per community, category and 24 h, as `risk.create_alert` keeps)."""
    from django.conf import settings

    from jiaoliuba.appeals import risk
    from jiaoliuba.triage import classifier

    streams = [generate(i) for i in range(len(KINDS) * STREAMS)]
    for stream in streams:
        verdicts = classifier.classify_many(
            [(it.text, it.hint) for it in stream.items], explain=False
        )
        for it, verdict in zip(stream.items, verdicts, strict=True):
            it.category = verdict.category
    print(f"surge rule replayed in memory over the same {len(streams)} streams (seed {SEED})")
    print(
        f"{'variant':<22}{'detected':>10}{'by 4th':>8}  {'trigger':<34}{'quiet alerts':>13}{'/stream-mo':>11}{'streams':>9}{'stray':>7}"
    )
    for name, overrides in SURGE_VARIANTS:
        saved = {k: getattr(settings, k) for k in overrides}
        for k, v in overrides.items():
            setattr(settings, k, v)
        detected, by4, quiet_alerts, quiet_streams, stray = 0, 0, 0, 0, 0
        triggers: Counter = Counter()
        months = 0.0
        for stream in streams:
            items = stream.items
            planted = [i for i, it in enumerate(items) if it.tag == "planted"]
            last = items[planted[-1]].at if planted else None
            standing: dict[tuple, dt.datetime] = {}
            first_seen: dict[int, dt.datetime] = {}
            for it in items:
                first_seen.setdefault(it.community, it.at)
            hit, stray_here = None, 0
            for i, it in enumerate(items):
                t = it.at
                scopes = [it.category]
                if settings.RISK_SURGE_BY_HINT and it.hint and it.hint != it.category:
                    scopes.append(it.hint)
                fired = None
                for cat in scopes:
                    same = [
                        o.at
                        for o in items[: i + 1]
                        if o.community == it.community
                        and (o.category == cat or (settings.RISK_SURGE_BY_HINT and o.hint == cat))
                    ]
                    recent = [a for a in same if a > t - dt.timedelta(hours=24)]
                    if len(recent) < settings.RISK_SURGE_MIN:
                        continue
                    window = t - dt.timedelta(hours=24)
                    history = sum(1 for a in same if window - dt.timedelta(days=28) < a <= window)
                    begun = first_seen[it.community]
                    days = min(28.0, max(0.0, (window - begun).total_seconds() / 86400))
                    found = risk.surge_test(recent, t, history, days)
                    if found is None or found[0] >= settings.RISK_SURGE_P / len(scopes):
                        continue
                    fired = cat
                    break
                if fired is None:
                    continue
                scope = (it.community, fired)
                new_alert = not (scope in standing and standing[scope] > t - dt.timedelta(hours=24))
                if new_alert:
                    standing[scope] = t
                tied = (
                    stream.kind == "surge"
                    and t <= last + dt.timedelta(hours=24)
                    and any(
                        t - dt.timedelta(hours=24) < items[p].at <= t
                        and items[p].community == it.community
                        and fired in (items[p].category, items[p].hint)
                        for p in planted
                    )
                )
                near_other = stream.kind == "cluster" and any(
                    t - dt.timedelta(hours=24) < items[p].at <= t
                    and items[p].community == it.community
                    and items[p].category == it.category
                    for p in planted
                )
                if tied:
                    if hit is None:
                        hit = planted.index(i) + 1 if i in planted else "after"
                elif new_alert and not near_other:
                    stray_here += 1
            if stream.kind == "surge":
                detected += hit is not None
                by4 += isinstance(hit, int) and hit <= 4
                if hit is not None:
                    triggers[hit] += 1
            stray += stray_here
            if stream.kind == "quiet":
                quiet_alerts += stray_here
                quiet_streams += bool(stray_here)
                months += stream.days / 30
        for k, v in saved.items():
            setattr(settings, k, v)
        n_surge = sum(1 for st in streams if st.kind == "surge")
        n_quiet = sum(1 for st in streams if st.kind == "quiet")
        trig = " ".join(
            f"#{t}:{n}" for t, n in sorted(triggers.items(), key=lambda x: (x[0] == "after", x[0]))
        )
        print(
            f"{name:<22}{f'{detected}/{n_surge}':>10}{f'{by4}/{n_surge}':>8}  {trig:<34}{quiet_alerts:>13}{quiet_alerts / max(months, 1e-9):>11.2f}"
            f"{f'{quiet_streams}/{n_quiet}':>9}{stray:>7}"
        )


def cluster_what_if() -> None:
    """BENCH_WHATIF=cluster: replay the streams through the cluster grouping in memory (no
    database, no classifier: clusters compare across categories), for fast iteration on
    `matching`. The corpus is the stream's own appeals of the previous 60 days, as the
    district's would be."""
    from django.conf import settings

    from jiaoliuba.appeals import matching

    threshold = settings.RISK_CLUSTER_SIMILARITY
    n_streams = len(KINDS) * STREAMS
    detected, quiet_keys, stray, months, trig = 0, 0, 0, 0.0, Counter()
    free_hit = free_n = 0
    misses = []
    for index in range(n_streams):
        stream = generate(index)
        items = stream.items
        planted = {i for i, it in enumerate(items) if it.tag == "planted"}
        last = max((items[i].at for i in planted), default=None)
        keys: set[tuple[int, int]] = set()
        corpus_day, corpus = None, matching.learn([])
        hit = None
        for i, it in enumerate(items):
            day = it.at.astimezone(SH_OFFSET).date()
            if day != corpus_day:
                corpus_day = day
                midnight = dt.datetime.combine(day, dt.time(), SH_OFFSET)
                corpus = matching.learn(
                    (o.text, o.community)
                    for o in items[:i]
                    if midnight - dt.timedelta(days=60) <= o.at < midnight
                )
            window = [
                j
                for j in range(i - 1, -1, -1)
                if items[j].community == it.community
                and items[j].at >= it.at - dt.timedelta(hours=48)
            ][:60]
            tellings = {j: matching.telling(items[j].text, corpus) for j in [i, *window]}
            group = matching.group_of(i, tellings, corpus, threshold)
            people = {items[j].resident for j in group}
            if len(group) < settings.RISK_CLUSTER_MIN or len(people) < settings.RISK_CLUSTER_MIN:
                continue
            in_event = len(group & planted) >= 3 and stream.kind == "cluster"
            if in_event and last is not None and it.at <= last + dt.timedelta(hours=24):
                if hit is None:
                    order = sorted(planted, key=lambda j: items[j].at)
                    hit = order.index(i) + 1 if i in planted else "after"
                continue
            key = (it.community, min(group))
            if key in keys or in_event:
                continue
            keys.add(key)
            stray += 1
            if stream.kind == "quiet":
                quiet_keys += 1
                if len(misses) < 8:
                    misses.append(["QUIET"] + [items[j].text for j in sorted(group)])
        if stream.kind == "quiet":
            months += stream.days / 30
        if stream.kind == "cluster":
            detected += hit is not None
            trig[str(hit)] += 1
            if hit is None:
                misses.append([items[j].text for j in sorted(planted)])
            if stream.close <= 2:
                free_n += 1
                free_hit += hit is not None
    n_cluster = n_streams // len(KINDS)
    print(
        f"cluster replay, seed {SEED}, {n_streams} streams: detected {detected}/{n_cluster} "
        f"(events with 2 or fewer close wordings: {free_hit}/{free_n}); trigger {dict(trig)}; "
        f"quiet alerts {quiet_keys} = {quiet_keys / max(months, 1e-9):.2f}/stream-month; stray {stray}"
    )
    for group in misses:
        print("  ", " | ".join(group))


def main() -> None:
    _bootstrap()
    if os.environ.get("BENCH_WHATIF") == "cluster":
        cluster_what_if()
        return
    if os.environ.get("BENCH_WHATIF"):
        surge_what_if()
        return
    if WORKER is not None:
        results = worker_main(int(WORKER))
        Path(os.environ["BENCH_RISK_OUT"]).write_text(json.dumps(results, ensure_ascii=False))
        return
    started = time.perf_counter()
    prepare()
    print(f"prepared in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    if WORKERS == 1:
        results = worker_main(0)
    else:
        from django.db import connections

        connections.close_all()
        procs, outs = [], []
        for w in range(WORKERS):
            env = dict(
                os.environ,
                BENCH_RISK_WORKER=str(w),
                BENCH_RISK_OUT=f"/tmp/jiaoliuba-risk-worker{w}-{os.getpid()}.json",
            )
            if URL.startswith("sqlite:///"):
                path = URL.removeprefix("sqlite://")
                copy = f"{path}.worker{w}"
                shutil.copyfile(path, copy)
                env["BENCH_DATABASE_URL"] = f"sqlite://{copy}"
            outs.append(env["BENCH_RISK_OUT"])
            procs.append(subprocess.Popen([sys.executable, __file__], env=env))
        failed = [p.wait() for p in procs]
        if any(failed):
            sys.exit(f"a worker failed: exit codes {failed}")
        results = []
        for out in outs:
            results += json.loads(Path(out).read_text())
            Path(out).unlink()
        if URL.startswith("sqlite:///"):
            for w in range(WORKERS):
                Path(f"{URL.removeprefix('sqlite://')}.worker{w}").unlink(missing_ok=True)
    if os.environ.get("BENCH_JSON"):
        Path(os.environ["BENCH_JSON"]).write_text(
            json.dumps(results, ensure_ascii=False, indent=1, default=str)
        )
    report(results, time.perf_counter() - started)


if __name__ == "__main__":
    main()
