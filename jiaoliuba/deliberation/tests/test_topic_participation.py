"""Deliberation feeds 参与率: proposing, supporting and commenting are acts, once per
person per period; a resident who filed an appeal and also commented counts once; staff
writing as staff are not residents taking part."""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoliuba.appeals import services as appeal_services
from jiaoliuba.core import clock
from jiaoliuba.dashboards import selectors as dashboard_selectors
from jiaoliuba.dashboards import services as dashboard_services
from jiaoliuba.dashboards.periods import parse_period
from jiaoliuba.deliberation import services
from jiaoliuba.deliberation.models import ParticipationAct
from jiaoliuba.deliberation.participation import deliberation_participation
from jiaoliuba.regions.models import Region
from jiaoliuba.testing.fixtures import JIEFANG, JIEFANG_G1, JIEFANG_G2

pytestmark = pytest.mark.django_db


def rate(code: str):
    today = clock.local_now().date()
    period = parse_period("month", None, None, today=today)
    figures = dashboard_selectors.kpi_figures(region=Region.objects.get(code=code), period=period)
    return figures["participation_rate"]


def test_participation_moves_and_each_resident_counts_once(regions, make_resident, staff):
    people = [make_resident(JIEFANG_G1, name=f"居民{i}") for i in range(8)]
    dashboard_services.rollups_sync()
    assert rate(JIEFANG).numerator == 0
    # people[0] files an appeal and also proposes, comments and is supported.
    appeal_services.appeal_submit(
        submitter=people[0],
        intake=appeal_services.Intake(
            content="小区停车位太少，晚上停不下",
            community=regions[JIEFANG],
            grid=regions[JIEFANG_G1],
            type_hint="property",
        ),
    )
    dashboard_services.rollups_sync()
    assert rate(JIEFANG).numerator == 1
    topic = services.topic_propose(
        actor=people[0], title="停车难", body="车位不够", scope=regions[JIEFANG_G1]
    )
    services.topic_comment(topic=topic, actor=people[0], body="我先说两句")
    assert rate(JIEFANG).numerator == 1  # the same resident: counted once
    services.topic_support(topic=topic, actor=people[1])
    services.topic_comment(topic=topic, actor=people[2], body="同意")
    services.topic_comment(topic=topic, actor=people[2], body="再补充一句")
    services.topic_comment(topic=topic, actor=staff, body="社区答复", official=True)
    figure = rate(JIEFANG)
    assert (figure.numerator, figure.denominator) == (3, 8)
    assert figure.value == pytest.approx(3 / 8)
    # The street above counts the same residents.
    assert rate("411702001000").numerator == 3
    # Acts: proposer's propose and comment, supporter, commenter (once a day), no staff.
    assert ParticipationAct.objects.count() == 4
    assert not ParticipationAct.objects.filter(user=staff).exists()


def test_provider_counts_per_node_and_by_period(regions, make_resident):
    first = make_resident(JIEFANG_G1)
    second = make_resident(JIEFANG_G2)
    topic = services.topic_propose(
        actor=first, title="社区食堂如何运营", body="正文", scope=regions[JIEFANG]
    )
    services.topic_support(topic=topic, actor=second)
    today = clock.local_now().date()
    width = len(regions[JIEFANG_G1].path)
    community = regions[JIEFANG].path
    counts = deliberation_participation.count(community, width, today, today)
    assert counts == {regions[JIEFANG_G1].path: 1, regions[JIEFANG_G2].path: 1}
    assert deliberation_participation.count(community, len(community), today, today) == {
        community: 2
    }
    yesterday = today - dt.timedelta(days=1)
    assert deliberation_participation.count(community, len(community), yesterday, yesterday) == {
        community: 0
    }
    assert sorted(deliberation_participation.acts(community, today, today)) == sorted(
        [(first.pk, regions[JIEFANG_G1].path), (second.pk, regions[JIEFANG_G2].path)]
    )
