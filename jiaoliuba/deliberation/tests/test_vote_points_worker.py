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


def test_the_worker_pays_a_big_vote_in_bounded_runs(make_vote, verified):
    """One credit a run here, and the periodic run only once an hour: the first run pays
    one and queues the next, which the worker takes after whatever else is queued, until
    nothing is due; without that queueing two voters would wait an hour."""
    vote = make_vote()
    voters = [verified() for _ in range(3)]
    for voter in voters:
        services.ballot_cast(vote=vote, actor=voter, choices=[1])
    runs = DBTaskResult.objects.filter(task_path__endswith=".vote_credits")

    def paid_in_runs() -> bool:
        return not VoterRecord.objects.filter(credited_at__isnull=True).exists() and (
            runs.filter(status="SUCCESSFUL").count() >= 3
        )

    with worker_process(env={"VOTE_CREDITS_PER_RUN": "1", "VOTE_CREDIT_SECONDS": "3600"}):
        assert wait_until(paid_in_runs), "the worker did not pay the credits run by run"
    assert [balance_of(v) for v in voters] == [2, 2, 2]
    paid = list(runs.filter(status="SUCCESSFUL").values_list("return_value", flat=True))
    assert sum(paid) == 6 and paid.count(2) == 3  # one voter's +2 per run, nothing twice
