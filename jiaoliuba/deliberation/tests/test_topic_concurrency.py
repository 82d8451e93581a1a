"""Neighbours supporting at the same moment: every support counts once, the count is
exact, and the topic reaches the agenda exactly once (one threshold event), on SQLite
and PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from jiaoliuba.deliberation import services
from jiaoliuba.deliberation.models import SupportThreshold, Topic, TopicEvent, TopicSupport
from jiaoliuba.testing.fixtures import JIEFANG, JIEFANG_G1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_supports_reach_the_agenda_once(regions, make_resident):
    SupportThreshold.objects.create(community=regions[JIEFANG], supporters=4)
    proposer = make_resident(JIEFANG_G1)
    people = [make_resident(JIEFANG_G1) for _ in range(5)]
    topic = services.topic_propose(
        actor=proposer, title="停车难", body="车位不够", scope=regions[JIEFANG_G1]
    )
    barrier = threading.Barrier(len(people))
    outcomes: dict[int, str] = {}

    def press(user):
        try:
            barrier.wait(timeout=10)
            services.topic_support(topic=Topic.objects.get(pk=topic.pk), actor=user)
            outcomes[user.pk] = "ok"
        except Exception as exc:  # a lost race must be a clear error, never a 500
            outcomes[user.pk] = getattr(exc, "code", repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(u,)) for u in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    fresh = Topic.objects.get(pk=topic.pk)
    # The threshold of 4 is reached by the third supporter; later ones find the topic
    # on the agenda and are told so (wrong_stage), nothing else.
    assert sorted(outcomes.values()) == ["ok", "ok", "ok", "wrong_stage", "wrong_stage"], outcomes
    assert fresh.stage == "agenda"
    assert fresh.support_count == TopicSupport.objects.filter(topic=topic).count() == 4
    assert TopicEvent.objects.filter(topic=topic, kind="threshold").count() == 1
