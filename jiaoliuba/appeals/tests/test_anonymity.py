"""Issue 9, items 1 and 3: nothing staff or other residents can see ties an anonymous
appeal to its filer, and the similar-appeal look-up shows only what the public board
may (scrubbed summary, category, status), within the caller's own community."""

import datetime as dt
import importlib
import io

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from openpyxl import load_workbook

from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.models import User
from jiaoliuba.appeals import services
from jiaoliuba.appeals.models import Appeal, AppealEvent, RiskAlert
from jiaoliuba.appeals.services import Intake
from jiaoliuba.core import clock
from jiaoliuba.dashboards import exports
from jiaoliuba.dashboards import selectors as dashboard_selectors
from jiaoliuba.dashboards.periods import Period
from jiaoliuba.notifications.models import Notification
from jiaoliuba.testing.fixtures import JIANKANG, JIEFANG, JIEFANG_G1

pytestmark = pytest.mark.django_db
SH = clock.SHANGHAI

# A plain property matter: the repeat link needs the same category, and these texts are
# filed alike by every model shipped so far (a borderline text could flip with a retrain).
NAMED = "小区东门的垃圾桶三天没人清了，味道很大，跟物业说了也不管"
ANONYMOUS = "东门垃圾桶三天没人清，味道很大，跟物业说了也不管"


@pytest.fixture
def at(monkeypatch):
    state = {}

    def move(*args):
        state["now"] = dt.datetime(*args, tzinfo=SH)
        monkeypatch.setattr(clock, "now", lambda: state["now"])
        return state["now"]

    return move


def file(regions, user, text, **kwargs):
    appeal, _ = services.appeal_submit(
        submitter=user,
        intake=Intake(content=text, community=regions[JIEFANG], grid=regions[JIEFANG_G1], **kwargs),
    )
    return appeal


@pytest.fixture
def pair(at, regions, resident):
    """A named appeal, then an anonymous one of the same matter by the same resident."""
    at(2026, 11, 2, 9, 0)
    named = file(regions, resident, NAMED)
    at(2026, 11, 5, 9, 0)
    anonymous = file(regions, resident, ANONYMOUS, is_anonymous=True)
    return named, anonymous


def test_the_texts_are_alike_enough_to_be_linked_when_both_are_named(at, regions, resident):
    # The control: without anonymity the same two texts are a repeat, so the tests
    # below would see the link if rule 1 did not stop it.
    at(2026, 11, 2, 9, 0)
    named = file(regions, resident, NAMED)
    at(2026, 11, 5, 9, 0)
    again = file(regions, resident, ANONYMOUS)
    assert again.is_repeat and again.repeat_of_id == named.pk


def test_no_repeat_link_or_event_ties_an_anonymous_appeal_to_its_filer(pair, at, regions, resident):
    _named, anonymous = pair
    assert not anonymous.is_repeat and anonymous.repeat_of_id is None
    assert not AppealEvent.objects.filter(appeal=anonymous, kind="repeat_marked").exists()
    # Nor the other way round: a named appeal after an anonymous one.
    at(2026, 11, 8, 9, 0)
    later = file(regions, resident, ANONYMOUS + "，还是没人管")
    assert later.repeat_of_id != anonymous.pk
    events = AppealEvent.objects.filter(appeal=later, kind="repeat_marked")
    assert anonymous.number not in str([e.data for e in events])


def test_repeat_alert_neither_counts_nor_lists_anonymous_appeals(at, regions, resident, staff):
    at(2026, 11, 1, 9, 0)
    first = file(regions, resident, "楼上漏水到我家")
    at(2026, 11, 3, 9, 0)
    second = file(regions, resident, "物业电梯又坏了")
    at(2026, 11, 5, 9, 0)
    hidden = file(regions, resident, "小区门口垃圾没人清", is_anonymous=True)
    for appeal in (first, second, hidden):
        services.appeal_risk_check(appeal_id=appeal.pk)
    # Two named appeals are below the threshold; the anonymous one does not make three.
    assert not RiskAlert.objects.filter(kind="repeat").exists()
    at(2026, 11, 7, 9, 0)
    third = file(regions, resident, "楼道灯坏了没人修")
    services.appeal_risk_check(appeal_id=third.pk)
    alert = RiskAlert.objects.get(kind="repeat")
    evidence = str(alert.evidence)
    listed = set(alert.evidence.get("appeals", []))
    assert hidden.pk not in listed and hidden.number not in listed
    assert hidden.number not in evidence
    assert {first.pk, second.pk, third.pk} <= listed or {
        first.number,
        second.number,
        third.number,
    } <= listed
    body = Notification.objects.filter(kind="risk.repeat").values_list("body", flat=True)
    assert body and all(hidden.number not in b for b in body)


