"""积分 for voting: the ballot queues one task row with itself (voting/rewards.py) and the
worker pays it, once per person and vote whatever the channel, the retries or how often
the task runs; a refused vote queues nothing; nothing of a secret ballot's choice goes
into the task or the ledger."""

import pytest
from django.db import connection
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jiaoliuba.core.errors import Conflict, NotFound, PermissionDenied
from jiaoliuba.deliberation.models import VoterRecord
from jiaoliuba.deliberation.tasks import vote_credit
from jiaoliuba.deliberation.voting import services
from jiaoliuba.points.choices import Act, EntryKind
from jiaoliuba.points.models import PointsEntry
from jiaoliuba.points.selectors import balance_of
from jiaoliuba.testing.fixtures import JIANKANG_G1, JIEFANG_G1
from jiaoliuba.testing.tasks import run_queued


def _vote_entries(user):
    return PointsEntry.objects.filter(account__user=user, act=Act.VOTE_CAST)


def _queued():
    """(vote, user) of every vote_credit task row, in queue order."""
    rows = DBTaskResult.objects.filter(task_path__endswith=".vote_credit")
    return [tuple(r.args_kwargs["args"]) for r in rows.order_by("enqueued_at", "id")]


def _pay() -> int:
    return run_queued("vote_credit")


def test_a_vote_queues_one_credit_that_the_worker_pays_once(make_vote, verified):
    vote, other = make_vote(), make_vote(title="加装电梯")
    voter = verified()
    services.ballot_cast(vote=vote, actor=voter, choices=[1])
    # Queued with the ballot, not paid in the request.
    assert _queued() == [(vote.pk, voter.pk)]
    assert balance_of(voter) == 0
    with pytest.raises(Conflict):
        services.ballot_cast(vote=vote, actor=voter, choices=[1])  # a retried request
    services.ballot_cast(vote=other, actor=voter, choices=[2])
    assert _queued() == [(vote.pk, voter.pk), (other.pk, voter.pk)]
    row = DBTaskResult.objects.filter(task_path__endswith=".vote_credit").first()
    assert row.task_path == "jiaoliuba.deliberation.tasks.vote_credit"
    assert row.status == TaskResultStatus.READY and row.args_kwargs["kwargs"] == {}
    assert _pay() == 2
    assert _pay() == 0
    # VOTE_CAST's default rule: +2 a vote, two votes.
    assert balance_of(voter) == 4
    entries = list(_vote_entries(voter).order_by("id"))
    assert [(e.kind, e.amount) for e in entries] == [(EntryKind.EARN, 2), (EntryKind.EARN, 2)]
    assert entries[0].key == f"earn:vote_cast:deliberation.vote:{vote.pk}:{voter.pk}"


def test_the_task_run_twice_pays_once(make_vote, verified):
    """At-least-once: a worker that died mid-task has it queued again, and two workers
    may even run copies side by side. The entry's key pays once."""
    vote = make_vote()
    voter = verified()
    services.ballot_cast(vote=vote, actor=voter, choices=[1])
    assert _pay() == 1
    assert balance_of(voter) == 2
    # The same row queued again (as task_orphans_requeue does) and run again.
    DBTaskResult.objects.filter(task_path__endswith=".vote_credit").update(
        status=TaskResultStatus.READY, started_at=None, finished_at=None
    )
    assert _pay() == 1
    # A duplicate row, and the function called directly.
    vote_credit.enqueue(vote.pk, voter.pk)
    assert _pay() == 1
    assert vote_credit.call(vote.pk, voter.pk) == 0
    assert balance_of(voter) == 2
    assert _vote_entries(voter).count() == 1


def test_a_refused_vote_queues_nothing(make_vote, verified, make_resident, organiser, regions):
    vote = make_vote()
    voter = verified()
    services.ballot_cast(vote=vote, actor=voter, choices=[1])
    DBTaskResult.objects.all().delete()
    # A repeat.
    with pytest.raises(Conflict):
        services.ballot_cast(vote=vote, actor=voter, choices=[2])
    # Someone who voted on paper at the meeting.
    on_paper = verified(phone="13833330002")
    services.paper_ballot_enter(
        vote=vote, actor=organiser, sheet_number="A-1", choices=[2], phone="13833330002"
    )
    assert _queued() == [(vote.pk, on_paper.pk)]  # the paper ballot's own credit
    DBTaskResult.objects.all().delete()
    with pytest.raises(Conflict) as refused:
        services.ballot_cast(vote=vote, actor=on_paper, choices=[1])
    assert refused.value.code == "voted_on_paper"
    # Not eligible: not verified, and out of the vote's area.
    unverified = make_resident(JIEFANG_G1, name="未认证")
    with pytest.raises(PermissionDenied):
        services.ballot_cast(vote=vote, actor=unverified, choices=[1])
    elsewhere = verified(grid=JIANKANG_G1)
    with pytest.raises((PermissionDenied, NotFound)):
        services.ballot_cast(vote=vote, actor=elsewhere, choices=[1])
    # A closed vote.
    services.vote_close(vote=vote, actor=organiser)
    late = verified()
    with pytest.raises(Conflict):
        services.ballot_cast(vote=vote, actor=late, choices=[1])
    assert _queued() == []
    assert _pay() == 0
    assert (
        not PointsEntry.objects.filter(act=Act.VOTE_CAST)
        .exclude(account__user__in=[voter, on_paper])
        .exists()
    )


