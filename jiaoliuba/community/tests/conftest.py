"""解放路社区 with its staff, a grid worker per grid, a volunteer and residents in two
grids and two buildings; 健康路社区 next door for the scope checks."""

from __future__ import annotations

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.models import ResidentProfile
from jiaoliuba.testing.fixtures import JIANKANG, JIANKANG_G1, JIEFANG, JIEFANG_G1, JIEFANG_G2


@pytest.fixture
def staff(make_staff):
    return make_staff(Role.COMMUNITY_STAFF, JIEFANG)


@pytest.fixture
def worker(make_staff):
    return make_staff(Role.GRID_WORKER, JIEFANG_G1)


@pytest.fixture
def volunteer(make_staff):
    return make_staff(Role.VOLUNTEER, JIEFANG)


@pytest.fixture
def people(regions, make_resident):
    """Three residents in grid 1 (two in 3号楼), one in grid 2, one next door."""

    def resident(grid: str, name: str, address: str):
        user = make_resident(grid, name=name)
        ResidentProfile.objects.filter(user=user).update(address=address)
        return user

    return {
        "zhang": resident(JIEFANG_G1, "张秀兰", "3号楼2单元301室"),
        "li": resident(JIEFANG_G1, "李建国", "3号楼1单元102室"),
        "wang": resident(JIEFANG_G1, "王海燕", "5号楼1单元101室"),
        "zhao": resident(JIEFANG_G2, "赵明华", "8号楼1单元201室"),
        "next_door": resident(JIANKANG_G1, "陈丽娟", "1号楼1单元101室"),
    }


@pytest.fixture
def community(regions):
    return regions[JIEFANG]


@pytest.fixture
def grid1(regions):
    return regions[JIEFANG_G1]


@pytest.fixture
def neighbour(regions):
    return regions[JIANKANG]
