"""Real threads and connections on SQLite and PostgreSQL: volunteers racing to claim one
wish leave exactly one claim (and one event); staff racing to adopt one idea pay its
points once."""

from __future__ import annotations

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.bookings.tests.race import race
from jiaoliuba.community import services
from jiaoliuba.community.models import CommunityEvent, Wish
from jiaoliuba.points.models import PointsEntry
from jiaoliuba.testing.fixtures import JIEFANG

pytestmark = pytest.mark.django_db(transaction=True)


def test_one_wish_is_claimed_once(make_staff, people, community):
    wish = services.wish_post(actor=people["zhang"], community=community, title_text="修灯")
    helpers = [make_staff(Role.VOLUNTEER, JIEFANG) for _ in range(8)]
    calls = [(lambda h=h: services.wish_claim(actor=h, wish=wish)) for h in helpers]
    outcomes, _seconds = race(calls, workers=8)
    assert outcomes == {"claimed": 1, "wrong_status": 7}, outcomes
    fresh = Wish.objects.get(pk=wish.pk)
    assert fresh.claimed_by in helpers
    assert CommunityEvent.objects.filter(subject="wish", kind="claim").count() == 1


def test_one_idea_is_adopted_and_paid_once(make_staff, people, community):
    idea = services.idea_submit(
        actor=people["zhang"],
        community=community,
        title_text="加扶手",
        body="楼道加扶手",
        consent_public=True,
    )
    deciders = [make_staff(Role.COMMUNITY_STAFF, JIEFANG) for _ in range(6)]
    calls = [
        (lambda d=d: services.idea_adopt(actor=d, idea=idea, effect="已安装")) for d in deciders
    ]
    outcomes, _seconds = race(calls, workers=6)
    assert outcomes == {"adopted": 1, "wrong_status": 5}, outcomes
    assert (
        PointsEntry.objects.filter(account__user=people["zhang"], act="suggestion_adopted").count()
        == 1
    )
