"""Fixtures of the consensus-map tests (test_consensus_*.py), loaded by conftest.py."""

import pytest

from jiaoliuba.deliberation.consensus import services
from jiaoliuba.deliberation.consensus.choices import StatementStatus

FOOD_SEEDS = [
    "食堂应由社区自营，价格最便宜",
    "委托专业餐饮企业经营，质量更有保障",
    "老人和困难家庭应有优惠价",
    "后厨应对居民开放参观",
    "食堂应该接受居民监督",
    "食堂可以兼做年轻人的外卖点",
]


@pytest.fixture
def question(staff, propose, residents):
    """An open question on a topic of 解放路社区 grid 1, with six seed statements."""
    topic = propose(residents[0], title="社区食堂如何运营", body="老年食堂怎么办")
    return services.question_open(
        topic=topic, actor=staff, prompt="社区食堂应该怎样运营？", statements=FOOD_SEEDS
    )


def seeds(question):
    return list(question.statements.filter(status=StatementStatus.VISIBLE).order_by("pk"))
