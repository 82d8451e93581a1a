"""Stream generation for bench/risk_streams.py (pure: no database): the knobs, the
background Poisson streams and the planted surge, cluster and repeat events."""

from __future__ import annotations

import datetime as dt
import math
import os
import random
from collections import defaultdict
from dataclasses import dataclass, field

from risk_stream_texts import (
    BACKGROUND,
    CLOSE_WORDINGS,
    CLOSERS,
    CLUSTER_MATTERS,
    OPENERS,
    PLACED,
    PLACES,
    SHARES,
)

WORKER = os.environ.get("BENCH_RISK_WORKER")  # set in the worker processes
STREAMS = int(os.environ.get("BENCH_STREAMS", "30"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
SEED = int(os.environ.get("BENCH_SEED", "20261129"))
KINDS = ("quiet", "surge", "cluster", "repeat")
SETS, PER_SET = 4, 3  # 4 disjoint sets of 3 communities; a worker owns whole sets
POOL = 300  # bench residents per community
SH_OFFSET = dt.timezone(dt.timedelta(hours=8))


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
    close: int = 0  # cluster: reports worded close to the matter's key clause
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
            stream.close = sum(1 for j in chosen if j < CLOSE_WORDINGS)
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
