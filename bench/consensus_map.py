"""共识地图: how long does a recompute take at 10,000 participants × 1,000 statements?

Part 1 times compute.compute — what the worker runs after reading the votes — on
synthetic matrices with three planted groups at several densities (the share of the
statements each person voted on), and checks the groups were found. Part 2 (--db) times
the worker's whole map_compute on a real database: reading the vote rows, computing,
storing the result and the 10,000 placements.

    .venv/bin/python bench/consensus_map.py                     # part 1 only
    BENCH_DATABASE_URL=sqlite:////tmp/jiaoliuba-bench-consensus.sqlite3 \
        .venv/bin/python bench/consensus_map.py --db --per-person 50

CPU time (process_time, both cores' threads added up) is printed beside wall time: on
a shared machine the load inflates wall time but hardly CPU time."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from jiaoliuba.deliberation.consensus import compute, synthetic

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--participants", type=int, default=10_000)
parser.add_argument("--statements", type=int, default=1_000)
parser.add_argument("--repeat", type=int, default=3)
parser.add_argument("--densities", default="1.0,0.3,0.05")
parser.add_argument("--db", action="store_true", help="also time map_compute on a database")
parser.add_argument("--per-person", type=int, default=50, help="--db: votes per participant")
ARGS = parser.parse_args()


def agreement(found: np.ndarray, truth: np.ndarray) -> float:
    return sum(np.bincount(found[truth == g]).max() for g in np.unique(truth)) / len(truth)


def part1() -> None:
    print(f"load average before: {os.getloadavg()}")
    print(
        f"compute.compute, {ARGS.participants:,} participants × {ARGS.statements:,} statements, "
        f"3 planted groups (50/30/20 %), median of {ARGS.repeat}"
    )
    for density in (float(d) for d in ARGS.densities.split(",")):
        planted = synthetic.planted(ARGS.participants, ARGS.statements, density=density, seed=11)
        votes = int((~np.isnan(planted.matrix)).sum())
        walls, cpus = [], []
        for _ in range(ARGS.repeat):
            cpu, wall = time.process_time(), time.perf_counter()
            outcome = compute.compute(
                planted.participant_ids, planted.statement_ids, planted.matrix
            )
            cpus.append(time.process_time() - cpu)
            walls.append(time.perf_counter() - wall)
        print(
            f"  density {density:>4}: {votes:>10,} votes  wall {statistics.median(walls):5.2f} s"
            f"  cpu {statistics.median(cpus):5.2f} s  k={outcome.data['k']}"
            f"  silhouette={outcome.data['silhouette']}"
            f"  members right={agreement(outcome.labels, planted.truth):.3f}"
        )
    print(f"load average after: {os.getloadavg()}")


def part2() -> None:
    os.environ.setdefault("BENCH_DATABASE_URL", "sqlite:////tmp/jiaoliuba-bench-consensus.sqlite3")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _setup import setup

    url = setup()
    from django.db import transaction

    from jiaoliuba.accounts.models import User
    from jiaoliuba.core import clock
    from jiaoliuba.deliberation.choices import TopicSource
    from jiaoliuba.deliberation.consensus import services
    from jiaoliuba.deliberation.models import (
        ConsensusQuestion,
        Statement,
        StatementVote,
        Topic,
    )
    from jiaoliuba.regions.models import Region

    n, m, per = ARGS.participants, ARGS.statements, ARGS.per_person
    now = clock.now()
    print(
        f"\nmap_compute on {url.split('://')[0]}: {n:,} participants, {m:,} statements, {per} votes each"
    )
    question = ConsensusQuestion.objects.filter(prompt="bench").first()
    if question is None or not StatementVote.objects.filter(question=question).exists():
        ConsensusQuestion.objects.filter(prompt="bench").delete()
        region = Region.objects.order_by("-path").first()
        if region is None:
            from jiaoliuba.demo.loader import REGIONS_CSV
            from jiaoliuba.regions.services import (
                parse_region_csv,
                regions_import,
            )

            regions_import(rows=parse_region_csv(REGIONS_CSV.read_text(encoding="utf-8")))
            region = Region.objects.order_by("-path").first()
        with transaction.atomic():
            have = User.objects.filter(username__startswith="bench-consensus-").count()
            User.objects.bulk_create(
                [User(username=f"bench-consensus-{i}") for i in range(have, n)], batch_size=5000
            )
            users = list(
                User.objects.filter(username__startswith="bench-consensus-")
                .order_by("pk")
                .values_list("pk", flat=True)[:n]
            )
            topic = Topic.objects.create(
                title="bench",
                body="bench",
                source=TopicSource.COMMUNITY,
                scope=region,
                scope_path=region.path,
                created_at=now,
                updated_at=now,
            )
            question = ConsensusQuestion.objects.create(
                topic=topic, prompt="bench", scope_path=region.path, created_at=now, updated_at=now
            )
            Statement.objects.bulk_create(
                [Statement(question=question, body=f"s{j}", created_at=now) for j in range(m)],
                batch_size=5000,
            )
            sids = list(Statement.objects.filter(question=question).values_list("pk", flat=True))
        planted = synthetic.planted(n, m, density=per / m, seed=11)
        rows, cols = np.nonzero(~np.isnan(planted.matrix))
        started = time.perf_counter()
        batch = []
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            batch.append(
                StatementVote(
                    question=question,
                    statement_id=sids[c],
                    voter_id=users[r],
                    value=int(planted.matrix[r, c]),
                    created_at=now,
                    updated_at=now,
                )
            )
            if len(batch) == 20000:
                StatementVote.objects.bulk_create(batch)
                batch = []
        StatementVote.objects.bulk_create(batch)
        ConsensusQuestion.objects.filter(pk=question.pk).update(votes_version=1)
        print(f"  wrote {len(rows):,} votes in {time.perf_counter() - started:.0f} s")
    walls, cpus = [], []
    for _ in range(ARGS.repeat):
        cpu, wall = time.process_time(), time.perf_counter()
        result = services.map_compute(question=question)
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    print(
        f"  map_compute: wall {statistics.median(walls):5.2f} s  cpu {statistics.median(cpus):5.2f} s"
        f"  (of which compute and the read: {result.seconds:.2f} s wall)"
        f"  k={result.data['k']} placed={result.data['placed']:,}"
    )
    print(f"  load average after: {os.getloadavg()}")


part1()
if ARGS.db:
    part2()
