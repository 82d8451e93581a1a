"""Figures for bench/risk_streams.py's database run: rates with Wilson intervals, false
alarms per quiet stream-month, trigger and delay distributions, offline text scores."""

from __future__ import annotations

import json
import math
import os
import platform
import random
import resource
import statistics
import subprocess
from collections import Counter, defaultdict
from pathlib import Path

from risk_stream_gen import (
    KINDS,
    PER_SET,
    SEED,
    WORKERS,
    _background_count,
    _background_text,
    _decorate,
    _pick_category,
)
from risk_stream_run import _components
from risk_stream_texts import (
    BACKGROUND,
    CLOSERS,
    CLUSTER_MATTERS,
)


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


def report(results: list[dict], elapsed: float, url: str) -> None:
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
    print(f"database: {connection.vendor} ({url.split('@')[-1]})")
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
