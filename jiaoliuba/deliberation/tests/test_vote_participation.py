"""A vote is participation (参与率): the voter counts once per period, read from the voter
register, whether they also proposed, commented or filed an appeal."""

from __future__ import annotations

import pytest

from jiaoliuba.core import clock
from jiaoliuba.dashboards import selectors as dashboard_selectors
from jiaoliuba.dashboards.periods import parse_period
from jiaoliuba.deliberation import services as topic_services
from jiaoliuba.deliberation.voting import services
from jiaoliuba.deliberation.voting.participation import vote_participation
from jiaoliuba.regions.models import Region
from jiaoliuba.testing.fixtures import JIEFANG, JIEFANG_G1

pytestmark = pytest.mark.django_db


def participants() -> int:
    today = clock.local_now().date()
    period = parse_period("month", None, None, today=today)
    figures = dashboard_selectors.kpi_figures(
        region=Region.objects.get(code=JIEFANG), period=period
    )
    return figures["participation_rate"].numerator


def test_voters_count_once_across_votes_comments_and_channels(make_vote, verified, regions):
    voters = [verified(name=f"居民{i}") for i in range(3)]
    assert participants() == 0
    vote = make_vote()
    services.ballot_cast(vote=vote, actor=voters[0], choices=[1])
    assert participants() == 1
    # The same person also proposes and comments: still one.
    topic = topic_services.topic_propose(
        actor=voters[0], title="停车难", body="车位不够", scope=regions[JIEFANG_G1]
    )
    topic_services.topic_comment(topic=topic, actor=voters[0], body="我先说两句")
    assert participants() == 1
    # A second vote by the same person, and a commenter who then votes: one each.
    second = make_vote(title="宠物扰民怎么办")
    services.ballot_cast(vote=second, actor=voters[0], choices=[1])
    topic_services.topic_comment(topic=topic, actor=voters[1], body="同意")
    services.ballot_cast(vote=second, actor=voters[1], choices=[2])
    assert participants() == 2
    services.ballot_cast(vote=vote, actor=voters[2], choices=[2])
    assert participants() == 3
    today = clock.local_now().date()
    path = Region.objects.get(code=JIEFANG).path
    assert vote_participation.count(path, len(path), today, today) == {path: 3}
