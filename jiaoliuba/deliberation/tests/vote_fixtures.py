"""Fixtures of the vote tests (test_vote_*.py), loaded by conftest.py."""

import pytest

from jiaoliuba.accounts import services as account_services
from jiaoliuba.accounts.choices import Role
from jiaoliuba.deliberation.voting import services
from jiaoliuba.deliberation.voting.services import VoteSpec
from jiaoliuba.testing.fixtures import JIEFANG, JIEFANG_G1


@pytest.fixture
def organiser(make_staff):
    return make_staff(Role.COMMUNITY_STAFF, JIEFANG, username="vote-organiser")


@pytest.fixture
def verified(make_resident, make_staff, regions):
    """A verified resident of 解放路社区 grid 1."""
    checkers: dict[str, object] = {}

    def make(name="居民", phone=None, grid=JIEFANG_G1, household=None):
        user = make_resident(grid, name=name, phone=phone)
        community = grid[:12]  # a grid's code begins with its community's
        if community not in checkers:
            checkers[community] = make_staff(Role.COMMUNITY_STAFF, community)
        checker = checkers[community]
        account_services.resident_verify(actor=checker, resident=user.resident)
        if household is not None:
            user.resident.household = household
            user.resident.save(update_fields=["household"])
        return user

    return make


@pytest.fixture
def make_vote(organiser, regions):
    def make(*, open_it=True, scope=JIEFANG, **kwargs):
        spec = VoteSpec(
            title=kwargs.pop("title", "社区食堂如何运营"),
            scope=regions[scope],
            kind=kwargs.pop("kind", "single"),
            eligibility=kwargs.pop("eligibility", "person"),
            options=kwargs.pop("options", ["社区自营", "委托餐饮企业", "暂不开办"]),
            **kwargs,
        )
        vote = services.vote_create(actor=organiser, spec=spec)
        if open_it:
            vote = services.vote_open(vote=vote, actor=organiser)
        return vote

    return make


UNITS_HEADER = "楼栋,单元,房号,专有面积,业主,手机号,开发商持有\n"


@pytest.fixture
def owner_vote(organiser, regions):
    """An owner vote on a register built from CSV lines (after the header)."""

    def make(lines, *, matter="9", open_it=True):
        register = services.unit_register_create(
            actor=organiser, name="5号楼房屋清册", scope=regions[JIEFANG]
        )
        services.unit_register_import(
            register=register, actor=organiser, text=UNITS_HEADER + "\n".join(lines)
        )
        spec = VoteSpec(
            title="物业费调整",
            scope=regions[JIEFANG],
            kind="approval",
            eligibility="owners",
            options=[],
            owner_matter=matter,
            unit_register=register,
        )
        vote = services.vote_create(actor=organiser, spec=spec)
        if open_it:
            vote = services.vote_open(vote=vote, actor=organiser)
        return vote

    return make
