"""The demo consensus map on 社区食堂如何运营: three camps are found, with the statements
every camp agrees with as common ground."""

from jiaoliuba.accounts.choices import Role
from jiaoliuba.deliberation import services as topic_services
from jiaoliuba.deliberation.consensus import demo, selectors
from jiaoliuba.deliberation.models import ConsensusQuestion, ConsensusResult, Statement
from jiaoliuba.testing.fixtures import JIEFANG


def test_demo_map_shows_three_camps_and_common_ground(make_staff, regions):
    staff = make_staff(Role.COMMUNITY_STAFF, JIEFANG, username="community_staff")
    topic_services.topic_create(
        actor=staff, title=demo.TOPIC, body="老年食堂怎么办", scope=regions[JIEFANG]
    )
    assert demo.load_consensus_demo() is True
    assert demo.load_consensus_demo() is False  # idempotent
    question = ConsensusQuestion.objects.get()
    result = ConsensusResult.objects.get(question=question)
    assert result.data["k"] == 3
    assert sorted(g["size"] for g in result.data["groups"]) == sorted(demo.CAMPS)
    bodies = dict(Statement.objects.values_list("pk", "body"))
    common = {bodies[c["statement"]] for c in result.data["consensus"]}
    assert {"80岁以上和困难老人应享受优惠价", "后厨和食材采购要向居民公开"} <= common
    assert "食堂由社区自营，不以赚钱为目的" not in common
    assert all(g["representative"] for g in result.data["groups"])
    # The advertisement waits in the moderation queue with its two reports.
    (reported,) = selectors.statement_flag_queue(user=staff)
    assert (reported.body, reported.open_flags) == (demo.ADVERT, 2)
    assert sorted(selectors.open_flag_reasons([reported])[reported.pk]) == sorted(demo.REPORTS)
