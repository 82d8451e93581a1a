"""Reads of votes, always for an acting user and limited to their scope; access_* raise
NotFound outside it. The ballot box is read only by voting.tally, never per voter."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.models import ResidentProfile
from jiaoliuba.accounts.selectors import resident_of, scope_q
from jiaoliuba.core import clock
from jiaoliuba.core.errors import ApplicationError, NotFound
from jiaoliuba.deliberation.models import (
    PropertyUnit,
    UnitRegister,
    Vote,
    VoteEvent,
    VoterRecord,
)
from jiaoliuba.deliberation.voting import policies, transitions
from jiaoliuba.deliberation.voting.choices import VoteStatus
from jiaoliuba.deliberation.voting.services import owner_persons_of, voter_for
from jiaoliuba.deliberation.voting.tally import compute_result
from jiaoliuba.regions.models.region import subtree_q


def _ancestor_paths(path: str) -> list[str]:
    """The path and every ancestor's (paths are 15-digit segments)."""
    return [path[:i] for i in range(15, len(path) + 1, 15)] if path else []


def votes_visible_to(user: Any) -> QuerySet[Vote]:
    """Staff: votes in their subtree. Residents: votes (not drafts) of any area they live
    in, and owner votes on a register that lists their mobile number."""
    if not getattr(user, "is_authenticated", False):
        return Vote.objects.none()
    condition = scope_q(user, field="scope_path")
    published = ~Q(status=VoteStatus.DRAFT)
    resident = resident_of(user)
    if resident is not None and resident.region_path:
        condition |= (
            published
            & Q(scope_path__in=_ancestor_paths(resident.region_path))
            & ~Q(eligibility="owners")
        )
    phone_hash = getattr(user, "phone_hash", None)
    if phone_hash:
        condition |= published & Q(unit_register__units__owners__phone_hash=phone_hash)
    return Vote.objects.filter(condition).distinct()


def access_vote(*, user: Any, vote_id: int) -> Vote:
    vote = (
        votes_visible_to(user).filter(pk=vote_id).select_related("scope", "unit_register").first()
    )
    if vote is None:
        raise NotFound(_("No such vote."), code="vote_not_found")
    return vote


# What a ballot needs of its vote. None of these columns changes once the vote is open;
# the status, which does, is read again under the row lock by the service.
_BALLOT_FIELDS = (
    "id",
    "status",
    "scope_path",
    "kind",
    "max_choices",
    "option_count",
    "secret",
    "eligibility",
    "unit_register_id",
    "opens_at",
    "closes_at",
)
_published: dict[int, tuple[float, Vote]] = {}
_PUBLISHED_SECONDS = 5.0


def _published_vote(vote_id: int) -> Vote | None:
    """The open or closed vote, from a few seconds' per-process memory when a ballot came
    in for it just before: during a vote the same row is read for every ballot."""
    now = time.monotonic()
    hit = _published.get(vote_id)
    if hit is not None and now - hit[0] < _PUBLISHED_SECONDS:
        return hit[1]
    vote = (
        Vote.objects.exclude(status=VoteStatus.DRAFT)
        .filter(pk=vote_id)
        .only(*_BALLOT_FIELDS)
        .first()
    )
    if vote is not None:
        if len(_published) > 1000:
            _published.clear()
        _published[vote_id] = (now, vote)
    return vote


def forget_published() -> None:
    """Drop the per-process memory of published votes (tests: a rolled-back test's vote
    ids are given out again, which never happens to a committed vote)."""
    _published.clear()


def access_vote_to_cast(*, user: Any, vote_id: int) -> Vote:
    """The vote a ballot is attempted on, read in the voter's scope first: a vote out of
    reach answers 404 before anything else looks at it (its times, options or status),
    exactly as access_vote does. The columns a ballot needs then come from a few seconds'
    memory; who may vote is decided by services.ballot_cast (403 not eligible)."""
    vote = _published_vote(vote_id)
    if vote is None:
        raise NotFound(_("No such vote."), code="vote_not_found")
    if _resident_sees(user, vote):
        return vote  # the resident's clause of votes_visible_to, decided in memory
    if not votes_visible_to(user).filter(pk=vote_id).exclude(status=VoteStatus.DRAFT).exists():
        raise NotFound(_("No such vote."), code="vote_not_found")
    return vote


def _resident_sees(user: Any, vote: Vote) -> bool:
    """Whether a published vote is one of the resident's areas' (not an owner vote): the
    common ballot, told from the vote's cached row and the profile the sign-in read.
    False only means "ask the database" (staff scope, owner registers)."""
    resident = resident_of(user)
    return (
        resident is not None
        and bool(resident.region_path)
        and vote.eligibility != "owners"
        and vote.scope_path in _ancestor_paths(resident.region_path)
    )


def access_vote_to_manage(*, user: Any, vote_id: int) -> Vote:
    vote = access_vote(user=user, vote_id=vote_id)
    if not policies.may_manage(user, vote):
        raise NotFound(_("No such vote."), code="vote_not_found")
    return vote


def vote_list(*, user: Any, status: str = "") -> QuerySet[Vote]:
    votes = votes_visible_to(user).select_related("scope")
    if status:
        votes = votes.filter(status=status)
    return votes.order_by("-created_at", "-id")


def results_visible(vote: Vote) -> bool:
    """Hidden until close when the organiser chose so: from everyone, staff included."""
    return vote.status == VoteStatus.CLOSED or not vote.hide_results_until_close


