"""An appeal or a meeting asks the expert pool for a professional: candidates matched by
area, specialty and availability; the professional accepts or declines; the request is
linked both ways and shown on the appeal and meeting pages to staff of their scope."""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.appeals import services as appeal_services
from jiaoliuba.appeals.services import Intake
from jiaoliuba.bookings import selectors, services
from jiaoliuba.bookings.choices import ExpertRequestEventKind, ExpertRequestStatus
from jiaoliuba.bookings.models import ExpertRequest, ExpertRequestEvent
from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jiaoliuba.deliberation.meetings import services as meeting_services
from jiaoliuba.notifications.models import Notification
from jiaoliuba.testing.fixtures import DONGFENG, JIEFANG, JIEFANG_G1, XIYUAN, XIYUAN_COMMUNITY

pytestmark = pytest.mark.django_db


@pytest.fixture
def appeal(regions, residents):
    found, _created = appeal_services.appeal_submit(
        submitter=residents[0],
        intake=Intake(
            content="楼上邻居装修把承重墙打掉了，我家墙面开裂，协商不成想请律师调解",
            community=None,
            grid=regions[JIEFANG_G1],
            type_hint="",
        ),
    )
    return found


@pytest.fixture
def pool(regions, make_staff, expert):
    """王律师 serves the street (fixture); 李工 (engineer) the street too, with weekly
    hours; 赵律师 serves 西苑 street only: never a candidate for 解放路."""
    officer = make_staff(Role.STREET_OFFICER, DONGFENG, username="pool-officer")
    engineer = services.expert_create(
        actor=officer,
        name="李工",
        profession="结构工程师",
        region=regions[DONGFENG],
        skills="房屋安全, 承重墙",
    )
    services.availability_add(
        actor=officer, expert=engineer, weekday=2, starts=dt.time(9), ends=dt.time(11)
    )
    far = services.expert_create(
        actor=make_staff(Role.STREET_OFFICER, XIYUAN, username="xiyuan-officer"),
        name="赵律师",
        profession="律师",
        region=regions[XIYUAN],
        skills="婚姻家庭",
    )
    return {"lawyer": expert, "engineer": engineer, "far": far}


def test_candidates_serve_the_area_match_the_specialty_and_list_availability_first(
    staff, appeal, pool
):
    everyone = list(selectors.expert_candidates(user=staff, path=appeal.region_path))
    # 李工 has weekly hours, 王律师 none; 赵律师 serves another street.
    assert everyone == [pool["engineer"], pool["lawyer"]]
    lawyers = selectors.expert_candidates(user=staff, path=appeal.region_path, specialty="律师")
    assert list(lawyers) == [pool["lawyer"]]
    walls = selectors.expert_candidates(user=staff, path=appeal.region_path, specialty="承重墙")
    assert list(walls) == [pool["engineer"]]


