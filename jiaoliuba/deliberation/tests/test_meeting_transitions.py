"""The meeting and resolution tables: what each state allows, and the page, the API's
`actions` and the services agree for everyone around a meeting (organiser, the street,
an invited professional, a resident of the area, staff of another community)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction

from jiaoliuba.accounts.choices import Role
from jiaoliuba.core import clock
from jiaoliuba.core.errors import ApplicationError
from jiaoliuba.deliberation.meetings import resolutions as res
from jiaoliuba.deliberation.meetings import services
from jiaoliuba.deliberation.meetings.choices import MeetingStatus, ResolutionStatus, Side
from jiaoliuba.deliberation.meetings.transitions import MEETING, RESOLUTION
from jiaoliuba.deliberation.models import Meeting
from jiaoliuba.testing.fixtures import JIANKANG, JIEFANG

pytestmark = pytest.mark.django_db


def test_tables_declare_every_state_and_target():
    assert {t for row in MEETING.values() for t in row.sources} <= set(MeetingStatus.values)
    assert {t for row in RESOLUTION.values() for t in row.sources} <= set(ResolutionStatus.values)
    # Closed, returned and cancelled are ends: nothing but reading leads out of them.
    for end in (ResolutionStatus.CLOSED, ResolutionStatus.RETURNED):
        assert not [a for a, row in RESOLUTION.items() if row.allows(end)]
    assert [a for a, row in MEETING.items() if row.allows(MeetingStatus.CANCELLED)] == ["view"]
    assert MEETING["start"].target == MeetingStatus.IN_PROGRESS
    assert RESOLUTION["publish"].target == ResolutionStatus.PUBLICITY


class _Rollback(Exception):
    pass


ATTEMPTS: dict[str, Any] = {
    "start": lambda m, u, p: services.meeting_start(meeting=m, actor=u),
    "conclude": lambda m, u, p: services.meeting_conclude(meeting=m, actor=u),
    "cancel": lambda m, u, p: services.meeting_cancel(meeting=m, actor=u, reason="改期"),
    "invite": lambda m, u, p: services.meeting_add_party(
        meeting=m, actor=u, side=Side.DEPARTMENT, name="李科长", organisation="区住建局"
    ),
    "agenda": lambda m, u, p: services.meeting_add_agenda_item(meeting=m, actor=u, title="议题"),
    "attendance": lambda m, u, p: services.meeting_mark_attendance(meeting=m, actor=u, party=p),
    "round": lambda m, u, p: services.meeting_add_round(meeting=m, actor=u),
    "minutes": lambda m, u, p: services.meeting_record_minutes(meeting=m, actor=u, minutes="纪要"),
    "resolve": lambda m, u, p: res.resolution_adopt(meeting=m, actor=u, title="决议", text_="内容"),
}
# action → what on the meeting page shows that it is offered
PAGE_MARKS = {
    "start": 'id="do-start"',
    "conclude": 'id="do-conclude"',
    "cancel": 'id="do-cancel"',
    "invite": 'id="do-invite"',
    "round": 'id="do-round"',
    "minutes": 'id="do-minutes"',
    "resolve": 'id="do-resolve"',
}


def _meeting_in(status: str, people, regions) -> tuple[Meeting, Any]:
    meeting = services.meeting_schedule(
        actor=people["organiser"],
        title=f"会议 {status}",
        kind="regular",
        scope=regions[JIEFANG],
        starts_at=clock.now() + dt.timedelta(hours=1),
        place="交流吧",
    )
    party = services.meeting_add_party(
        meeting=meeting,
        actor=people["organiser"],
        side=Side.PROPERTY,
        name="王经理",
        organisation="宏达物业",
    )
    services.meeting_add_party(
        meeting=meeting, actor=people["organiser"], side=Side.PROFESSIONAL, user=people["lawyer"]
    )
    if status in (MeetingStatus.IN_PROGRESS, MeetingStatus.CONCLUDED):
        services.meeting_start(meeting=meeting, actor=people["organiser"])
    if status == MeetingStatus.CONCLUDED:
        services.meeting_conclude(meeting=meeting, actor=people["organiser"])
    if status == MeetingStatus.CANCELLED:
        services.meeting_cancel(meeting=meeting, actor=people["organiser"], reason="改期")
    return Meeting.objects.get(pk=meeting.pk), party


def test_page_api_and_services_agree(people, regions, make_staff, api_client, login_client):
    who = {
        "organiser": people["organiser"],
        "street": people["street"],
        "lawyer": people["lawyer"],
        "resident": people["owner"],
        "other_community": make_staff(Role.COMMUNITY_STAFF, JIANKANG),
    }
    disagreements: list[str] = []
    for status in MeetingStatus.values:
        meeting, party = _meeting_in(status, people, regions)
        for name, person in who.items():
            answer = api_client(person).get(f"/api/v1/meetings/{meeting.pk}")
            if answer.status_code == 404:
                offered: set[str] = set()
                html = ""
            else:
                offered = set(answer.json()["actions"])
                html = login_client(person).get(f"/meetings/{meeting.pk}/").content.decode()
            for action, attempt in ATTEMPTS.items():
                try:
                    with transaction.atomic():
                        attempt(Meeting.objects.get(pk=meeting.pk), person, party)
                        raise _Rollback
                except _Rollback:
                    accepted = True
                except ApplicationError:
                    accepted = False
                if accepted != (action in offered):
                    disagreements.append(
                        f"{status}/{name}/{action}: service {accepted}, api {action in offered}"
                    )
                mark = PAGE_MARKS.get(action)
                if mark and html and (mark in html) != (action in offered):
                    disagreements.append(f"{status}/{name}/{action}: page {mark in html}")
    assert not disagreements, "\n".join(disagreements)
