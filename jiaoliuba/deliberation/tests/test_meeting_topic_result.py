"""The topic closes with its result and rating: once the resolution of a meeting on the
topic is closed, the topic page shows the result and the residents' rating."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from jiaoliuba.core import clock
from jiaoliuba.deliberation.meetings import resolutions as rs
from jiaoliuba.deliberation.meetings import services

pytestmark = pytest.mark.django_db


def test_the_topic_page_shows_the_result_and_the_rating(people, red_appeal, monkeypatch):
    meeting = services.meeting_open_emergency(actor=people["organiser"], appeal=red_appeal())
    services.meeting_start(meeting=meeting, actor=people["organiser"])
    resolution = rs.resolution_adopt(
        meeting=meeting, actor=people["organiser"], title="物业费调价决议", text_="上调10%"
    )
    rs.resolution_publish(resolution=resolution, actor=people["organiser"])
    later = clock.now() + dt.timedelta(days=8)
    monkeypatch.setattr(clock, "now", lambda: later)
    rs.resolution_end_publicity(resolution=resolution, actor=None)
    rs.outcome_rate(resolution=resolution, actor=people["owner"], level="satisfied", solved=True)
    rs.outcome_rate(
        resolution=resolution, actor=people["neighbour"], level="unsatisfied", solved=True
    )
    client = Client()
    client.force_login(people["owner"], backend="jiaoliuba.accounts.backends.StaffPasswordBackend")
    url = f"/deliberation/{meeting.topic_id}/"
    assert 'id="topic-rating"' not in client.get(url).content.decode()  # not closed yet
    rs.resolution_close(
        resolution=resolution, actor=people["organiser"], result="物业费上调10%<已执行>"
    )
    page = client.get(url).content.decode()
    assert "物业费上调10%&lt;已执行&gt;" in page
    rating = page.split('id="topic-rating">', 1)[1].split("</p>", 1)[0]
    assert "50%" in rating and "100%" in rating and "2" in rating  # satisfied 1/2, solved 2/2