def vote_result(*, user: Any, vote: Vote) -> dict[str, Any] | None:
    """The stored result of a closed vote, a live count of an open one whose results are
    public, or None while hidden."""
    if not results_visible(vote):
        return None
    if vote.status == VoteStatus.CLOSED and vote.result:
        return vote.result
    return compute_result(vote)


def vote_turnout(*, vote: Vote) -> int:
    return VoterRecord.objects.filter(vote=vote).count()


@dataclass
class VoteView:
    """What a page or the API shows one person about one vote."""

    vote: Vote
    options: list[Any]
    result: dict[str, Any] | None
    turnout: int
    can_vote: bool
    has_voted: bool
    voted_channel: str
    reason: str
    persons: list[tuple[str, str]] = field(default_factory=list)  # owner: (key, units)
    actions: dict[str, bool] = field(default_factory=dict)


def _my_record(vote: Vote, user: Any, persons: list[str]) -> VoterRecord | None:

    keys = [f"u:{user.pk}", *persons]
    profile = ResidentProfile.objects.filter(user=user).only("household_id").first()
    if profile is not None and profile.household_id:
        keys.append(f"h:{profile.household_id}")
    return VoterRecord.objects.filter(vote=vote, voter_key__in=keys).first()


def vote_view(*, user: Any, vote: Vote) -> VoteView:

    persons = owner_persons_of(vote=vote, user=user) if vote.is_owner_vote else []
    mine = _my_record(vote, user, persons) if getattr(user, "is_authenticated", False) else None
    can_vote, reason = False, ""
    open_persons: list[tuple[str, str]] = []
    if vote.status == VoteStatus.OPEN and getattr(user, "is_authenticated", False):
        now = clock.now()
        if vote.opens_at and now < vote.opens_at:
            reason = str(_("Voting has not started yet."))
        elif vote.closes_at and now >= vote.closes_at:
            reason = str(_("Voting has ended."))
        elif vote.is_owner_vote:
            done = set(
                VoterRecord.objects.filter(vote=vote, voter_key__in=persons).values_list(
                    "voter_key", flat=True
                )
            )
            for key in persons:
                if key not in done:
                    labels = PropertyUnit.objects.filter(
                        register_id=vote.unit_register_id, person_key=key
                    ).order_by("building", "entrance", "room")
                    open_persons.append((key, "、".join(u.label for u in labels)))
            can_vote = bool(open_persons)
            if not persons:
                reason = str(_("Only owners listed in this vote's unit register may vote."))
        elif mine is None:
            try:
                voter_for(vote=vote, user=user)
                can_vote = True
            except ApplicationError as error:
                reason = str(error.message)
    return VoteView(
        vote=vote,
        options=list(vote.options.all()),
        result=vote_result(user=user, vote=vote),
        turnout=vote_turnout(vote=vote),
        can_vote=can_vote,
        has_voted=mine is not None,
        voted_channel=mine.channel if mine else "",
        reason=reason,
        persons=open_persons,
        actions=transitions.offered(user, vote),
    )


def votes_for_topic(*, user: Any, topic: Any) -> list[VoteView]:
    """For the topic page's partial deliberation/votes/_topic_block.html."""
    votes = votes_visible_to(user).filter(topic=topic).order_by("-created_at", "-id")
    return [vote_view(user=user, vote=v) for v in votes]


def vote_events(*, vote: Vote) -> QuerySet[VoteEvent]:
    return VoteEvent.objects.filter(vote=vote).select_related("actor").order_by("created_at", "id")


def paper_records(*, vote: Vote) -> QuerySet[VoterRecord]:
    """The register of paper voters (staff). Never joined with the ballot box."""
    return VoterRecord.objects.filter(vote=vote, channel="paper").order_by("created_at", "id")


def unit_registers_visible_to(user: Any) -> QuerySet[UnitRegister]:
    return UnitRegister.objects.filter(scope_q(user, field="scope_path")).order_by("name", "id")


def access_unit_register(*, user: Any, register_id: int) -> UnitRegister:
    register = unit_registers_visible_to(user).filter(pk=register_id).first()
    if register is None or not policies.may_organise_at(user, register.scope_path):
        raise NotFound(_("No such unit register."), code="register_not_found")
    return register


def register_units(*, register: UnitRegister) -> QuerySet[PropertyUnit]:
    return register.units.order_by("building", "entrance", "room")


def voters_in(within: str, start: dt.date, end: dt.date) -> QuerySet[VoterRecord]:
    """Voter-register rows of residents registered in the subtree who voted on a local
    date in [start, end]; never the ballot box."""
    since = dt.datetime.combine(start, dt.time.min, tzinfo=clock.SHANGHAI)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=clock.SHANGHAI)
    return VoterRecord.objects.filter(
        subtree_q(within, field="voter_path"),
        voter__isnull=False,
        created_at__gte=since,
        created_at__lt=until,
    )


def voter_acts(within: str, start: dt.date, end: dt.date) -> QuerySet:
    """Participation (参与率): (resident_id, resident_path, day) of everyone who voted, by
    the local date of the vote, read from the voter register and never the ballot box.
    resident_id is the user's id, as the appeals source counts residents."""
    return (
        voters_in(within, start, end)
        .annotate(day=TruncDate("created_at", tzinfo=clock.SHANGHAI))
        .values_list("voter_id", "voter_path", "day")
    )
