"""How fast are scoped reads as the city grows? Builds a city of ~100,000 residents in
~4,000 grids (idempotent), then times, for each staff level, counting the residents in
scope and fetching the first page of the list.

    .venv/bin/python bench/scope_queries.py              # SQLite
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/jiaoliuba_bench .venv/bin/python bench/scope_queries.py
"""

from __future__ import annotations

import os
import platform
import time

from _setup import setup, timed

URL = setup()

from django.db import connection, transaction  # noqa: E402

from jiaoliuba.accounts import selectors, services  # noqa: E402
from jiaoliuba.accounts.choices import Role  # noqa: E402
from jiaoliuba.accounts.models import ResidentProfile, User  # noqa: E402
from jiaoliuba.core import crypto  # noqa: E402
from jiaoliuba.regions.models import Region  # noqa: E402
from jiaoliuba.regions.services import RegionRow, regions_import  # noqa: E402

RESIDENTS = int(os.environ.get("BENCH_RESIDENTS", "100000"))


def build_city() -> None:
    if Region.objects.filter(code="419900000000").exists():
        return
    rows = [RegionRow(1, "419900000000", "基准市", "", "city")]
    for d in range(1, 11):
        dcode = f"4199{d:02d}000000"
        rows.append(RegionRow(1, dcode, f"区{d}", "419900000000", "district"))
        for s in range(1, 11):
            scode = f"4199{d:02d}{s:03d}000"
            rows.append(RegionRow(1, scode, f"街道{d}-{s}", dcode, "street"))
            for c in range(1, 9):
                ccode = f"4199{d:02d}{s:03d}{c:03d}"
                rows.append(RegionRow(1, ccode, f"社区{d}-{s}-{c}", scode, "community"))
                for g in range(1, 6):
                    rows.append(RegionRow(1, f"{ccode}{g:03d}", f"网格{g}", ccode, "grid"))
    regions_import(rows=rows)


def build_residents() -> None:
    have = ResidentProfile.objects.filter(community__code__startswith="4199").count()
    if have >= RESIDENTS:
        return
    grids = list(
        Region.objects.filter(level="grid", code__startswith="4199").select_related("parent")
    )
    start = time.perf_counter()
    batch_users, batch_profiles = [], []
    token = crypto.encrypt("13900000000")  # the same ciphertext is fine for timing reads
    for i in range(have, RESIDENTS):
        phone = f"15{i:09d}"
        batch_users.append(
            User(
                display_name=f"居民{i}",
                phone=token,
                phone_hash=crypto.lookup_hash(phone, purpose="phone"),
            )
        )
        if len(batch_users) == 5000 or i == RESIDENTS - 1:
            with transaction.atomic():
                users = User.objects.bulk_create(batch_users)
                if users[0].pk is None:  # backends that do not return ids
                    users = list(
                        User.objects.filter(phone_hash__in=[u.phone_hash for u in batch_users])
                    )
                for n, user in enumerate(users):
                    grid = grids[(i + n) % len(grids)]
                    profile = ResidentProfile(user=user, address="1号楼")
                    profile.place_at(community=grid.parent, grid=grid)
                    batch_profiles.append(profile)
                ResidentProfile.objects.bulk_create(batch_profiles)
            batch_users, batch_profiles = [], []
    print(f"generated residents in {time.perf_counter() - start:.1f}s")


def staff(role: str, code: str) -> User:
    username = f"bench-{role}"
    user = User.objects.filter(username=username).first() or services.user_create_staff(
        username=username, password="x" * 12
    )
    services.role_assign(actor=None, user=user, role=role, region=Region.objects.get(code=code))
    return User.objects.get(pk=user.pk)


def main() -> None:
    build_city()
    build_residents()
    print(f"database: {connection.vendor} ({URL.split('@')[-1]})")
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"residents: {ResidentProfile.objects.count():,}  regions: {Region.objects.count():,}")
    print(
        f"{'scope':<22}{'in scope':>10}{'count p50':>12}{'count p99':>12}{'page p50':>11}{'page p99':>11}"
    )
    for role, code in [
        (Role.GRID_WORKER, "419901001001001"),
        (Role.COMMUNITY_STAFF, "419901001001"),
        (Role.STREET_OFFICER, "419901001000"),
        (Role.DISTRICT_OFFICER, "419901000000"),
        (Role.CITY_ADMIN, "419900000000"),
    ]:
        user = staff(role, code)
        count = selectors.residents_visible_to(user).count()
        c50, c99 = timed(lambda u=user: selectors.residents_visible_to(u).count())
        p50, p99 = timed(lambda u=user: list(selectors.resident_list(user=u)[:30]))
        print(f"{role:<22}{count:>10,}{c50:>10.1f}ms{c99:>10.1f}ms{p50:>9.1f}ms{p99:>9.1f}ms")


if __name__ == "__main__":
    main()
