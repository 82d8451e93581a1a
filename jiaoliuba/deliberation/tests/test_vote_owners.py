"""Owner votes (业主共同决定) through the real services and database: persons under
解释 第九条, the quorum and majorities of 民法典 第二百七十八条, and the tally recomputed."""

import pytest

from jiaoliuba.core.errors import Conflict, NotFound, ValidationFailed
from jiaoliuba.deliberation.models import Ballot, PropertyUnit, VoterRecord
from jiaoliuba.deliberation.voting import services
from jiaoliuba.deliberation.voting.services import VoteSpec
from jiaoliuba.deliberation.voting.tally import compute_result

APPROVE, OPPOSE, ABSTAIN = 1, 2, 3


@pytest.fixture
def owner(make_resident):
    def make(phone, name="业主"):
        return make_resident(name=name, phone=phone)

    return make


def close(vote, organiser):
    vote = services.vote_close(vote=vote, actor=organiser)
    assert vote.result == compute_result(vote)  # the stored tally is the box's
    return vote.result["owner"]


def test_persons_follow_article_nine(owner_vote, owner, organiser):
    vote = owner_vote(
        [
            "5,1,101,100,张三,13900000001,否",
            "5,1,102,100,张三,13900000001,否",  # the same buyer: one person
            "5,1,201,100,李四；王五,13900000002；13900000003,否",  # co-owners: one person
            "5,1,202,100,,,是",  # the developer's units: one person
            "5,1,301,100,开发商,,是",
            "5,1,302,100,赵六,13900000004,否",
        ]
    )
    assert vote.total_persons == 4
    assert str(vote.total_area) == "600.00"
    # The multi-unit buyer votes once, for 200 m².
    zhang = owner("13900000001")
    services.ballot_cast(vote=vote, actor=zhang, choices=[APPROVE])
    record = VoterRecord.objects.get(vote=vote, voter=zhang)
    assert str(record.area) == "200.00" and record.units == ["5-1-101", "5-1-102"]
    with pytest.raises(Conflict) as again:
        services.ballot_cast(vote=vote, actor=zhang, choices=[OPPOSE])
    assert again.value.code == "already_voted"
    # Either co-owner may cast the unit's vote, once.
    li, wang = owner("13900000002"), owner("13900000003")
    services.ballot_cast(vote=vote, actor=wang, choices=[APPROVE])
    with pytest.raises(Conflict):
        services.ballot_cast(vote=vote, actor=li, choices=[OPPOSE])
    # The developer votes on paper for both its units together: one person, 200 m².
    services.paper_ballot_enter(
        vote=vote, actor=organiser, sheet_number="P-1", choices=[OPPOSE], unit="5-1-301"
    )
    with pytest.raises(Conflict):
        services.paper_ballot_enter(
            vote=vote, actor=organiser, sheet_number="P-2", choices=[APPROVE], unit="5-1-202"
        )
    # A resident who owns nothing here does not even see the vote.
    with pytest.raises(NotFound):
        services.ballot_cast(vote=vote, actor=owner("13900000099"), choices=[APPROVE])
    result = close(vote, organiser)
    assert (result["voting_persons"], result["voting_area"]) == (3, "500.00")
    rows = {c["code"]: c for c in result["conditions"]}
    assert rows["quorum_persons"]["fraction"] == "3/4"
    assert rows["approve_area"]["fraction"] == "300.00/500.00"  # 张三 200 + 李/王 100
    assert rows["approve_persons"]["fraction"] == "2/3"
    assert result["passed"] is True


def _units(n, area="100"):
    return [f"1,1,{i:03d},{area},业主{i},139100{i:05d},否" for i in range(1, n + 1)]


def _phone(i):
    return f"139100{i:05d}"


def test_exactly_two_thirds_takes_part(owner_vote, owner, organiser):
    vote = owner_vote(_units(9))
    for i in range(1, 7):  # 6 of 9 persons, 600 of 900 m²: exactly 2/3 of each
        services.ballot_cast(vote=vote, actor=owner(_phone(i)), choices=[APPROVE])
    result = close(vote, organiser)
    assert result["quorum"] is True and result["passed"] is True


