"""Residents' votes: eligibility, kinds, secrecy, paper ballots across channels, events
and the exactly-once guarantee of the database itself."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from jiaoliuba.accounts import services as account_services
from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jiaoliuba.core.models import AuditLog
from jiaoliuba.deliberation.choices import TopicSource, TopicStage
from jiaoliuba.deliberation.models import Ballot, Topic, TopicEvent, Vote, VoteEvent, VoterRecord
from jiaoliuba.deliberation.voting import selectors, services
from jiaoliuba.deliberation.voting.tally import compute_result
from jiaoliuba.testing.fixtures import JIANKANG_G1, JIEFANG


def test_one_vote_per_person_counted_from_the_box(make_vote, verified, organiser):
    vote = make_vote()
    a, b, c = verified(), verified(), verified()
    services.ballot_cast(vote=vote, actor=a, choices=[1])
    services.ballot_cast(vote=vote, actor=b, choices=[2])
    services.ballot_cast(vote=vote, actor=c, choices=["2"])
    with pytest.raises(Conflict) as twice:
        services.ballot_cast(vote=vote, actor=a, choices=[2])
    assert twice.value.code == "already_voted"
    vote = services.vote_close(vote=vote, actor=organiser)
    counts = [o["count"] for o in vote.result["options"]]
    assert counts == [1, 2, 0] and vote.result["leading"] == [2]
    assert vote.result == compute_result(vote)
    with pytest.raises(Conflict):
        services.ballot_cast(vote=vote, actor=verified(), choices=[1])


def test_who_may_vote(make_vote, verified, make_resident):
    vote = make_vote()
    with pytest.raises(PermissionDenied) as unverified:
        services.ballot_cast(vote=vote, actor=make_resident(), choices=[1])
    assert unverified.value.code == "not_verified"
    # Out of reach answers as if the vote did not exist.
    with pytest.raises(NotFound):
        services.ballot_cast(vote=vote, actor=verified(grid=JIANKANG_G1), choices=[1])
    assert not VoterRecord.objects.filter(vote=vote).exists()


def test_one_vote_per_household(make_vote, verified, regions):
    home = account_services.household_get_or_create(
        community=regions[JIEFANG], address="3号楼2单元401"
    )
    vote = make_vote(eligibility="household")
    services.ballot_cast(vote=vote, actor=verified(household=home), choices=[1])
    with pytest.raises(Conflict):
        services.ballot_cast(vote=vote, actor=verified(household=home), choices=[3])
    with pytest.raises(PermissionDenied) as none:
        services.ballot_cast(vote=vote, actor=verified(), choices=[3])
    assert none.value.code == "no_household"


def test_multiple_choice_at_most_k(make_vote, verified):
    vote = make_vote(kind="multiple", max_choices=2, options=["A", "B", "C", "D"])
    with pytest.raises(ValidationFailed):
        services.ballot_cast(vote=vote, actor=verified(), choices=[1, 2, 3])
    with pytest.raises(ValidationFailed):
        services.ballot_cast(vote=vote, actor=verified(), choices=[9])
    with pytest.raises(ValidationFailed):
        services.ballot_cast(vote=vote, actor=verified(), choices=[])
    services.ballot_cast(vote=vote, actor=verified(), choices=[1, 4])
    assert Ballot.objects.get(vote=vote).choices == [1, 4]


def test_times_and_hidden_results(make_vote, verified, organiser):
    now = clock.now()
    later = make_vote(opens_at=now + dt.timedelta(hours=1))
    with pytest.raises(Conflict) as early:
        services.ballot_cast(vote=later, actor=verified(), choices=[1])
    assert early.value.code == "not_started"
    ended = make_vote(closes_at=now - dt.timedelta(minutes=1), opens_at=now - dt.timedelta(days=1))
    with pytest.raises(Conflict):
        services.ballot_cast(vote=ended, actor=verified(), choices=[1])
    hidden = make_vote()
    services.ballot_cast(vote=hidden, actor=verified(), choices=[1])
    assert selectors.vote_result(user=organiser, vote=hidden) is None  # staff included
    shown = make_vote(hide_results_until_close=False)
    services.ballot_cast(vote=shown, actor=verified(), choices=[1])
    assert selectors.vote_result(user=organiser, vote=shown)["ballots"] == 1


def test_secret_ballot_box_has_no_link_and_no_time(make_vote, verified, organiser):
    fields = {f.name for f in Ballot._meta.get_fields()}
    assert fields == {"id", "vote", "choices", "channel", "sheet_number", "area", "voter_record"}
    # voter_record is the reverse of VoterRecord.ballot, which only roll-call votes fill.
    vote = make_vote(secret=True)
    voters = [verified() for _ in range(3)]
    for user, choice in zip(voters, [1, 2, 2], strict=True):
        services.ballot_cast(vote=vote, actor=user, choices=[choice])
    assert not VoterRecord.objects.filter(vote=vote, ballot__isnull=False).exists()
    assert Ballot.objects.filter(vote=vote).count() == 3
    assert all(isinstance(b.pk.hex, str) for b in Ballot.objects.filter(vote=vote))
    # No event or audit row of the vote holds a choice.
    for data in VoteEvent.objects.filter(vote=vote).values_list("data", flat=True):
        assert "choices" not in data
    roll_call = make_vote()
    services.ballot_cast(vote=roll_call, actor=voters[0], choices=[3])
    assert VoterRecord.objects.get(vote=roll_call).ballot.choices == [3]


def test_paper_then_online_is_refused_and_the_other_way(make_vote, verified, organiser):
    vote = make_vote()
    on_paper, online = verified(phone="13811110001"), verified(phone="13811110002")
    services.paper_ballot_enter(
        vote=vote, actor=organiser, sheet_number="A-007", choices=[2], phone="13811110001"
    )
    with pytest.raises(Conflict) as refused:
        services.ballot_cast(vote=vote, actor=on_paper, choices=[1])
    assert refused.value.code == "voted_on_paper"
    assert "已在会议上投过纸质票（票号 A-007）" in refused.value.message_in("zh-hans")
    assert refused.value.message_in("en").startswith("Already voted on paper ballot No. A-007")
    services.ballot_cast(vote=vote, actor=online, choices=[1])
    with pytest.raises(Conflict) as again:
        services.paper_ballot_enter(
            vote=vote, actor=organiser, sheet_number="A-008", choices=[2], phone="13811110002"
        )
    assert again.value.code == "already_voted"
    verified(phone="13811110003")
    with pytest.raises(Conflict) as sheet:
        services.paper_ballot_enter(
            vote=vote, actor=organiser, sheet_number="A-007", choices=[2], phone="13811110003"
        )
    assert sheet.value.code == "sheet_taken"
    assert VoterRecord.objects.filter(vote=vote).count() == 2
    assert Ballot.objects.filter(vote=vote).count() == 2


def test_secret_paper_sheets_never_outnumber_paper_voters(make_vote, verified, organiser):
    vote = make_vote(secret=True)
    user = verified(phone="13822220001")
    with pytest.raises(Conflict):
        services.paper_ballot_enter(vote=vote, actor=organiser, sheet_number="1", choices=[1])
    with pytest.raises(ValidationFailed):
        services.paper_ballot_enter(
            vote=vote, actor=organiser, sheet_number="1", choices=[1], phone="13822220001"
        )
    services.paper_voter_record(vote=vote, actor=organiser, phone="13822220001")
    services.paper_ballot_enter(vote=vote, actor=organiser, sheet_number="1", choices=[1])
    with pytest.raises(Conflict):
        services.ballot_cast(vote=vote, actor=user, choices=[2])
    services.paper_ballot_correct(
        vote=vote, actor=organiser, sheet_number="1", choices=[3], reason="录入时看错了"
    )
    assert Ballot.objects.get(vote=vote).choices == [3]
    kinds = list(VoteEvent.objects.filter(vote=vote).values_list("kind", flat=True))
    assert kinds == ["created", "opened", "paper_voter", "paper_entered", "corrected"]
    assert AuditLog.objects.filter(action="vote.correct", target_id=str(vote.pk)).exists()


def test_the_database_refuses_a_second_register_row(make_vote, verified):
    """Not only the service's check: the unique constraint itself."""
    vote = make_vote()
    user = verified()
    services.ballot_cast(vote=vote, actor=user, choices=[1])
    with pytest.raises(IntegrityError), transaction.atomic():
        VoterRecord.objects.create(
            vote=vote, voter_key=f"u:{user.pk}", channel="paper", created_at=clock.now()
        )