def test_a_secret_ballot_leaves_only_the_fact_of_voting(make_vote, verified):
    vote = make_vote(secret=True)
    a, b = verified(), verified()
    services.ballot_cast(vote=vote, actor=a, choices=[1])
    services.ballot_cast(vote=vote, actor=b, choices=[3])
    # The tasks name the vote and the voter, which the register holds, never the choice.
    rows = DBTaskResult.objects.filter(task_path__endswith=".vote_credit")
    assert sorted(r.args_kwargs["args"] for r in rows) == sorted([[vote.pk, a.pk], [vote.pk, b.pk]])
    assert all(r.args_kwargs["kwargs"] == {} for r in rows)
    assert _pay() == 2
    ea, eb = _vote_entries(a).get(), _vote_entries(b).get()
    # The two entries differ only in who and when, which the register already holds.
    assert (ea.amount, ea.act, ea.reason) == (eb.amount, eb.act, eb.reason) == (2, "vote_cast", "")
    assert ea.key.replace(str(a.pk), "X") == eb.key.replace(str(b.pk), "X")
    assert set(VoterRecord.objects.filter(vote=vote).values_list("voter_id", flat=True)) == {
        a.pk,
        b.pk,
    }


def test_paper_voters_earn_too_and_a_refused_vote_earns_nothing(make_vote, verified, organiser):
    vote = make_vote()
    on_paper = verified(phone="13833330001")
    services.paper_ballot_enter(
        vote=vote, actor=organiser, sheet_number="B-1", choices=[2], phone="13833330001"
    )
    with pytest.raises(Conflict):
        services.ballot_cast(vote=vote, actor=on_paper, choices=[1])
    assert _pay() == 1
    assert balance_of(on_paper) == 2
    secret = make_vote(secret=True, title="楼道堆物")
    services.paper_voter_record(vote=secret, actor=organiser, phone="13833330001")
    assert _queued()[-1] == (secret.pk, on_paper.pk)
    assert _pay() == 1
    assert balance_of(on_paper) == 4
    services.vote_close(vote=vote, actor=organiser)
    late = verified()
    with pytest.raises(Conflict):
        services.ballot_cast(vote=vote, actor=late, choices=[1])
    assert _pay() == 0
    assert not _vote_entries(late).exists()


def test_an_owner_vote_queues_one_credit(owner_vote, verified):
    owner = verified(phone="13900000001")
    vote = owner_vote(["5,1,101,90,张伟,13900000001,否", "5,1,102,90,李娜,13900000002,否"])
    services.ballot_cast(vote=vote, actor=owner, choices=[1])
    with pytest.raises(Conflict):
        services.ballot_cast(vote=vote, actor=owner, choices=[2])
    assert _queued() == [(vote.pk, owner.pk)]
    assert _pay() == 1
    assert balance_of(owner) == 2


def test_the_ballots_task_row_is_the_backends_own(make_vote, verified):
    """The row the ballot's statement writes (a CTE on PostgreSQL) equals the one the
    backend's own enqueue writes, but for its id and time."""
    vote = make_vote()
    voter = verified()
    services.ballot_cast(vote=vote, actor=voter, choices=[1])
    by_backend = vote_credit.enqueue(vote.pk, voter.pk)
    by_ballot = DBTaskResult.objects.exclude(pk=by_backend.id).get()
    columns = [
        f.column
        for f in DBTaskResult._meta.concrete_fields
        if f.column not in ("id", "enqueued_at")
    ]
    quote = connection.ops.quote_name
    pk = DBTaskResult._meta.pk

    def stored(task_id):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(quote(c) for c in columns)} "
                f"FROM {quote(DBTaskResult._meta.db_table)} WHERE {quote(pk.column)} = %s",
                [pk.get_db_prep_value(task_id, connection)],
            )
            return cursor.fetchone()

    assert stored(by_ballot.pk) == stored(by_backend.id)
