"""积分 for voting: the register is the credits' queue (voting/rewards.py). A ballot
writes no task row; the worker's sweep pays every register row with a voter and no
`credited_at`, once per person and vote whatever the channel, the retries or how often
the sweep runs; a refused vote leaves nothing to pay; nothing of a secret ballot's
choice reaches the ledger."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from jiaoliuba.core.errors import Conflict, NotFound, PermissionDenied
from jiaoliuba.deliberation.models import VoterRecord
from jiaoliuba.deliberation.tasks import vote_credit, vote_credits
from jiaoliuba.deliberation.voting import rewards, services
from jiaoliuba.points.choices import Act, EntryKind
from jiaoliuba.points.models import PointsEntry
from jiaoliuba.points.selectors import balance_of
from jiaoliuba.testing.fixtures import JIANKANG_G1, JIEFANG_G1
from jiaoliuba.testing.tasks import run_queued


def _vote_entries(user):
    return PointsEntry.objects.filter(account__user=user, act=Act.VOTE_CAST)


def _due():
    """(vote, user) of every register row still to pay, oldest first."""
    rows = VoterRecord.objects.filter(credited_at__isnull=True, voter__isnull=False)
    return list(rows.order_by("id").values_list("vote_id", "voter_id"))


def _pay() -> int:
    return rewards.vote_credits_pay()


def test_a_vote_leaves_one_credit_that_the_sweep_pays_once(make_vote, verified):
    vote, other = make_vote(), make_vote(title="加装电梯")
    voter = verified()
    with CaptureQueriesContext(connection) as queries:
        services.ballot_cast(vote=vote, actor=voter, choices=[1])
    # Due in the register, not paid in the request, and no task row written for it.
    assert _due() == [(vote.pk, voter.pk)]
    assert not any("dbtaskresult" in q["sql"].lower() for q in queries.captured_queries)
    assert not DBTaskResult.objects.exists()
    assert balance_of(voter) == 0
    with pytest.raises(Conflict):
        services.ballot_cast(vote=vote, actor=voter, choices=[1])  # a retried request
    services.ballot_cast(vote=other, actor=voter, choices=[2])
    assert _due() == [(vote.pk, voter.pk), (other.pk, voter.pk)]
    assert _pay() == 4  # VOTE_CAST's default rule: +2 a vote, two votes
    assert _due() == [] and _pay() == 0
    assert balance_of(voter) == 4
    entries = list(_vote_entries(voter).order_by("id"))
    assert [(e.kind, e.amount) for e in entries] == [(EntryKind.EARN, 2), (EntryKind.EARN, 2)]
    assert entries[0].key == f"earn:vote_cast:deliberation.vote:{vote.pk}:{voter.pk}"
    assert all(r.credited_at is not None for r in VoterRecord.objects.all())


def test_the_sweep_run_again_or_side_by_side_pays_once(make_vote, verified):
    """A sweep that died after paying but before marking, a second worker's sweep, and
    a `vote_credit` task row queued before the register was the queue: one entry."""
    vote = make_vote()
    voter = verified()
    services.ballot_cast(vote=vote, actor=voter, choices=[1])
    assert _pay() == 2
    VoterRecord.objects.update(credited_at=None)  # as if the mark had been lost
    assert _pay() == 0
    assert _due() == []
    vote_credit.enqueue(vote.pk, voter.pk)
    assert run_queued("vote_credit") == 1
    assert vote_credit.call(vote.pk, voter.pk) == 0
    assert balance_of(voter) == 2
    assert _vote_entries(voter).count() == 1


def test_the_periodic_task_pays_in_batches(make_vote, verified):
    vote = make_vote()
    voters = [verified() for _ in range(5)]
    for voter in voters:
        services.ballot_cast(vote=vote, actor=voter, choices=[1])
    assert rewards.vote_credits_pay(batch=2) == 10  # three batches: 2, 2, 1
    assert [balance_of(v) for v in voters] == [2] * 5
    assert vote_credits.call() == 0


def test_one_run_pays_a_bounded_share_and_queues_the_next(make_vote, verified, settings):
    """After a big vote the sweep must not hold the default queue (sign-in codes, red
    alerts) for minutes: one run pays at most VOTE_CREDITS_PER_RUN credits and, while
    credits are due, queues the next run behind whatever came in meanwhile."""
    settings.VOTE_CREDITS_PER_RUN = 2
    vote = make_vote()
    voters = [verified() for _ in range(5)]
    for voter in voters:
        services.ballot_cast(vote=vote, actor=voter, choices=[1])
    assert vote_credits.call() == 4  # two voters
    assert len(_due()) == 3
    queued = DBTaskResult.objects.filter(task_path__endswith=".vote_credits")
    assert queued.count() == 1
    runs = 0
    while ran := run_queued("vote_credits"):
        runs += ran
    assert runs == 2  # 2 + 1 more voters; the last run leaves nothing due and queues nothing
    assert _due() == [] and queued.count() == 2
    assert [balance_of(v) for v in voters] == [2] * 5


def test_a_refused_vote_leaves_nothing_to_pay(
    make_vote, verified, make_resident, organiser, regions
):
    vote = make_vote()
    voter = verified()
    services.ballot_cast(vote=vote, actor=voter, choices=[1])
    assert _pay() == 2
    # A repeat.
    with pytest.raises(Conflict):
        services.ballot_cast(vote=vote, actor=voter, choices=[2])
    # Someone who voted on paper at the meeting.
    on_paper = verified(phone="13833330002")
    services.paper_ballot_enter(
        vote=vote, actor=organiser, sheet_number="A-1", choices=[2], phone="13833330002"
    )
    assert _due() == [(vote.pk, on_paper.pk)]  # the paper ballot's own credit
    assert _pay() == 2
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
    assert _due() == []
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
    # The register rows the sweep reads link no ballot.
    records = VoterRecord.objects.filter(vote=vote)
    assert sorted(records.values_list("voter_id", flat=True)) == sorted([a.pk, b.pk])
    assert not records.filter(ballot__isnull=False).exists()
    assert _pay() == 4
    ea, eb = _vote_entries(a).get(), _vote_entries(b).get()
    # The two entries differ only in who and when, which the register already holds.
    assert (ea.amount, ea.act, ea.reason) == (eb.amount, eb.act, eb.reason) == (2, "vote_cast", "")
    assert ea.key.replace(str(a.pk), "X") == eb.key.replace(str(b.pk), "X")


def test_paper_voters_earn_too_and_a_refused_vote_earns_nothing(make_vote, verified, organiser):
    vote = make_vote()
    on_paper = verified(phone="13833330001")
    services.paper_ballot_enter(
        vote=vote, actor=organiser, sheet_number="B-1", choices=[2], phone="13833330001"
    )
    with pytest.raises(Conflict):
        services.ballot_cast(vote=vote, actor=on_paper, choices=[1])
    assert _pay() == 2
    assert balance_of(on_paper) == 2
    secret = make_vote(secret=True, title="楼道堆物")
    services.paper_voter_record(vote=secret, actor=organiser, phone="13833330001")
    assert _due() == [(secret.pk, on_paper.pk)]
    assert _pay() == 2
    assert balance_of(on_paper) == 4
    services.vote_close(vote=vote, actor=organiser)
    late = verified()
    with pytest.raises(Conflict):
        services.ballot_cast(vote=vote, actor=late, choices=[1])
    assert _pay() == 0
    assert not _vote_entries(late).exists()


def test_an_owner_vote_leaves_one_credit(owner_vote, verified, organiser):
    owner = verified(phone="13900000001")
    vote = owner_vote(["5,1,101,90,张伟,13900000001,否", "5,1,102,90,李娜,13900000002,否"])
    services.ballot_cast(vote=vote, actor=owner, choices=[1])
    with pytest.raises(Conflict):
        services.ballot_cast(vote=vote, actor=owner, choices=[2])
    assert _due() == [(vote.pk, owner.pk)]
    # The paper sheet of an owner without an account: a register row, nothing to pay.
    services.paper_ballot_enter(
        vote=vote, actor=organiser, sheet_number="C-1", choices=[1], unit="5-1-102"
    )
    assert VoterRecord.objects.get(vote=vote, sheet_number="C-1").voter_id is None
    assert _due() == [(vote.pk, owner.pk)]
    assert _pay() == 2
    assert balance_of(owner) == 2


def test_a_voter_deleted_before_the_sweep_is_not_paid(make_vote, verified):
    vote = make_vote()
    voter = verified()
    services.ballot_cast(vote=vote, actor=voter, choices=[1])
    voter.delete()  # the register keeps the row, without the person (SET_NULL)
    assert _due() == []
    assert _pay() == 0
    assert VoterRecord.objects.filter(vote=vote, voter__isnull=True).count() == 1
