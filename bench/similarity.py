"""Similar-appeal look-up ("已有居民反映") over 1,000,000 appeals: p50/p99 per query.

Generates the appeals once (idempotent) with their LSH band rows straight through the
ORM's bulk insert, spread over the demo city's communities, then times
selectors.similar_open_appeals for paraphrased queries.

    .venv/bin/python bench/similarity.py
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/jiaoliuba_sim .venv/bin/python bench/similarity.py
"""

from __future__ import annotations

import os
import platform
import random
import time

os.environ.setdefault("BENCH_DATABASE_URL", "sqlite:////tmp/jiaoliuba-sim.sqlite3")
from _setup import setup

URL = setup()

import datetime as dt  # noqa: E402

from django.db import connection, transaction  # noqa: E402

from jiaoliuba.appeals import selectors, similarity  # noqa: E402
from jiaoliuba.appeals.models import Appeal, AppealBand  # noqa: E402
from jiaoliuba.core import clock  # noqa: E402
from jiaoliuba.demo.loader import REGIONS_CSV  # noqa: E402
from jiaoliuba.regions.models import Region  # noqa: E402
from jiaoliuba.regions.services import parse_region_csv, regions_import  # noqa: E402

TOTAL = int(os.environ.get("BENCH_APPEALS", "1000000"))
PLACES = [
    "3号楼",
    "5号楼东门",
    "小区北门",
    "菜市场旁",
    "幼儿园门口",
    "2单元",
    "地下车库",
    "健身广场",
    "12号楼后",
    "南门岗亭",
]
MATTERS = [
    "楼上每晚跳绳吵得睡不着",
    "电梯经常停在半路",
    "路灯坏了晚上很黑",
    "垃圾好几天没人清",
    "邻居装修电钻声太大",
    "物业费涨得太多",
    "车位被外来车占了",
    "下水道堵了返臭味",
    "暖气一点都不热",
    "狗半夜一直叫",
    "楼道堆满杂物",
    "想问低保怎么申请",
    "建议增加健身器材",
    "门禁卡刷不开",
    "绿化带没人修剪",
    "烧烤店油烟太大",
    "工地晚上打桩",
    "快递柜坏了",
    "自来水发黄",
    "广场舞音响太响",
]
TAILS = [
    "，麻烦看看",
    "，请尽快处理",
    "，谢谢",
    "，怎么办",
    "，已经好几天了",
    "！",
    "",
    "，大家都有意见",
]


def generate() -> None:
    regions_import(rows=parse_region_csv(REGIONS_CSV.read_text(encoding="utf-8")))
    have = Appeal.objects.count()
    if have >= TOTAL:
        return
    communities = list(Region.objects.filter(level="community"))
    rng = random.Random(20261128)
    now = clock.now()
    start = time.perf_counter()
    batch = 5000
    for offset in range(have, TOTAL, batch):
        appeals = []
        for i in range(offset, min(offset + batch, TOTAL)):
            community = communities[i % len(communities)]
            text = f"{rng.choice(PLACES)}{rng.choice(MATTERS)}{rng.choice(TAILS)}{i % 97}"
            received = now - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 365))
            appeals.append(
                Appeal(
                    number=f"S{i:09d}",
                    content=text,
                    community=community,
                    region_path=community.path,
                    priority="yellow",
                    category="neighbor",
                    status=rng.choice(["dispatched", "closed", "closed", "accepted"]),
                    received_at=received,
                    response_due_at=received,
                    resolution_due_at=received,
                    resolution_due_original_at=received,
                )
            )
        with transaction.atomic():
            created = Appeal.objects.bulk_create(appeals)
            if created[0].pk is None:
                created = list(Appeal.objects.filter(number__in=[a.number for a in appeals]))
            rows = [
                (a.pk, a.community_id, h)
                for a in created
                for h in set(similarity.band_hashes(similarity.shingles(a.content)))
            ]
            table = AppealBand._meta.db_table
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {table} (appeal_id, community_id, band_hash) VALUES (%s, %s, %s)",
                    rows,
                )
        if (offset // batch) % 20 == 0:
            print(
                f"  {offset + len(appeals):,} appeals ({time.perf_counter() - start:.0f}s)",
                flush=True,
            )
    print(f"generated in {time.perf_counter() - start:.0f}s")


def main() -> None:
    generate()
    communities = list(Region.objects.filter(level="community"))
    rng = random.Random(7)
    queries = [
        (rng.choice(communities), f"{rng.choice(PLACES)}那边{rng.choice(MATTERS)}了")
        for _ in range(300)
    ]
    selectors.similar_open_appeals(community=queries[0][0], text=queries[0][1])  # warm-up
    samples, hits = [], 0
    for community, text in queries:
        t = time.perf_counter()
        found = selectors.similar_open_appeals(community=community, text=text)
        samples.append((time.perf_counter() - t) * 1000)
        hits += bool(found)
    samples.sort()
    print(
        f"database: {connection.vendor}  appeals: {Appeal.objects.count():,}  band rows: {AppealBand.objects.count():,}"
    )
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"similar_open_appeals over {len(samples)} queries: p50 {samples[len(samples) // 2]:.1f} ms, "
        f"p99 {samples[int(len(samples) * 0.99)]:.1f} ms, max {samples[-1]:.1f} ms; {hits} queries found a match"
    )


if __name__ == "__main__":
    main()
