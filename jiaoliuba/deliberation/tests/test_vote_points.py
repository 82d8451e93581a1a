"""积分 for voting: once per person and vote whatever the channel or retries, in the same
transaction as the vote, and with nothing of a secret ballot's choice in the ledger."""

import pytest

from jiaoliuba.core.errors import Conflict
from jiaoliuba.deliberation.models import VoterRecord
from jiaoliuba.deliberation.voting import services
from jiaoliuba.points.choices import Act, EntryKind
from jiaoliuba.points.models import PointsEntry
from jiaoliuba.points.selectors import balance_of


def _vote_entries(user):
    return PointsEntry.objects.filter(account__user=user, act=Act.VOTE_CAST)


def test_a_vote_pays_once_and_a_retry_pays_nothing(make_vote, verified):
    vote, other = make_vote(), make_vote(title="加装电梯")
    voter = verified()
    services.ballot_cast(vote=vote, actor=voter, choices=[1])
    with pytest.raises(Conflict):
        services.ballot_cast(vote=vote, actor=voter, choices=[1])  # a retried request
    services.ballot_cast(vote=other, actor=voter, choices=[2])
    # VOTE_CAST's default rule: +2 a vote, two votes.
    assert balance_of(voter) == 4
    entries = list(_vote_entries(voter).order_by("id"))
    assert [(e.kind, e.amount) for e in entries] == [(EntryKind.EARN, 2), (EntryKind.EARN, 2)]
    assert entries[0].key == f"earn:vote_cast:deliberation.vote:{vote.pk}:{voter.pk}"


def test_a_secret_ballot_leaves_only_the_fact_of_voting(make_vote, verified):
    vote = make_vote(secret=True)
    a, b = verified(), verified()
    services.ballot_cast(vote=vote, actor=a, choices=[1])
    services.ballot_cast(vote=vote, actor=b, choices=[3])
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
    assert balance_of(on_paper) == 2
    secret = make_vote(secret=True, title="楼道堆物")
    services.paper_voter_record(vote=secret, actor=organiser, phone="13833330001")
    assert balance_of(on_paper) == 4
    services.vote_close(vote=vote, actor=organiser)
    late = verified()
    with pytest.raises(Conflict):
        services.ballot_cast(vote=vote, actor=late, choices=[1])
    assert not _vote_entries(late).exists()
