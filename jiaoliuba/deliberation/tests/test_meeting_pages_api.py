"""Meeting pages and API: scope (outside is 404), escaping, refused forms keep what was
typed, the QR and check-in pages, the public notice page, photos of progress, the
OpenAPI document and the participation source."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from PIL import Image

from jiaoliuba.accounts.choices import Role
from jiaoliuba.core import clock
from jiaoliuba.dashboards.sources import participants
from jiaoliuba.deliberation import services as topic_services
from jiaoliuba.deliberation.meetings import resolutions as res
from jiaoliuba.deliberation.meetings import services
from jiaoliuba.deliberation.meetings.choices import Side
from jiaoliuba.deliberation.meetings.participation import meeting_participation
from jiaoliuba.deliberation.meetings.sweep import resolutions_sweep
from jiaoliuba.deliberation.models import ProgressPhoto
from jiaoliuba.testing.fixtures import JIANKANG, JIANKANG_G1, JIEFANG, JIEFANG_G1

pytestmark = pytest.mark.django_db

XSS = "<script>alert(1)</script>"


def _effective(meeting, people):
    services.meeting_start(meeting=meeting, actor=people["organiser"])
    resolution = res.resolution_adopt(
        meeting=meeting, actor=people["organiser"], title="决议" + XSS, text_="内容" + XSS
    )
    res.resolution_publish(resolution=resolution, actor=people["organiser"])
    resolution.refresh_from_db()
    resolutions_sweep(now=resolution.publicity_ends_at)
    resolution.refresh_from_db()
    return resolution


def test_api_schedule_invite_and_outside_scope_is_404(
    people, api_client, make_staff, make_resident
):
    staff = api_client(people["organiser"])
    created = staff.post(
        "/api/v1/meetings",
        {
            "title": "联席会议",
            "kind": "joint",
            "scope": JIEFANG,
            "starts_at": (clock.now() + dt.timedelta(hours=1)).isoformat(),
            "place": "交流吧",
            "agenda": ["停车", "物业"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    meeting_id = created.json()["id"]
    assert [a["title"] for a in created.json()["agenda"]] == ["停车", "物业"]
    bad = staff.post(
        f"/api/v1/meetings/{meeting_id}/parties",
        {"side": "property", "name": "王经理"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "organisation_required"
    ok = staff.post(
        f"/api/v1/meetings/{meeting_id}/parties",
        {"side": "professional", "user": people["lawyer"].pk, "role_note": "律师"},
        content_type="application/json",
    )
    assert ok.status_code == 201
    assert "start" in ok.json()["actions"]
    # The invited lawyer sees it; a resident of the community too; others get 404.
    assert api_client(people["lawyer"]).get(f"/api/v1/meetings/{meeting_id}").status_code == 200
    assert api_client(people["owner"]).get(f"/api/v1/meetings/{meeting_id}").status_code == 200
    outsider = make_staff(Role.COMMUNITY_STAFF, JIANKANG)
    stranger = make_resident(JIANKANG_G1, name="外社区居民")
    for user in (outsider, stranger):
        answer = api_client(user).get(f"/api/v1/meetings/{meeting_id}")
        assert answer.status_code == 404 and answer.json()["code"] == "meeting_not_found"
        assert api_client(user).post(f"/api/v1/meetings/{meeting_id}/start").status_code == 404
    # The resident may read but not run it.
    refused = api_client(people["owner"]).post(f"/api/v1/meetings/{meeting_id}/start")
    assert refused.status_code == 403


def test_openapi_documents_the_meeting_routes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/meetings",
        "/api/v1/meetings/emergency",
        "/api/v1/meetings/{meeting_id}/check-in",
        "/api/v1/resolutions/{resolution_id}/objections",
        "/api/v1/public/communities/{code}/resolutions",
    ):
        assert path in paths, path


def test_pages_escape_and_keep_what_was_typed(meeting, people, login_client):
    staff = login_client(people["organiser"])
    services.meeting_add_agenda_item(meeting=meeting, actor=people["organiser"], title=XSS)
    page = staff.get(f"/meetings/{meeting.pk}/").content.decode()
    assert XSS not in page and "&lt;script&gt;" in page
    refused = staff.post(
        f"/meetings/{meeting.pk}/do/invite/",
        {"side": "property", "name": "王经理写的名字", "organisation": ""},
    )
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "王经理写的名字" in body and "organisation" not in body.split("王经理写的名字")[0][-5:]
    assert meeting.parties.count() == 1  # only the organiser: nothing half-written


def test_qr_and_check_in_page(meeting, people, login_client, make_resident):
    staff = login_client(people["organiser"])
    svg = staff.get(f"/meetings/{meeting.pk}/qr.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b"<svg")
    owner = login_client(people["owner"])
    assert owner.get(f"/meetings/{meeting.pk}/qr.svg").status_code == 404
    path = services.checkin_path(meeting)
    page = owner.get(path)
    assert page.status_code == 200 and b"do-checkin" in page.content
    assert owner.post(path).status_code == 302
    assert meeting.parties.get(user=people["owner"]).checkin == "qr"
    assert owner.post(path.replace("/checkin/", "/checkin/x")).status_code == 400
    stranger = login_client(make_resident(JIANKANG_G1, name="外社区居民"))
    assert stranger.get(path).status_code == 404
    # Signed out, the QR leads to the SMS sign-in and back.
    signed_out = Client().get(path)
    assert signed_out.status_code == 302 and "next=" in signed_out["Location"]


def test_public_notice_and_objection_page(meeting, people, login_client):
    services.meeting_start(meeting=meeting, actor=people["organiser"])
    draft = res.resolution_adopt(
        meeting=meeting, actor=people["organiser"], title="未公示", text_="x"
    )
    shown = res.resolution_adopt(
        meeting=meeting, actor=people["organiser"], title="公示中", text_="y" + XSS
    )
    res.resolution_publish(resolution=shown, actor=people["organiser"])
    public = Client().get(f"/public/{JIEFANG}/resolutions/").content.decode()
    assert "公示中" in public and draft.title not in public
    assert XSS not in public and "&lt;script&gt;" in public
    assert Client().get("/public/999999999999/resolutions/").status_code == 404
    owner = login_client(people["owner"])
    empty = owner.post(f"/resolutions/{shown.pk}/do/object/", {"text": "  "})
    assert empty.status_code == 400
    ok = owner.post(f"/resolutions/{shown.pk}/do/object/", {"text": "异议" + XSS})
    assert ok.status_code == 302
    page = login_client(people["organiser"]).get(f"/resolutions/{shown.pk}/").content.decode()
    assert "异议&lt;script&gt;" in page and 'name="uphold"' in page


def _png() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "photo.png"
    return buffer


def test_progress_with_photo_and_scoped_download(meeting, people, login_client, make_resident):
    resolution = _effective(meeting, people)
    milestone = res.milestone_add(
        resolution=resolution,
        actor=people["organiser"],
        title="换门禁",
        due_on=clock.local_now().date(),
    )
    staff = login_client(people["organiser"])
    not_a_photo = io.BytesIO(b"not an image at all")
    not_a_photo.name = "x.png"
    refused = staff.post(
        f"/resolutions/{resolution.pk}/do/progress/",
        {"milestone": milestone.pk, "text": "已采购门禁", "photos": not_a_photo},
    )
    assert refused.status_code == 400 and "已采购门禁" in refused.content.decode()
    done = staff.post(
        f"/resolutions/{resolution.pk}/do/progress/",
        {"milestone": milestone.pk, "text": "已采购门禁", "photos": _png(), "completes": "1"},
    )
    assert done.status_code == 302
    photo = ProgressPhoto.objects.get()
    assert photo.content_type == "image/png"
    assert login_client(people["owner"]).get(f"/resolutions/photos/{photo.pk}/").status_code == 200
    stranger = login_client(make_resident(JIANKANG_G1, name="外社区居民"))
    assert stranger.get(f"/resolutions/photos/{photo.pk}/").status_code == 404
    assert stranger.get(f"/resolutions/{resolution.pk}/").status_code == 404


def test_attendance_and_checks_count_once_in_participation(meeting, people, regions):
    services.meeting_check_in(
        meeting=meeting, actor=people["owner"], token=services.checkin_token(meeting)
    )
    other = services.meeting_add_party(
        meeting=meeting, actor=people["organiser"], side=Side.RESIDENT_REP, user=people["neighbour"]
    )
    services.meeting_mark_attendance(meeting=meeting, actor=people["organiser"], party=other)
    resolution = _effective(meeting, people)
    res.supervisor_add(resolution=resolution, actor=people["organiser"], user=people["owner"])
    res.supervision_check_record(
        resolution=resolution, actor=people["owner"], verdict="good", findings="好"
    )
    today = clock.local_now().date()
    grid = regions[JIEFANG_G1].path
    counted = participants(regions[JIEFANG].path, len(grid), today, today)
    assert counted == {grid: 2}
    assert meeting_participation.count(grid, len(grid), today, today) == {grid: 2}


def test_topic_page_lists_its_meetings_and_the_result(people, regions, login_client):
    topic = topic_services.topic_create(
        actor=people["organiser"], title="物业费", body="调价", scope=regions[JIEFANG]
    )
    meeting = services.meeting_schedule(
        actor=people["organiser"],
        title="物业费议事会",
        kind="regular",
        scope=regions[JIEFANG],
        starts_at=clock.now(),
        place="交流吧",
        topic=topic,
    )
    services.meeting_start(meeting=meeting, actor=people["organiser"])
    topic.refresh_from_db()
    assert topic.stage == "discussing"  # the meeting opened the discussion
    res.resolution_adopt(meeting=meeting, actor=people["organiser"], title="决议甲", text_="内容")
    page = login_client(people["owner"]).get(f"/deliberation/{topic.pk}/").content.decode()
    assert "物业费议事会" in page and "决议甲" in page


def test_red_appeal_page_opens_an_emergency_meeting(people, red_appeal, login_client):
    appeal = red_appeal()
    staff = login_client(people["organiser"])
    page = staff.get(f"/appeals/{appeal.pk}/").content.decode()
    assert 'id="open-emergency"' in page
    answer = staff.post(f"/workbench/meetings/emergency/{appeal.pk}/")
    assert answer.status_code == 302 and answer["Location"].startswith("/meetings/")
    meeting = appeal.meetings.get()
    assert meeting.kind == "emergency"
    assert meeting.title in staff.get(f"/appeals/{appeal.pk}/").content.decode()
    # The resident who filed it sees no such button; a stranger's attempt is a 404.
    assert (
        'id="open-emergency"'
        not in login_client(people["owner"]).get(f"/appeals/{appeal.pk}/").content.decode()
    )
    assert (
        login_client(people["owner"])
        .post(f"/workbench/meetings/emergency/{appeal.pk}/")
        .status_code
        == 404
    )
