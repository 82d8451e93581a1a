"""The points API and pages, scoped: a resident sees their own points and their community's
store, redeems (a retried request with the same Idempotency-Key redeems once), cancels;
staff hand over by code and keep the store within their area; everything else is 404."""

from __future__ import annotations

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.selectors import resident_of
from jiaoliuba.points import services
from jiaoliuba.points.models import PointsAccount, Redemption
from jiaoliuba.testing.fixtures import JIANKANG, JIEFANG

pytestmark = pytest.mark.django_db


@pytest.fixture
def oil(staff, regions):
    return services.store_item_save(
        actor=staff,
        region=regions[JIEFANG],
        name="食用油一桶",
        partner="好邻居超市",
        price=100,
        stock=3,
    )


def test_resident_redeems_through_the_api_once_per_key(make_resident, fund, oil, api_client):
    zhang = make_resident(name="张阿姨")
    fund(zhang, 150)
    api = api_client(zhang)
    me = api.get("/api/v1/points/me").json()
    assert me["balance"] == 150 and me["entries"][0]["amount"] == 150
    assert [i["name"] for i in api.get("/api/v1/points/store").json()] == ["食用油一桶"]
    first = api.post(f"/api/v1/points/store/{oil.pk}/redeem", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post(f"/api/v1/points/store/{oil.pk}/redeem", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and len(first.json()["pickup_code"]) == 8
    short = api.post(f"/api/v1/points/store/{oil.pk}/redeem", HTTP_IDEMPOTENCY_KEY="k-2")
    assert short.status_code == 409 and short.json()["code"] == "points_insufficient"
    cancelled = api.post(
        f"/api/v1/points/redemptions/{first.json()['id']}/cancel",
        {"reason": "搬家"},
        content_type="application/json",
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert api.get("/api/v1/points/me").json()["balance"] == 150


def test_staff_hand_over_by_code_and_never_see_the_code(
    make_resident, fund, oil, api_client, staff, make_staff
):
    user = make_resident()
    fund(user, 100)
    placed = services.redemption_place(user=user, item=oil)
    outsider = api_client(make_staff(Role.COMMUNITY_STAFF, JIANKANG))
    refused = outsider.post(
        "/api/v1/points/redemptions/fulfil",
        {"code": placed.pickup_code},
        content_type="application/json",
    )
    assert refused.status_code == 404
    desk = api_client(staff)
    done = desk.post(
        "/api/v1/points/redemptions/fulfil",
        {"code": placed.pickup_code},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == "fulfilled"
    assert done.json()["pickup_code"] == ""
    assert outsider.get("/api/v1/points/items").json() == []
    assert [i["id"] for i in desk.get("/api/v1/points/items").json()] == [oil.pk]


def test_adjustments_and_items_through_the_api_stay_in_scope(
    make_resident, api_client, staff, make_staff
):
    user = make_resident()
    resident_id = resident_of(user).pk
    outsider = api_client(make_staff(Role.COMMUNITY_STAFF, JIANKANG))
    body = {"resident": resident_id, "amount": 20, "reason": "志愿服务补记"}
    assert (
        outsider.post(
            "/api/v1/points/adjustments", body, content_type="application/json"
        ).status_code
        == 404
    )
    assert not PointsAccount.objects.filter(balance__gt=0).exists()
    made = api_client(staff).post(
        "/api/v1/points/adjustments", body, content_type="application/json"
    )
    assert made.status_code == 201 and made.json()["amount"] == 20
    item = {"region": JIEFANG, "name": "家政服务一次", "price": 500, "stock": 2}
    assert (
        outsider.post("/api/v1/points/items", item, content_type="application/json").status_code
        == 403
    )
    assert (
        api_client(staff)
        .post("/api/v1/points/items", item, content_type="application/json")
        .status_code
        == 201
    )
    # A resident cannot reach the staff operations.
    resident_api = api_client(user)
    assert (
        resident_api.post("/api/v1/points/items", item, content_type="application/json").status_code
        == 403
    )
    assert resident_api.get("/api/v1/points/items").json() == []


def test_resident_page_redeems_and_shows_the_pickup_code(make_resident, fund, oil, login_client):
    user = make_resident(name="张阿姨")
    fund(user, 120)
    web = login_client(user)
    page = web.get("/points/").content.decode()
    assert 'id="balance">120<' in page and "食用油一桶" in page
    response = web.post(f"/points/store/{oil.pk}/redeem/", {"request_key": "once"}, follow=True)
    code = Redemption.objects.get().pickup_code
    assert code in response.content.decode()
    web.post(f"/points/store/{oil.pk}/redeem/", {"request_key": "once"})  # a double tap
    assert Redemption.objects.count() == 1
    refused = web.post(
        f"/points/store/{oil.pk}/redeem/", {"request_key": "twice"}, follow=True
    ).content.decode()
    assert "msg-error" in refused and Redemption.objects.count() == 1


def test_staff_desk_hands_over_and_keeps_typed_values_on_error(
    make_resident, fund, oil, login_client, staff
):
    user = make_resident()
    fund(user, 100)
    placed = services.redemption_place(user=user, item=oil)
    web = login_client(staff)
    bad = web.post(
        "/workbench/points/", {"form": "item", "region": JIEFANG, "name": "茶叶", "price": "十"}
    )
    assert bad.status_code == 400 and 'value="茶叶"' in bad.content.decode()
    web.post("/workbench/points/", {"form": "fulfil", "code": placed.pickup_code})
    placed.refresh_from_db()
    assert placed.status == "fulfilled"
    assert web.get("/points/").status_code == 404  # staff without a resident profile
