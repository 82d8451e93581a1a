"""The points store against the real database: redeem, cancel with refund and restock,
hand over by pickup code; per-person limits, sold out, not enough points and other areas
refused with nothing changed; a retried request redeems once."""

from __future__ import annotations

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jiaoliuba.points import selectors, services, transitions
from jiaoliuba.points.choices import EntryKind, RedemptionStatus
from jiaoliuba.points.models import (
    PointsAccount,
    PointsEntry,
    Redemption,
    RedemptionEvent,
    StoreItem,
)
from jiaoliuba.testing.fixtures import DONGFENG, JIANKANG, JIANKANG_G1, JIEFANG

pytestmark = pytest.mark.django_db


@pytest.fixture
def oil(staff, regions):
    return services.store_item_save(
        actor=staff,
        region=regions[JIEFANG],
        name="食用油一桶",
        partner="好邻居超市",
        price=100,
        stock=2,
        per_person_limit=1,
    )


def test_redeem_cancel_and_hand_over(make_resident, fund, oil, staff):
    zhang = make_resident(name="张阿姨")
    fund(zhang, 250)
    first = services.redemption_place(user=zhang, item=oil)
    assert first.status == RedemptionStatus.PLACED and len(first.pickup_code) == 8
    assert PointsAccount.objects.get(user=zhang).balance == 150
    assert StoreItem.objects.get(pk=oil.pk).stock == 1
    # Cancel: points back, item back on the shelf, an event each way.
    services.redemption_cancel(actor=zhang, redemption=first, reason="不需要了")
    assert PointsAccount.objects.get(user=zhang).balance == 250
    assert StoreItem.objects.get(pk=oil.pk).stock == 2
    with pytest.raises(Conflict):
        services.redemption_cancel(actor=zhang, redemption=first)
    second = services.redemption_place(user=zhang, item=oil)
    with pytest.raises(ValidationFailed):
        services.redemption_fulfil(actor=staff, redemption=second, code="WRONG123")
    done = services.redemption_fulfil(
        actor=staff, redemption=second, code=second.pickup_code.lower()
    )
    assert done.status == RedemptionStatus.FULFILLED
    assert not transitions.offered(zhang, done)["cancel"]
    kinds = list(RedemptionEvent.objects.filter(redemption=second).values_list("kind", flat=True))
    assert kinds == ["placed", "fulfilled"]
    assert sorted(
        PointsEntry.objects.filter(account__user=zhang).values_list("kind", flat=True)
    ) == sorted([EntryKind.ADJUST, EntryKind.SPEND, EntryKind.REFUND, EntryKind.SPEND])


def test_refusals_change_nothing(make_resident, fund, oil, regions):
    poor, rich = make_resident(), make_resident()
    fund(poor, 99)
    fund(rich, 1000)
    with pytest.raises(Conflict, match=r"Not enough points|积分不足"):
        services.redemption_place(user=poor, item=oil)
    assert StoreItem.objects.get(pk=oil.pk).stock == 2 and not Redemption.objects.exists()
    assert PointsAccount.objects.get(user=poor).balance == 99
    services.redemption_place(user=rich, item=oil)
    with pytest.raises(Conflict):  # one per person
        services.redemption_place(user=rich, item=oil)
    assert PointsAccount.objects.get(user=rich).balance == 900
    outsider = make_resident(JIANKANG_G1)
    fund_elsewhere = PointsAccount.objects.count()
    with pytest.raises(NotFound):  # another community's store does not exist for them
        services.redemption_place(user=outsider, item=oil)
    assert PointsAccount.objects.count() == fund_elsewhere


def test_sold_out_and_withdrawn_items(make_resident, fund, oil, staff):
    a, b, c = make_resident(), make_resident(), make_resident()
    for user in (a, b, c):
        fund(user, 100)
    services.redemption_place(user=a, item=oil)
    services.redemption_place(user=b, item=oil)
    with pytest.raises(Conflict, match=r"sold out|兑完"):
        services.redemption_place(user=c, item=oil)
    services.store_item_save(actor=staff, region=oil.region, item=oil, active=False, stock=5)
    with pytest.raises(Conflict):
        services.redemption_place(user=c, item=oil)
    assert PointsAccount.objects.get(user=c).balance == 100


def test_a_retried_request_redeems_once(make_resident, fund, oil):
    user = make_resident()
    fund(user, 300)
    first = services.redemption_place(user=user, item=oil, request_key="tap-1")
    again = services.redemption_place(user=user, item=oil, request_key="tap-1")
    assert first.pk == again.pk and Redemption.objects.count() == 1
    assert PointsAccount.objects.get(user=user).balance == 200


def test_a_retry_with_a_key_longer_than_the_column_redeems_once(make_resident, fund, oil):
    """The key was stored cut to 64 characters but looked up whole, so its retry ran into
    the unique constraint (a 409 "please try again") instead of getting the first."""
    user = make_resident()
    fund(user, 300)
    key = "retry-" + "x" * 80
    first = services.redemption_place(user=user, item=oil, request_key=key)
    again = services.redemption_place(user=user, item=oil, request_key=key)
    assert first.pk == again.pk and Redemption.objects.count() == 1
    assert PointsAccount.objects.get(user=user).balance == 200


def test_staff_keep_their_own_area(make_staff, make_resident, fund, oil, regions, staff):
    other = make_staff(Role.COMMUNITY_STAFF, JIANKANG)
    with pytest.raises(PermissionDenied):
        services.store_item_save(actor=other, region=regions[JIEFANG], name="x", price=5)
    with pytest.raises(PermissionDenied):
        services.store_item_save(actor=other, region=oil.region, item=oil, price=1)
    with pytest.raises(ValidationFailed):
        services.store_item_save(actor=staff, region=regions[JIEFANG], name=" ", price=5)
    with pytest.raises(ValidationFailed):
        services.store_item_save(actor=staff, region=regions[JIEFANG], name="x", price=0)
    user = make_resident()
    fund(user, 100)
    placed = services.redemption_place(user=user, item=oil)
    with pytest.raises(NotFound):
        selectors.access_redemption_by_code(user=other, code=placed.pickup_code)
    with pytest.raises(NotFound):
        services.redemption_fulfil(actor=other, redemption=placed, code=placed.pickup_code)
    with pytest.raises(NotFound):
        selectors.access_redemption(user=make_resident(), redemption_id=placed.pk)
    street = make_staff(Role.STREET_OFFICER, DONGFENG)  # the street covers the community
    assert selectors.access_redemption_by_code(user=street, code=placed.pickup_code) == placed
    # The street's own store is offered to every resident of its communities.
    tea = services.store_item_save(
        actor=street, region=regions[DONGFENG], name="茶叶", price=10, stock=3
    )
    assert set(selectors.store_items_for(user)) == {oil, tea}