def test_staff_appeal_page_and_api_do_not_link_the_two(pair, login_client, api_client, staff):
    named, anonymous = pair
    page = login_client(staff["secretary"]).get(f"/appeals/{anonymous.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert named.number not in html and "张秀兰" not in html
    api = api_client(staff["secretary"])
    detail = api.get(f"/api/v1/appeals/{anonymous.pk}").json()
    assert detail["is_repeat"] is False and named.number not in str(detail)
    events = api.get(f"/api/v1/appeals/{anonymous.pk}/events").json()
    assert events and named.number not in str(events)
    assert all(e["kind"] != "repeat_marked" for e in events)
    named_events = api.get(f"/api/v1/appeals/{named.pk}/events").json()
    assert anonymous.number not in str(named_events)


def test_appeals_export_does_not_mark_the_anonymous_appeal_a_repeat(pair, regions):
    named, anonymous = pair
    rows = dashboard_selectors.appeals_for_export(
        region=regions[JIEFANG],
        period=Period("custom", dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
    )
    sheet = load_workbook(io.BytesIO(exports.appeal_workbook(rows))).worksheets[0]
    table = [[c.value for c in row] for row in sheet.iter_rows()]
    header = table[0]
    by_number = {row[0]: dict(zip(header, row, strict=False)) for row in table[1:]}
    repeat = next(h for h in header if h in ("重复件", "Repeat", "重复"))
    assert by_number[anonymous.number][repeat] in (None, "")
    assert named.number in by_number


def test_similar_list_never_offers_anonymous_appeals(pair, regions, make_resident, api_client):
    _named, anonymous = pair
    neighbour = make_resident(JIEFANG_G1)
    hits = api_client(neighbour).get(
        "/api/v1/appeals/similar", {"community": JIEFANG, "content": ANONYMOUS}
    )
    assert hits.status_code == 200
    assert anonymous.pk not in [h["id"] for h in hits.json()]


# --- item 3: the similar-appeal look-up --------------------------------------------------

PRIVATE = "我家3号楼2单元501室楼上天天半夜装修电钻噪音太大，电话13912345678，502也受影响"
LOOKUP = "楼上天天半夜装修电钻噪音太大睡不着"


@pytest.fixture
def private(regions, make_resident):
    return file(regions, make_resident(JIEFANG_G1, name="李建国"), PRIVATE)


def _no_private_text(payload: str) -> None:
    for secret in ("13912345678", "501", "502", "李建国", "3号楼", PRIVATE[:20]):
        assert secret not in payload, secret


def test_similar_api_shows_only_the_scrubbed_summary(private, regions, make_resident, api_client):
    neighbour = api_client(make_resident(JIEFANG_G1))
    response = neighbour.get("/api/v1/appeals/similar", {"community": JIEFANG, "content": LOOKUP})
    assert response.status_code == 200
    hits = response.json()
    assert [h["id"] for h in hits] == [private.pk]
    assert set(hits[0]) >= {"summary", "category", "status", "status_label"}
    assert "content" not in hits[0] and "噪音" in hits[0]["summary"]
    _no_private_text(response.content.decode())


def test_similar_api_answers_404_for_another_community(private, make_resident, api_client):
    elsewhere = api_client(make_resident("411702001002001"))
    response = elsewhere.get("/api/v1/appeals/similar", {"community": JIEFANG, "content": LOOKUP})
    assert response.status_code == 404
    assert private.number not in response.content.decode()


def test_similar_api_for_staff_stays_in_their_scope(
    private, make_staff, staff, api_client, regions
):
    inside = api_client(staff["community"]).get(
        "/api/v1/appeals/similar", {"community": JIEFANG, "content": LOOKUP}
    )
    assert [h["id"] for h in inside.json()] == [private.pk]
    _no_private_text(inside.content.decode())
    outsider = api_client(make_staff(Role.COMMUNITY_STAFF, JIANKANG))
    response = outsider.get("/api/v1/appeals/similar", {"community": JIEFANG, "content": LOOKUP})
    assert response.status_code == 404


def test_similar_page_shows_the_summary_and_nothing_for_another_community(
    private, make_resident, login_client
):
    web = login_client(make_resident(JIEFANG_G1))
    html = web.get("/appeals/similar/", {"community": JIEFANG, "content": LOOKUP}).content.decode()
    assert f'data-appeal="{private.pk}"' in html
    _no_private_text(html)
    other = login_client(make_resident("411702001002001"))
    response = other.get("/appeals/similar/", {"community": JIEFANG, "content": LOOKUP})
    assert response.status_code == 200 and "similar-item" not in response.content.decode()


def test_similar_look_ups_are_limited_per_person_and_minute(
    private, make_resident, api_client, login_client, settings
):
    """A script probing other residents' appeals with guessed texts is cut off; the page's
    panel then stays empty instead of failing the form, and another person is unaffected."""
    settings.SIMILAR_LOOKUPS_PER_MINUTE = 3
    prober = make_resident(JIEFANG_G1)
    api = api_client(prober)
    query = {"community": JIEFANG, "content": LOOKUP}
    assert [api.get("/api/v1/appeals/similar", query).status_code for _ in range(3)] == [200] * 3
    refused = api.get("/api/v1/appeals/similar", query)
    assert refused.status_code == 429
    assert refused.json()["code"] == "similar_rate_limited"
    assert private.number not in refused.content.decode()
    page = login_client(prober).get("/appeals/similar/", query)
    assert page.status_code == 200 and "similar-item" not in page.content.decode()
    neighbour = api_client(make_resident(JIEFANG_G1)).get("/api/v1/appeals/similar", query)
    assert [h["id"] for h in neighbour.json()] == [private.pk]


def test_residents_are_never_offered_their_own_appeal(private, login_client, api_client):
    owner = Appeal.objects.get(pk=private.pk).submitter
    hits = api_client(owner).get(
        "/api/v1/appeals/similar", {"community": JIEFANG, "content": LOOKUP}
    )
    assert hits.status_code == 200 and hits.json() == []
    html = (
        login_client(owner)
        .get("/appeals/similar/", {"community": JIEFANG, "content": LOOKUP})
        .content.decode()
    )
    assert "similar-item" not in html


def test_admin_without_the_reveal_permission_does_not_see_the_filer(pair, login_client, resident):
    _named, anonymous = pair
    clerk = User.objects.create_user(username="clerk", password="x-pass-12345", is_staff=True)
    clerk.user_permissions.add(
        Permission.objects.get(codename="view_appeal"),
        Permission.objects.get(codename="view_appealevent"),
    )
    page = login_client(clerk).get(f"/admin/appeals/appeal/{anonymous.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert anonymous.number in html
    assert resident.display_name not in html and str(resident) not in html
    # With the permission, the admin shows who filed it.
    clerk.user_permissions.add(Permission.objects.get(codename="reveal_anonymous_submitter"))
    clerk = User.objects.get(pk=clerk.pk)
    html = login_client(clerk).get(f"/admin/appeals/appeal/{anonymous.pk}/change/").content.decode()
    assert str(resident) in html


def test_links_made_before_the_rule_are_hidden_and_removed(
    pair, at, regions, resident, api_client, staff
):
    """Data from before the fix: the anonymous appeal was linked to the named one."""

    named, anonymous = pair
    Appeal.objects.filter(pk=anonymous.pk).update(is_repeat=True, repeat_of=named)
    AppealEvent.objects.create(
        appeal=anonymous,
        kind="repeat_marked",
        data={"repeat_of": named.number},
        created_at=clock.now(),
    )
    at(2026, 11, 8, 9, 0)
    later = file(regions, resident, "想咨询社区老年食堂怎么报名")
    Appeal.objects.filter(pk=later.pk).update(is_repeat=True, repeat_of=anonymous)
    AppealEvent.objects.create(
        appeal=later,
        kind="repeat_marked",
        data={"repeat_of": anonymous.number},
        created_at=clock.now(),
    )
    api = api_client(staff["secretary"])
    shown = str(api.get(f"/api/v1/appeals/{anonymous.pk}/events").json())
    shown += str(api.get(f"/api/v1/appeals/{anonymous.pk}").json())
    assert named.number not in shown
    shown = str(api.get(f"/api/v1/appeals/{later.pk}/events").json())
    shown += str(api.get(f"/api/v1/appeals/{later.pk}").json())
    assert anonymous.number not in shown

    alert = RiskAlert.objects.create(
        kind="repeat",
        key="repeat:legacy",
        community=named.community,
        region_path=named.community.path,
        category=named.category,
        summary="legacy",
        evidence={"appeals": [named.pk, anonymous.pk, later.pk], "count_30d": 3},
        created_at=clock.now(),
    )
    migration = importlib.import_module("jiaoliuba.appeals.migrations.0009_anon_repeat_unmarked")
    migration.unlink_anonymous_repeats(apps, None)
    alert.refresh_from_db()
    assert alert.evidence == {"appeals": [named.pk, later.pk], "count_30d": 2}
    for appeal in (anonymous, later):
        appeal.refresh_from_db()
        assert not appeal.is_repeat and appeal.repeat_of_id is None
        assert AppealEvent.objects.filter(appeal=appeal, kind="repeat_unmarked").exists()
    named.refresh_from_db()
    assert named.repeat_of_id is None
