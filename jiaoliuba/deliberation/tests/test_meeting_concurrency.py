"""Two people acting on one meeting or resolution at the same moment, through the API in
real threads, on SQLite and PostgreSQL: exactly one wins, the other is told 409 (never a
500), and the history, the participation acts and the points hold the one that won."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.db import connection

from jiaoliuba.accounts.choices import Role
from jiaoliuba.core import clock
from jiaoliuba.deliberation.meetings import resolutions as rs
from jiaoliuba.deliberation.meetings import services
from jiaoliuba.deliberation.meetings.sweep import resolutions_sweep
from jiaoliuba.deliberation.models import MeetingAct, MeetingEvent, MeetingParty, Resolution
from jiaoliuba.points.models import PointsEntry
from jiaoliuba.testing.fixtures import JIEFANG

pytestmark = pytest.mark.django_db(transaction=True)


def together(calls: list[Callable[[], int]]) -> list[int | str]:
    """Run the calls in threads released at the same moment; their status codes, or the
    error of a call that raised (which fails the test)."""
    barrier = threading.Barrier(len(calls))
    results: list[int | str] = []
    lock = threading.Lock()

    def run(call: Callable[[], int]) -> None:
        try:
            barrier.wait(timeout=10)
            result: int | str = call()
        except Exception as exc:  # anything raised is a broken guarantee
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return sorted(results, key=str)


def post(client, path: str, body: dict | None = None) -> Callable[[], int]:
    def call() -> int:
        return client.post(path, body or {}, content_type="application/json").status_code

    return call


@pytest.fixture
def second(make_staff):
    return make_staff(Role.COMMUNITY_STAFF, JIEFANG, username="m-second")


def test_two_staff_start_one_meeting(meeting, people, second, api_client):
    path = f"/api/v1/meetings/{meeting.pk}/start"
    codes = together([post(api_client(people["organiser"]), path), post(api_client(second), path)])
    assert codes == [200, 409], codes
    assert MeetingEvent.objects.filter(meeting=meeting, kind="started").count() == 1
    meeting.refresh_from_db()
    assert meeting.status == "in_progress"


def test_two_staff_publish_one_resolution(meeting, people, second, api_client):
    services.meeting_start(meeting=meeting, actor=people["organiser"])
    resolution = rs.resolution_adopt(
        meeting=meeting, actor=people["organiser"], title="物业费调价决议", text_="上调10%"
    )
    path = f"/api/v1/resolutions/{resolution.pk}/publish"
    codes = together([post(api_client(people["organiser"]), path), post(api_client(second), path)])
    assert codes == [200, 409], codes
    assert MeetingEvent.objects.filter(resolution=resolution, kind="published").count() == 1
    resolution.refresh_from_db()
    assert resolution.status == "publicity" and resolution.published_at is not None


def test_the_sweep_and_two_staff_end_publicity_once(
    meeting, people, second, api_client, monkeypatch
):
    services.meeting_start(meeting=meeting, actor=people["organiser"])
    resolution = rs.resolution_adopt(
        meeting=meeting, actor=people["organiser"], title="物业费调价决议", text_="上调10%"
    )
    rs.resolution_publish(resolution=resolution, actor=people["organiser"])
    later = clock.now() + dt.timedelta(days=8)
    monkeypatch.setattr(clock, "now", lambda: later)
    path = f"/api/v1/resolutions/{resolution.pk}/end-publicity"

    def sweep() -> int:
        resolutions_sweep(now=later)
        return 0  # the sweep answers nobody: it must only not raise

    codes = together(
        [post(api_client(people["organiser"]), path), post(api_client(second), path), sweep]
    )
    assert codes.count(0) == 1 and all(c in (0, 200, 409) for c in codes), codes
    assert MeetingEvent.objects.filter(resolution=resolution, kind="effective").count() == 1
    assert Resolution.objects.get(pk=resolution.pk).status == "effective"


def test_checking_in_twice_at_once_counts_once(meeting, people, api_client):
    path = f"/api/v1/meetings/{meeting.pk}/check-in"
    body = {"token": services.checkin_token(meeting)}
    owner = people["owner"]
    codes = together([post(api_client(owner), path, body), post(api_client(owner), path, body)])
    assert codes == [200, 409], codes
    party = MeetingParty.objects.get(meeting=meeting, user=owner)
    assert party.attended_at is not None and party.checkin == "qr"
    assert MeetingEvent.objects.filter(meeting=meeting, kind="checked_in").count() == 1
    assert MeetingAct.objects.filter(meeting=meeting, user=owner).count() == 1
    assert (
        PointsEntry.objects.filter(key__contains=f"deliberation.meeting:{meeting.pk}").count() == 1
    )


def test_the_qr_and_the_staff_list_at_once_count_once(meeting, people, api_client):
    owner = people["owner"]
    party = services.meeting_add_party(
        meeting=meeting, actor=people["organiser"], side="resident_rep", user=owner
    )
    qr = post(
        api_client(owner),
        f"/api/v1/meetings/{meeting.pk}/check-in",
        {"token": services.checkin_token(meeting)},
    )
    listed = post(
        api_client(people["organiser"]),
        f"/api/v1/meetings/{meeting.pk}/parties/{party.pk}/attended",
    )
    codes = together([qr, listed])
    # The list always answers 200 (marking someone present twice is harmless); the QR is
    # 200 when it came first, else 409 "already checked in".
    assert 200 in codes and all(c in (200, 409) for c in codes), codes
    assert MeetingEvent.objects.filter(meeting=meeting, kind="checked_in").count() == 1
    assert MeetingAct.objects.filter(meeting=meeting, user=owner).count() == 1
    assert (
        PointsEntry.objects.filter(key__contains=f"deliberation.meeting:{meeting.pk}").count() == 1
    )
