"""Fixtures of the meeting tests (test_meeting_*.py), loaded by conftest.py."""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.appeals import services as appeal_services
from jiaoliuba.appeals.services import Intake
from jiaoliuba.core import clock
from jiaoliuba.deliberation.meetings import services as meeting_services
from jiaoliuba.testing.fixtures import DONGFENG, JIEFANG, JIEFANG_G1

RED_TEXT = "物业公司要把物业费上调30%，业主拒缴，物业威胁撤场，几十户业主准备集体上访，矛盾激化"


@pytest.fixture
def people(make_staff, make_resident):
    return {
        "organiser": make_staff(Role.COMMUNITY_STAFF, JIEFANG, username="m-organiser"),
        "grid": make_staff(Role.GRID_WORKER, JIEFANG_G1, username="m-grid"),
        "street": make_staff(Role.STREET_OFFICER, DONGFENG, username="m-street"),
        "lawyer": make_staff(Role.PROFESSIONAL, DONGFENG, username="m-lawyer"),
        "volunteer": make_staff(Role.VOLUNTEER, JIEFANG, username="m-volunteer"),
        "owner": make_resident(JIEFANG_G1, name="业主代表"),
        "neighbour": make_resident(JIEFANG_G1, name="邻居"),
    }


@pytest.fixture
def meeting(people, regions):
    return meeting_services.meeting_schedule(
        actor=people["organiser"],
        title="物业费调价议事会",
        kind="regular",
        scope=regions[JIEFANG],
        starts_at=clock.now() + dt.timedelta(hours=1),
        place="解放路社区交流吧",
        agenda=["物业费调价方案"],
    )


@pytest.fixture
def red_appeal(regions, people):
    def make(content: str = RED_TEXT, *, priority: str = "red"):
        """An appeal of `priority`: the classifier's verdict, corrected by the street
        through the triage service when it differs (these tests are about meetings, not
        about the classifier)."""
        appeal, _created = appeal_services.appeal_submit(
            submitter=people["owner"],
            intake=Intake(
                content=content, community=None, grid=regions[JIEFANG_G1], type_hint="property"
            ),
        )
        if appeal.priority != priority:
            appeal = appeal_services.appeal_correct_triage(
                appeal=appeal,
                actor=people["street"],
                priority=priority,
                category=appeal.category,
                reason="测试：指定分级",
            )
        assert appeal.priority == priority
        return appeal

    return make


@pytest.fixture
def demo_people(make_staff, make_resident):
    for username, role, where in (
        ("community_staff", Role.COMMUNITY_STAFF, JIEFANG),
        ("secretary", Role.COMMUNITY_SECRETARY, JIEFANG),
        ("grid_worker", Role.GRID_WORKER, JIEFANG_G1),
        ("volunteer", Role.VOLUNTEER, JIEFANG),
        ("lawyer", Role.PROFESSIONAL, DONGFENG),
        ("street_officer", Role.STREET_OFFICER, DONGFENG),
    ):
        make_staff(role, where, username=username)
    make_resident(JIEFANG_G1, name="张秀兰", phone="13800000001")
    for i in range(8):
        make_resident(JIEFANG_G1, name=f"业主{i}")
