"""The real worker keeps the rollups up to date by itself: appeals change in this
process, the worker's periodic catch-up applies their events, and nobody here reads a
dashboard (which would catch up too)."""

import pytest

from jiaoliuba.appeals import services
from jiaoliuba.appeals.choices import RatingLevel
from jiaoliuba.dashboards.models import ProjectionState, Rollup
from jiaoliuba.dashboards.projection import STATE
from jiaoliuba.testing.fixtures import JIEFANG
from jiaoliuba.testing.worker import wait_until, worker_process

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def community_total(name):
    return sum(
        Rollup.objects.filter(path__endswith=JIEFANG.zfill(15), level=4).values_list(
            name, flat=True
        )
    )


def test_worker_applies_new_events_to_the_rollups(submit, staff, residents):
    first = submit(residents[0], "楼上邻居每晚11点还在跳绳，严重影响休息，多次沟通无效")
    services.appeal_accept(appeal=first, actor=staff["grid1"])
    services.appeal_resolve(appeal=first, actor=staff["grid1"], reply="已调解")
    services.appeal_rate(appeal=first, actor=residents[0], level=RatingLevel.SATISFIED, solved=True)
    submit(residents[1], "对门邻居家的狗每天早上五点就开始叫，老人休息不好，沟通过没用")
    assert not Rollup.objects.exists()

    with worker_process():
        assert wait_until(lambda: community_total("received") == 2), "the worker did not catch up"
    assert community_total("resolved") == 1
    assert community_total("rated_satisfied") == 1
    state = ProjectionState.objects.get(name=STATE)
    assert state.seen_id > 0