def test_one_short_of_two_thirds_fails_the_quorum(owner_vote, owner, organiser):
    vote = owner_vote(_units(9))
    for i in range(1, 6):
        services.ballot_cast(vote=vote, actor=owner(_phone(i)), choices=[APPROVE])
    result = close(vote, organiser)
    assert result["quorum"] is False
    assert result["failed"] == ["quorum_area", "quorum_persons"]


def test_exactly_half_fails_an_ordinary_item(owner_vote, owner, organiser):
    vote = owner_vote(_units(4))
    for i, choice in zip(range(1, 5), [APPROVE, APPROVE, OPPOSE, ABSTAIN], strict=True):
        services.ballot_cast(vote=vote, actor=owner(_phone(i)), choices=[choice])
    result = close(vote, organiser)
    assert result["quorum"] is True
    assert result["failed"] == ["approve_area", "approve_persons"]
    assert result["passed"] is False


def test_exactly_three_quarters_passes_raising_the_fund(owner_vote, owner, organiser):
    vote = owner_vote(_units(4), matter="6")  # 筹集维修资金
    for i, choice in zip(range(1, 5), [APPROVE, APPROVE, APPROVE, OPPOSE], strict=True):
        services.ballot_cast(vote=vote, actor=owner(_phone(i)), choices=[choice])
    result = close(vote, organiser)
    assert result["special"] is True and result["passed"] is True


def test_three_quarters_by_persons_but_not_by_area_fails(owner_vote, owner, organiser):
    lines = [*_units(3), "1,1,999,400,大户,13910099999,否"]
    vote = owner_vote(lines, matter="7")  # 改建重建
    for i in range(1, 4):
        services.ballot_cast(vote=vote, actor=owner(_phone(i)), choices=[APPROVE])
    services.ballot_cast(vote=vote, actor=owner("13910099999"), choices=[OPPOSE])
    result = close(vote, organiser)
    assert result["failed"] == ["approve_area"]  # 300/700 of the area; 3/4 of the persons


def test_an_owner_of_two_persons_chooses(owner_vote, owner, organiser):
    vote = owner_vote(
        ["2,1,101,90,孙七,13920000001,否", "2,1,102,90,孙七；周八,13920000001；13920000002,否"]
    )
    sun = owner("13920000001")
    with pytest.raises(ValidationFailed) as which:
        services.ballot_cast(vote=vote, actor=sun, choices=[APPROVE])
    assert which.value.code == "choose_owner"
    keys = services.owner_persons_of(vote=vote, user=sun)
    for key in keys:
        services.ballot_cast(vote=vote, actor=sun, choices=[APPROVE], person_key=key)
    assert VoterRecord.objects.filter(vote=vote).count() == 2


def test_owner_votes_are_roll_call_and_need_a_matter(owner_vote):
    vote = owner_vote(_units(2), open_it=False)

    spec = VoteSpec(
        title="x",
        scope=vote.scope,
        kind="approval",
        eligibility="owners",
        options=[],
        secret=True,
        owner_matter="9",
        unit_register=vote.unit_register,
    )
    with pytest.raises(ValidationFailed) as secret:
        services.vote_create(actor=vote.created_by, spec=spec)
    assert secret.value.code == "owner_secret"
    spec.secret, spec.owner_matter = False, ""
    with pytest.raises(ValidationFailed):
        services.vote_create(actor=vote.created_by, spec=spec)


def test_register_freezes_when_the_vote_opens(owner_vote, organiser):
    vote = owner_vote(_units(2))
    with pytest.raises(Conflict):
        services.unit_register_import(
            register=vote.unit_register,
            actor=organiser,
            text="楼栋,房号,专有面积,业主,手机号\n9,101,50,新,13930000001\n",
        )
    assert PropertyUnit.objects.filter(register=vote.unit_register).count() == 2
    assert Ballot.objects.filter(vote=vote).count() == 0
