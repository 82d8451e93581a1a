"""The demo owner vote on 物业费调整: its register counts persons as the law does, and the
quorum is missed or reached exactly as the rules say."""

from jiaoliuba.accounts.choices import Role
from jiaoliuba.deliberation.voting import services
from jiaoliuba.deliberation.voting.demo import load_vote_demo
from jiaoliuba.deliberation.voting.tally import compute_result


def test_demo_owner_vote(make_staff, make_resident, regions):
    staff = make_staff(Role.COMMUNITY_STAFF, "411702001001", username="community_staff")
    vote = load_vote_demo()
    assert vote is not None and load_vote_demo() is None  # idempotent
    # 24 flats: the developer's 2 are one person, 高建国's 2 are one: 22 persons.
    assert (vote.total_persons, str(vote.total_area)) == (22, "2593.80")
    before = {c["code"]: c for c in compute_result(vote)["owner"]["conditions"]}
    assert before["quorum_persons"]["fraction"] == "14/22"
    assert before["quorum_persons"]["met"] is False  # 14/22 < 2/3
    owner = make_resident(name="张秀兰", phone="13800000001")
    services.ballot_cast(vote=vote, actor=owner, choices=[1])
    result = services.vote_close(vote=vote, actor=staff).result["owner"]
    rows = {c["code"]: c for c in result["conditions"]}
    assert rows["quorum_persons"]["fraction"] == "15/22" and rows["quorum_persons"]["met"]
    assert rows["quorum_area"]["fraction"] == "1781.10/2593.80" and rows["quorum_area"]["met"]
    assert rows["approve_persons"]["fraction"] == "11/15"
    assert rows["approve_area"]["fraction"] == "1222.00/1781.10"
    assert result["passed"] is True
