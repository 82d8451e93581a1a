"""A ballot on a vote of another community is refused as if the vote did not exist: 404,
nothing of the vote in the answer, nothing stored. The scoped read comes before anything
else looks at the vote (its options, times or status), on the page and in the API."""

import json

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.deliberation.models import Ballot, VoterRecord
from jiaoliuba.deliberation.voting import services
from jiaoliuba.deliberation.voting.services import VoteSpec
from jiaoliuba.testing.fixtures import JIANKANG, JIANKANG_G1

TITLE = "解放路社区食堂如何运营"
OPTIONS = ["社区自营食堂", "委托餐饮企业", "暂不开办食堂"]

# What the resident may send: a valid ballot, none, a wrong option, too many options.
BODIES = [{"choice": "1"}, {}, {"choice": "9"}, {"choice": ["1", "2"]}, {"choice": "x"}]


def _assert_nothing_of(vote, response):
    body = response.content.decode()
    assert response.status_code == 404, (response.status_code, body[:300])
    assert TITLE not in body
    for text in OPTIONS:
        assert text not in body
    assert not VoterRecord.objects.filter(vote=vote).exists()
    assert not Ballot.objects.filter(vote=vote).exists()


@pytest.fixture
def other_vote(make_vote):
    """An open vote of 解放路社区; the resident below lives in 健康路社区."""
    return make_vote(title=TITLE, options=OPTIONS)


@pytest.fixture
def outsider(verified):
    return verified(phone="13877770001", grid=JIANKANG_G1)


@pytest.mark.parametrize("body", BODIES)
def test_page_cast_on_another_communitys_vote_is_404(login_client, other_vote, outsider, body):
    response = login_client(outsider).post(f"/votes/{other_vote.pk}/cast/", body)
    _assert_nothing_of(other_vote, response)


def test_page_cast_on_a_closed_vote_out_of_reach_is_404(
    login_client, organiser, other_vote, outsider
):
    services.vote_close(vote=other_vote, actor=organiser)
    response = login_client(outsider).post(f"/votes/{other_vote.pk}/cast/", {"choice": "1"})
    _assert_nothing_of(other_vote, response)


@pytest.mark.parametrize("choices", [[1], [], [9], [1, 2]])
def test_api_cast_on_another_communitys_vote_is_404(api_client, other_vote, outsider, choices):
    response = api_client(outsider).post(
        f"/api/v1/votes/{other_vote.pk}/ballots",
        data=json.dumps({"choices": choices}),
        content_type="application/json",
    )
    _assert_nothing_of(other_vote, response)
    assert response.json()["code"] == "vote_not_found"


def test_the_same_resident_votes_in_their_own_community(
    login_client, make_staff, outsider, regions
):
    """The refusal above is about scope: a vote of 健康路社区 takes the same ballot."""
    organiser = make_staff(Role.COMMUNITY_STAFF, JIANKANG)
    spec = VoteSpec(
        title="健康路社区议题",
        scope=regions[JIANKANG],
        kind="single",
        eligibility="person",
        options=OPTIONS,
    )
    vote = services.vote_open(
        vote=services.vote_create(actor=organiser, spec=spec), actor=organiser
    )
    response = login_client(outsider).post(f"/votes/{vote.pk}/cast/", {"choice": "1"})
    assert response.status_code == 302
    assert VoterRecord.objects.filter(vote=vote).count() == 1