def test_lifecycle_is_one_table(make_vote, organiser, verified):
    vote = make_vote(open_it=False)
    with pytest.raises(Conflict):
        services.ballot_cast(vote=vote, actor=verified(), choices=[1])
    with pytest.raises(Conflict):
        services.vote_close(vote=vote, actor=organiser)
    services.vote_open(vote=vote, actor=organiser)
    with pytest.raises(Conflict):
        services.vote_open(vote=vote, actor=organiser)
    services.vote_cancel(vote=vote, actor=organiser, reason="议题已撤回")
    assert Vote.objects.get(pk=vote.pk).status == "cancelled"
    with pytest.raises(PermissionDenied):
        services.vote_open(vote=make_vote(open_it=False), actor=verified())


def test_voter_acts_come_from_the_register(make_vote, verified, regions):
    vote = make_vote(secret=True)
    user = verified()
    services.ballot_cast(vote=vote, actor=user, choices=[1])
    today = clock.local_now().date()
    rows = list(selectors.voter_acts(regions[JIEFANG].path, today, today))
    assert rows == [(user.pk, user.resident.region_path, today)]
    assert (
        list(
            selectors.voter_acts(
                regions[JIEFANG].path, today - dt.timedelta(days=2), today - dt.timedelta(days=1)
            )
        )
        == []
    )


def test_a_vote_moves_its_topic_to_voting_and_decides_it(make_vote, verified, organiser, regions):

    now = clock.now()
    topic = Topic.objects.create(
        title="停车难",
        body="夜间车位不够",
        source=TopicSource.COMMUNITY,
        stage=TopicStage.DISCUSSING,
        scope=regions[JIEFANG],
        scope_path=regions[JIEFANG].path,
        created_at=now,
        updated_at=now,
    )
    vote = make_vote(topic=topic, kind="approval", options=[])
    topic.refresh_from_db()
    assert topic.stage == TopicStage.VOTING
    services.ballot_cast(vote=vote, actor=verified(), choices=[1])
    services.vote_close(vote=Vote.objects.get(pk=vote.pk), actor=organiser)
    topic.refresh_from_db()
    assert topic.stage == TopicStage.DECIDED
    assert "同意 1" in topic.outcome and "反对 0" in topic.outcome
    assert TopicEvent.objects.filter(topic=topic).count() == 2