def test_staff_ask_the_lawyer_who_accepts_linked_both_ways(
    staff, appeal, pool, login_client, lawyer_user
):
    client = login_client(staff)
    page = client.get(f"/services/staff/expert-requests/new/?subject=appeal:{appeal.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "王律师" in html and "李工" in html and "赵律师" not in html
    # Refused without a note: the message, nothing written.
    client.post(
        "/services/staff/expert-requests/new/",
        {"subject": f"appeal:{appeal.pk}", "expert": pool["lawyer"].pk, "note": " "},
    )
    assert not ExpertRequest.objects.exists()
    done = client.post(
        "/services/staff/expert-requests/new/",
        {"subject": f"appeal:{appeal.pk}", "expert": pool["lawyer"].pk, "note": "相邻权纠纷调解"},
    )
    assert done.status_code == 302 and done["Location"] == f"/appeals/{appeal.pk}/"
    request = ExpertRequest.objects.get()
    assert request.subject == f"appeal:{appeal.pk}" and request.region_path == appeal.region_path
    assert request.status == ExpertRequestStatus.REQUESTED and request.requested_by == staff
    told = Notification.objects.get(recipient=lawyer_user, kind="expert_request.requested")
    assert told.link == f"/services/expert-requests/{request.pk}/"
    # The appeal page shows the request to staff…
    appeal_page = client.get(f"/appeals/{appeal.pk}/").content.decode()
    assert 'id="expert-requests"' in appeal_page
    assert f"/services/expert-requests/{request.pk}/" in appeal_page
    # …and not to the resident who filed it.
    resident_page = login_client(appeal.submitter).get(f"/appeals/{appeal.pk}/").content.decode()
    assert 'id="expert-requests"' not in resident_page

    lawyer = login_client(lawyer_user)
    assert "相邻权纠纷调解" in lawyer.get("/services/expert-requests/").content.decode()
    detail = lawyer.get(f"/services/expert-requests/{request.pk}/").content.decode()
    assert f'href="/appeals/{appeal.pk}/"' in detail and 'id="do-accept"' in detail
    lawyer.post(
        f"/services/expert-requests/{request.pk}/", {"action": "accept", "answer": "周三上午可到"}
    )
    request.refresh_from_db()
    assert request.status == ExpertRequestStatus.ACCEPTED and request.answer == "周三上午可到"
    assert Notification.objects.filter(recipient=staff, kind="expert_request.accepted").exists()
    kinds = list(ExpertRequestEvent.objects.filter(request=request).values_list("kind", flat=True))
    assert kinds == [ExpertRequestEventKind.REQUESTED, ExpertRequestEventKind.ACCEPTED]
    # Answered once: a second answer is a clear refusal.
    with pytest.raises(Conflict):
        services.expert_request_answer(actor=lawyer_user, request=request, accept=False)


def test_refusals_change_nothing(staff, appeal, pool, make_staff, lawyer_user, residents):
    ref = f"appeal:{appeal.pk}"
    with pytest.raises(ValidationFailed):  # serves another street
        services.expert_request_create(actor=staff, subject=ref, expert=pool["far"], note="调解")
    other = make_staff(Role.COMMUNITY_STAFF, XIYUAN_COMMUNITY, username="xiyuan-staff")
    with pytest.raises(NotFound):  # the appeal is outside their scope
        services.expert_request_create(actor=other, subject=ref, expert=pool["lawyer"], note="调解")
    with pytest.raises(NotFound):
        services.expert_request_create(
            actor=staff, subject="venue:1", expert=pool["lawyer"], note="调解"
        )
    assert not ExpertRequest.objects.exists()
    request = services.expert_request_create(
        actor=staff, subject=ref, expert=pool["lawyer"], note="调解"
    )
    with pytest.raises(Conflict):  # asked already
        services.expert_request_create(actor=staff, subject=ref, expert=pool["lawyer"], note="再问")
    with pytest.raises(PermissionDenied):  # only the professional answers
        services.expert_request_answer(actor=staff, request=request, accept=True)
    with pytest.raises(PermissionDenied):  # the requester side withdraws, not the lawyer
        services.expert_request_withdraw(actor=lawyer_user, request=request)
    assert ExpertRequest.objects.get().status == ExpertRequestStatus.REQUESTED
    services.expert_request_withdraw(actor=staff, request=request)
    assert ExpertRequest.objects.get().status == ExpertRequestStatus.WITHDRAWN
    assert Notification.objects.filter(recipient=lawyer_user, kind="expert_request.withdrawn")
    # Withdrawn: the lawyer may be asked again.
    services.expert_request_create(actor=staff, subject=ref, expert=pool["lawyer"], note="再问")


def test_pages_are_404_outside_the_scope(staff, appeal, pool, login_client, residents, make_staff):
    url = f"/services/staff/expert-requests/new/?subject=appeal:{appeal.pk}"
    assert login_client(residents[1]).get(url).status_code == 404
    other = make_staff(Role.COMMUNITY_STAFF, XIYUAN_COMMUNITY, username="xiyuan-staff")
    assert login_client(other).get(url).status_code == 404
    request = services.expert_request_create(
        actor=staff, subject=f"appeal:{appeal.pk}", expert=pool["lawyer"], note="调解"
    )
    assert login_client(other).get(f"/services/expert-requests/{request.pk}/").status_code == 404


def test_a_meeting_asks_for_an_engineer_who_has_no_account(staff, pool, regions, login_client):
    meeting = meeting_services.meeting_schedule(
        actor=staff,
        title="老楼外墙脱落议事会",
        kind="regular",
        scope=regions[JIEFANG],
        starts_at=clock.now() + dt.timedelta(days=2),
        place="解放路社区交流吧",
    )
    client = login_client(staff)
    client.post(
        "/services/staff/expert-requests/new/",
        {"subject": f"meeting:{meeting.pk}", "expert": pool["engineer"].pk, "note": "鉴定外墙"},
    )
    request = ExpertRequest.objects.get(subject=f"meeting:{meeting.pk}")
    assert request.subject_title == "老楼外墙脱落议事会"
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert f"/services/expert-requests/{request.pk}/" in page and "李工" in page
    # 李工 has no account: staff record his answer given by phone.
    client.post(f"/services/expert-requests/{request.pk}/", {"action": "decline", "answer": "出差"})
    assert ExpertRequest.objects.get().status == ExpertRequestStatus.DECLINED
