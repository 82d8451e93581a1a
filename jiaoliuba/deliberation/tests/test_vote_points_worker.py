"""The real worker pays a vote's 积分 once: ballots are cast in this process, and a
`jiaoliuba worker` process beside the test enqueues its periodic `vote_credits` sweep
and runs it; an old per-ballot `vote_credit` row queued as well pays nothing more."""

import pytest
from django_tasks_db.models import DBTaskResult

from jiaoliuba.deliberation.models import VoterRecord
from jiaoliuba.deliberation.tasks import vote_credit
from jiaoliuba.deliberation.voting import services
from jiaoliuba.points.choices import Act
from jiaoliuba.points.models import PointsEntry
from jiaoliuba.points.selectors import balance_of
from jiaoliuba.testing.worker import wait_until, worker_process

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _done() -> bool:
    rows = DBTaskResult.objects.filter(task_path__endswith=".vote_credit")
    return (
        not VoterRecord.objects.filter(credited_at__isnull=True).exists()
        and rows.exists()
        and not rows.exclude(status="SUCCESSFUL").exists()
    )


def test_the_worker_credits_each_voter_once(make_vote, verified):
    vote = make_vote()
    a, b = verified(), verified()
    services.ballot_cast(vote=vote, actor=a, choices=[1])
    services.ballot_cast(vote=vote, actor=b, choices=[2])
    vote_credit.enqueue(vote.pk, a.pk)  # a row from before the register was the queue
    assert balance_of(a) == balance_of(b) == 0

    with worker_process():
        assert wait_until(_done), "the worker did not pay the credits"
    assert (balance_of(a), balance_of(b)) == (2, 2)
    assert PointsEntry.objects.filter(act=Act.VOTE_CAST).count() == 2
    assert DBTaskResult.objects.filter(task_path__endswith=".vote_credits").exists()
