"""In-memory replays for bench/risk_streams.py: the same generated streams through the
surge rule (BENCH_WHATIF=1) or the cluster grouping (BENCH_WHATIF=cluster) without the
database, for fast iteration and for the settings' trade-offs."""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter

from risk_stream_gen import KINDS, SEED, SH_OFFSET, STREAMS, generate

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
    ("no span (before)", {"RISK_SURGE_SPANS": ()}),
    ("spans 4 5", {"RISK_SURGE_SPANS": (4, 5)}),
    ("span 4 + 24 h", {"RISK_SURGE_SPANS": (4,), "RISK_SURGE_WINDOWS": (24.0,)}),
    ("span 4 5 6 + 24 h", {"RISK_SURGE_SPANS": (4, 5, 6), "RISK_SURGE_WINDOWS": (24.0,)}),
]
if os.environ.get("BENCH_SURGE_VARIANTS"):  # a comma-separated subset, by name
    _wanted = set(os.environ["BENCH_SURGE_VARIANTS"].split("|"))
    SURGE_VARIANTS = [v for v in SURGE_VARIANTS if v[0] in _wanted]


def file_as_intake(streams: list) -> None:
    """Each appeal's category as appeal_submit files it: the classifier, given the type hint."""
    from jiaoliuba.triage import classifier

    for stream in streams:
        verdicts = classifier.classify_many(
            [(it.text, it.hint) for it in stream.items], explain=False
        )
        for it, verdict in zip(stream.items, verdicts, strict=True):
            it.category = verdict.category


def surge_history(times: list, t: dt.datetime, begun: dt.datetime) -> tuple[int, float]:
    """What `risk.detect_surge` reads besides the last 24 hours: the scope's appeals in the 28
    days before them, and how many of those days the community has been watched."""
    window = t - dt.timedelta(hours=24)
    history = sum(1 for a in times if window - dt.timedelta(days=28) < a <= window)
    days = min(28.0, max(0.0, (window - begun).total_seconds() / 86400))
    return history, days


def surge_what_if() -> None:
    """BENCH_WHATIF=1: replay the same streams through the surge rule in memory (the
    classifier files each appeal exactly as appeal_submit does; nothing is written), with
    the app's own `risk.surge_test` under the current and a few alternative settings. The
    "current" row should reproduce the database run's surge figures (except alert rows:
    here one alert per community, category and 24 h, as `risk.create_alert` keeps)."""
    from django.conf import settings

    from jiaoliuba.appeals import risk

    streams = [generate(i) for i in range(len(KINDS) * STREAMS)]
    file_as_intake(streams)
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
                    history, days = surge_history(same, t, first_seen[it.community])
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
                        # the burst is flagged once this many of its appeals are in: an alert
                        # raised by a background appeal between the 3rd and 4th came by the 4th
                        hit = sum(1 for p in planted if items[p].at <= t)
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
        trig = " ".join(f"#{t}:{n}" for t, n in sorted(triggers.items(), key=lambda x: x[0]))
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
    # BENCH_MATCHING="OBJECT_COMMON=10,COPY_LINK=1.5": try other constants of `matching`.
    for pair in filter(None, os.environ.get("BENCH_MATCHING", "").split(",")):
        name, _eq, value = pair.partition("=")
        setattr(matching, name.strip(), type(getattr(matching, name.strip()))(value))
    n_streams = len(KINDS) * STREAMS
    detected, quiet_keys, stray, months, trig = 0, 0, 0, 0.0, Counter()
    free_hit = free_n = 0
    misses = []
    # BENCH_QUICK=1: only the cluster and quiet streams (the stray count then covers those).
    quick = os.environ.get("BENCH_QUICK") == "1"
    for index in range(n_streams):
        if quick and KINDS[index % len(KINDS)] not in ("cluster", "quiet"):
            continue
        stream = generate(index)
        items = stream.items
        planted = {i for i, it in enumerate(items) if it.tag == "planted"}
        last = max((items[i].at for i in planted), default=None)
        keys: set[tuple[int, int]] = set()
        corpus_day, corpus = None, matching.learn([])
        told: dict[tuple[int, object], matching.Telling] = {}
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
            tellings = {}
            for j in [i, *window]:
                if (j, day) not in told:  # an appeal reads the same all day (one corpus a day)
                    told[(j, day)] = matching.telling(items[j].text, corpus)
                tellings[j] = told[(j, day)]
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
            if stream.close < len(planted):  # at least one report told freely
                free_n += 1
                free_hit += hit is not None
    n_cluster = n_streams // len(KINDS)
    print(
        f"cluster replay, seed {SEED}, {n_streams} streams: detected {detected}/{n_cluster} "
        f"(events with a freely told report: {free_hit}/{free_n}); trigger {dict(trig)}; "
        f"quiet alerts {quiet_keys} = {quiet_keys / max(months, 1e-9):.2f}/stream-month; stray {stray}"
    )
    for group in misses:
        print("  ", " | ".join(group))
