"""The seed's 物业费调价 case as load_demo builds it: red appeal → emergency meeting of the
five sides with two professionals → three rounds → resolution → owner vote → 7 days of
公示 → monthly checks → ratings; idempotent."""

from __future__ import annotations

import pytest

from jiaoliuba.bookings.demo import load_bookings_demo
from jiaoliuba.bookings.models import ExpertRequest
from jiaoliuba.core import clock
from jiaoliuba.deliberation.meetings.choices import FIVE_SIDES, ResolutionStatus, Side
from jiaoliuba.deliberation.meetings.demo import load_meetings_demo
from jiaoliuba.deliberation.models import MeetingEvent
from jiaoliuba.deliberation.voting.demo import load_vote_demo
from jiaoliuba.demo.experts import load_expert_requests_demo

pytestmark = pytest.mark.django_db


def test_the_seed_case_end_to_end(demo_people):
    assert load_vote_demo() is not None
    meeting = load_meetings_demo()
    assert meeting is not None and load_meetings_demo() is None
    meeting.refresh_from_db()
    assert meeting.kind == "emergency" and meeting.appeal.priority == "red"
    # The same evening: the appeal in the afternoon, the meeting at 19:30.
    received = meeting.appeal.received_at.astimezone(clock.SHANGHAI)
    starts = meeting.starts_at.astimezone(clock.SHANGHAI)
    assert received.date() == starts.date() and (starts.hour, starts.minute) == (19, 30)
    parties = list(meeting.parties.all())
    present_sides = {p.side for p in parties if p.attended_at}
    assert set(FIVE_SIDES) <= present_sides
    assert {Side.PROPERTY, Side.STREET, Side.DEPARTMENT} <= present_sides
    assert sorted(p.role_note for p in parties if p.side == Side.PROFESSIONAL) == ["会计师", "律师"]
    assert meeting.rounds.count() == 3 and meeting.status == "concluded"
    resolution = meeting.resolutions.get()
    assert resolution.vote.is_owner_vote and resolution.vote_passed is True
    assert resolution.status == ResolutionStatus.EFFECTIVE
    published = resolution.published_at.astimezone(clock.SHANGHAI).date()
    ends = resolution.publicity_ends_at.astimezone(clock.SHANGHAI).date()
    assert (ends - published).days == 7
    assert resolution.checks.count() == 2 and resolution.ratings.count() == 5
    kinds = list(
        MeetingEvent.objects.filter(resolution=resolution)
        .order_by("created_at", "pk")
        .values_list("kind", flat=True)
    )
    assert kinds[:7] == [
        "resolved",
        "vote_linked",
        "vote_result",
        "published",
        "objection",
        "objection_answered",
        "effective",
    ]
    assert kinds.count("check") == 2 and kinds[-1] == "rated"


def test_the_demo_meeting_asked_the_pool_for_its_lawyer(demo_people):
    assert load_vote_demo() is not None
    meeting = load_meetings_demo()
    load_bookings_demo()  # 吴律师 joins the pool
    assert load_expert_requests_demo() and not load_expert_requests_demo()  # idempotent
    asked = ExpertRequest.objects.get(subject=f"meeting:{meeting.pk}")
    assert (asked.expert.name, asked.status) == ("吴律师", "accepted")
    assert asked.subject_url == f"/meetings/{meeting.pk}/"
    others = ExpertRequest.objects.exclude(pk=asked.pk)
    assert [(r.expert.name, r.status, r.subject[:7]) for r in others] in (
        [],
        [("李工", "requested", "appeal:")],
    )
