"""Shared set-up of the deliberation tests: the demo tree, residents of 解放路社区's first
grid, its staff, and a helper to propose a topic."""

from __future__ import annotations

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.deliberation import services
from jiaoliuba.testing.fixtures import JIEFANG, JIEFANG_G1


@pytest.fixture
def staff(make_staff):
    return make_staff(Role.COMMUNITY_STAFF, JIEFANG)


@pytest.fixture
def residents(make_resident):
    return [make_resident(JIEFANG_G1, name=f"居民{i}") for i in range(12)]


@pytest.fixture
def propose(regions):
    def make(
        actor, title="小区停车难怎么办", body="晚上车位不够，消防通道被占。", scope=JIEFANG_G1
    ):
        return services.topic_propose(actor=actor, title=title, body=body, scope=regions[scope])

    return make


# The vote tests' fixtures (test_vote_*.py).
# The consensus-map tests' fixtures (test_consensus_*.py).
from jiaoliuba.deliberation.tests.consensus_fixtures import question  # noqa: E402, F401

# The meeting tests' fixtures (test_meeting_*.py).
from jiaoliuba.deliberation.tests.meeting_fixtures import (  # noqa: E402, F401
    demo_people,
    meeting,
    people,
    red_appeal,
)
from jiaoliuba.deliberation.tests.vote_fixtures import (  # noqa: E402, F401
    UNITS_HEADER,
    make_vote,
    organiser,
    owner_vote,
    verified,
)
