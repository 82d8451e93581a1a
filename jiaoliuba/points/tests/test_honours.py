"""Quarterly honours: candidates come from the ledger (the honour's own acts, the community,
the quarter); staff nominate, the secretary or above confirms and never the nominator; the
public page shows an honour only once confirmed and with the resident's consent; the list
of residents active quarter after quarter is for staff and gives its reasons."""

from __future__ import annotations

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jiaoliuba.points import selectors, services
from jiaoliuba.points.choices import Act, HonourKind, HonourStatus
from jiaoliuba.points.models import HonourEvent
from jiaoliuba.points.tests.conftest import at
from jiaoliuba.testing.fixtures import JIANKANG, JIANKANG_G1, JIEFANG

pytestmark = pytest.mark.django_db


def earn(user, act, source, when, by=None):
    with clock.pinned(when):
        services.points_award(user=user, act=act, source=source, confirmed_by=by)


@pytest.fixture
def secretary(make_staff):
    return make_staff(Role.COMMUNITY_SECRETARY, JIEFANG)


def test_candidates_come_from_the_honours_own_acts_place_and_quarter(
    make_resident, secretary, regions
):
    zhang, li, wang = (
        make_resident(name="张阿姨"),
        make_resident(name="李叔"),
        make_resident(name="王姐"),
    )
    elsewhere = make_resident(JIANKANG_G1, name="健康路居民")
    earn(zhang, Act.SUGGESTION_ADOPTED, "room", at(2026, 10, 8, 9), secretary)
    earn(zhang, Act.SUGGESTION_ONLINE, "bench", at(2026, 11, 2, 9))
    earn(li, Act.SUGGESTION_ONLINE, "lights", at(2026, 11, 3, 9))
    earn(li, Act.VOLUNTEER_SHIFT, "flood", at(2026, 11, 3, 9))
    earn(wang, Act.SUGGESTION_ONLINE, "last-quarter", at(2026, 9, 30, 9))
    earn(elsewhere, Act.SUGGESTION_ONLINE, "other-community", at(2026, 11, 3, 9))
    voices = selectors.honour_candidates(
        community=regions[JIEFANG], quarter="2026Q4", kind=HonourKind.GOOD_VOICE
    )
    assert [(c.user, c.points, c.acts) for c in voices] == [(zhang, 55, 2), (li, 5, 1)]
    volunteers = selectors.honour_candidates(
        community=regions[JIEFANG], quarter="2026Q4", kind=HonourKind.BEST_VOLUNTEER
    )
    assert [(c.user, c.points) for c in volunteers] == [(li, 20)]


def test_nominate_confirm_and_publish_with_consent(
    make_resident, staff, secretary, regions, make_staff, client
):
    zhang = make_resident(name="张阿姨")
    earn(zhang, Act.SUGGESTION_ADOPTED, "room", at(2026, 10, 8, 9), secretary)
    community = regions[JIEFANG]
    honour = services.honour_nominate(
        actor=staff,
        community=community,
        quarter="2026Q4",
        kind=HonourKind.GOOD_VOICE,
        user=zhang,
        citation="建议把空地改成老年活动室",
    )
    with pytest.raises(Conflict):
        services.honour_nominate(
            actor=staff,
            community=community,
            quarter="2026Q4",
            kind=HonourKind.GOOD_VOICE,
            user=zhang,
        )
    with pytest.raises(PermissionDenied):  # a community clerk cannot confirm
        services.honour_confirm(actor=staff, honour=honour)
    self_nominated = services.honour_nominate(
        actor=secretary,
        community=community,
        quarter="2026Q4",
        kind=HonourKind.GOVERNANCE_STAR,
        user=make_resident_with_meeting(make_resident, secretary),
    )
    with pytest.raises(PermissionDenied):  # the nominator never confirms their own nomination
        services.honour_confirm(actor=secretary, honour=self_nominated)
    with pytest.raises(NotFound):
        services.honour_confirm(actor=make_staff(Role.COMMUNITY_SECRETARY, JIANKANG), honour=honour)
    confirmed = services.honour_confirm(actor=secretary, honour=honour)
    assert confirmed.status == HonourStatus.CONFIRMED
    page = client.get(f"/public/{JIEFANG}/").content.decode()
    assert "张阿姨" not in page  # confirmed, but she has not agreed yet
    services.honour_consent(user=zhang, honour=confirmed, consent=True)
    page = client.get(f"/public/{JIEFANG}/").content.decode()
    assert "张阿姨" in page and "建议把空地改成老年活动室" in page
    assert list(HonourEvent.objects.filter(honour=honour).values_list("kind", flat=True)) == [
        "nominated",
        "confirmed",
        "consent",
    ]
    with pytest.raises(ValidationFailed):
        services.honour_withdraw(actor=staff, honour=confirmed, reason="")
    services.honour_withdraw(actor=staff, honour=confirmed, reason="本人要求")
    assert "张阿姨" not in client.get(f"/public/{JIEFANG}/").content.decode()


def make_resident_with_meeting(make_resident, secretary):
    user = make_resident(name="刘叔")
    earn(user, Act.MEETING_ATTENDED, "m1", at(2026, 11, 5, 19))
    return user


def test_only_candidates_are_nominated(make_resident, staff, regions):
    idle = make_resident()
    with pytest.raises(ValidationFailed):
        services.honour_nominate(
            actor=staff,
            community=regions[JIEFANG],
            quarter="2026Q4",
            kind=HonourKind.GOOD_VOICE,
            user=idle,
        )
    with pytest.raises(ValidationFailed):
        services.honour_nominate(
            actor=staff,
            community=regions[JIEFANG],
            quarter="2026-4",
            kind=HonourKind.GOOD_VOICE,
            user=idle,
        )


def test_active_residents_are_listed_with_their_reasons(
    make_resident, regions, login_client, staff, secretary
):
    steady, once = make_resident(name="老赵"), make_resident(name="小钱")
    for n, month in enumerate((2, 5, 8, 11)):  # 2026Q1 … Q4
        earn(steady, Act.MEETING_ATTENDED, f"m{n}", at(2026, month, 10, 19))
    earn(once, Act.VOLUNTEER_SHIFT, "once", at(2026, 11, 10, 9))
    active = selectors.active_residents(community=regions[JIEFANG], quarter="2026Q4")
    assert [(a.user, a.quarters, a.points) for a in active] == [(steady, 4, 40)]
    assert list(active[0].acts.values()) == [4]
    page = (
        login_client(staff)
        .get(f"/workbench/points/honours/?community={JIEFANG}&quarter=2026Q4")
        .content.decode()
    )
    assert "老赵" in page and 'id="active-residents"' in page
    assert login_client(once).get("/workbench/points/honours/").status_code == 404
