"""Bugs the appeal state machine (test_state_machine.py) ran into, kept as regression
tests."""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.appeals import selectors, services
from jiaoliuba.appeals.choices import (
    Priority,
    RatingLevel,
    Status,
)
from jiaoliuba.appeals.services import Intake
from jiaoliuba.core import clock
from jiaoliuba.core.errors import PermissionDenied
from jiaoliuba.testing.fixtures import (
    JIEFANG,
    JIEFANG_G1,
)


@pytest.fixture
def loop(regions, make_staff, make_resident, monkeypatch):
    now_box = [dt.datetime(2025, 3, 3, 9, 30, tzinfo=clock.SHANGHAI)]  # a Monday
    monkeypatch.setattr(clock, "now", lambda: now_box[0])
    people = {
        "grid1": make_staff(Role.GRID_WORKER, JIEFANG_G1),
        "cstaff": make_staff(Role.COMMUNITY_STAFF, JIEFANG),
        "resident": make_resident(JIEFANG_G1),
    }
    intake = Intake(content="楼上邻居每晚跳绳，噪音很大", community=None, grid=regions[JIEFANG_G1])
    appeal, _created = services.appeal_submit(submitter=people["resident"], intake=intake)
    assert (appeal.priority, appeal.assignee) == (Priority.YELLOW, people["grid1"])
    return appeal, people, now_box


@pytest.mark.django_db
def test_reclassification_rearms_the_sweep(loop):
    appeal, people, now_box = loop
    now_box[0] = appeal.resolution_due_at + dt.timedelta(hours=1)
    assert services.appeals_sweep().supervised == 2  # response and resolution both breached
    appeal = services.appeal_correct_triage(
        appeal=appeal,
        actor=people["cstaff"],
        priority=Priority.BLUE,
        category="suggestion",
        reason="其实是建议，按蓝色办理",
    )
    appeal.refresh_from_db()
    assert appeal.resolution_due_at > now_box[0]  # blue: 7 working days, not yet due
    now_box[0] = appeal.resolution_due_at + dt.timedelta(hours=1)
    assert services.appeals_sweep().supervised >= 1, "the new deadline passed unsupervised"


@pytest.mark.django_db
def test_reclassification_keeps_an_approved_extension(loop):
    appeal, people, _now_box = loop
    services.appeal_accept(appeal=appeal, actor=people["grid1"])
    extension = services.appeal_extension_request(
        appeal=appeal, actor=people["grid1"], working_days=10, reason="需要协调物业和楼上住户"
    )
    extension = services.appeal_extension_decide(
        extension=extension, actor=people["cstaff"], approve=True
    )
    services.appeal_correct_triage(
        appeal=appeal,
        actor=people["cstaff"],
        priority=Priority.YELLOW,
        category="property",
        reason="其实是物业问题",
    )
    appeal.refresh_from_db()
    assert appeal.resolution_due_at >= extension.new_due_at


@pytest.mark.django_db
def test_resolving_settles_a_pending_extension(loop):
    appeal, people, _now_box = loop
    services.appeal_accept(appeal=appeal, actor=people["grid1"])
    services.appeal_extension_request(
        appeal=appeal, actor=people["grid1"], working_days=3, reason="需要协调"
    )
    services.appeal_resolve(appeal=appeal, actor=people["grid1"], reply="已协调解决")
    assert selectors.supervision_overview(user=people["cstaff"])["extensions"] == []


# --- found by typing the actors as User ----------------------------------------------------


@pytest.mark.django_db
def test_rating_without_a_person_or_a_tracking_code_is_refused(loop):
    # It was an AttributeError (a 500): nobody's pk was read.
    appeal, people, _now_box = loop
    services.appeal_accept(appeal=appeal, actor=people["grid1"])
    services.appeal_resolve(appeal=appeal, actor=people["grid1"], reply="已协调解决")
    with pytest.raises(PermissionDenied):
        services.appeal_rate(appeal=appeal, actor=None, level=RatingLevel.SATISFIED, solved=True)
    appeal.refresh_from_db()
    assert appeal.status == Status.RESOLVED
