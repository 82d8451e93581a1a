"""Writes of the vote: create, open, close, cancel, cast online, paper ballots and their
correction, and the unit register import. Each status change follows the appeal loop's
pattern: one transaction, the table in voting.transitions, compare-and-set, an
append-only VoteEvent, an audit row, and notifications that leave on commit.

Exactly once: a voter is one row of VoterRecord under UniqueConstraint(vote, voter_key);
a second vote by any channel fails in the database, not only in a check before it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.choices import VerificationStatus
from jiaoliuba.accounts.models import User
from jiaoliuba.accounts.selectors import user_by_phone
from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jiaoliuba.core.services import audit_record
from jiaoliuba.deliberation.models import (
    Ballot,
    PropertyUnit,
    UnitOwner,
    UnitRegister,
    Vote,
    VoteEvent,
    VoteOption,
    VoterRecord,
)
from jiaoliuba.deliberation.voting import policies, transitions
from jiaoliuba.deliberation.voting.casting import cast_as_resident, cast_in_one_statement
from jiaoliuba.deliberation.voting.choices import (
    ApprovalChoice,
    Channel,
    Eligibility,
    OwnerMatter,
    VoteEventKind,
    VoteKind,
    VoteStatus,
)
from jiaoliuba.deliberation.voting.people import resident_brief
from jiaoliuba.deliberation.voting.tally import compute_result
from jiaoliuba.deliberation.voting.text import _fmt
from jiaoliuba.deliberation.voting.topic_link import (
    notify_organiser,
    topic_decided,
    topic_to_voting,
)
from jiaoliuba.deliberation.voting.units_import import parse_units_csv, phone_key
from jiaoliuba.regions.models import Region

MAX_OPTIONS = 20
CENT = Decimal("0.01")


def _event(
    vote: Vote,
    kind: str,
    *,
    actor: Any,
    from_status: str = "",
    to_status: str = "",
    data: dict | None = None,
) -> VoteEvent:
    return VoteEvent.objects.create(
        vote=vote,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=from_status,
        to_status=to_status,
        data=data or {},
        created_at=clock.now(),
    )


def _locked(vote: Vote) -> Vote:
    fresh = Vote.objects.select_for_update().filter(pk=vote.pk).first()
    if fresh is None:
        raise NotFound(_("No such vote."), code="vote_not_found")
    return fresh


def _shared_status(vote: Vote) -> str | None:
    """The vote's status under a shared row lock (PostgreSQL FOR SHARE): casts run side by
    side, while a close or a paper entry (FOR UPDATE) waits for them and they for it. So a
    close counts exactly the ballots committed before it, and a ballot never lands after
    the count. Holding the lock from the start also means the foreign-key checks of the
    inserts need no further lock on the row, which could deadlock behind a waiting close.
    SQLite runs one writing transaction at a time (IMMEDIATE), which gives the same."""
    table = connection.ops.quote_name(Vote._meta.db_table)
    share = " FOR SHARE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT status FROM {table} WHERE id = %s{share}", [vote.pk])  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else None


def _move(vote: Vote, old: str, fields: Sequence[str] = ()) -> None:
    """Compare-and-set: only one of two simultaneous moves wins."""
    vote.updated_at = clock.now()
    values = {name: getattr(vote, name) for name in ("status", "updated_at", *fields)}
    if Vote.objects.filter(pk=vote.pk, status=old).update(**values) != 1:
        raise Conflict(_("The vote changed meanwhile; please reload."), code="vote_changed")


FORBIDDEN = _("You may not manage this vote.")


def _text(value: str, message: Any, *, code: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, code=code)
    if len(value) > max_length:
        raise ValidationFailed(
            _fmt(_("At most %(n)d characters, please."), n=max_length), code=f"{code}_too_long"
        )
    return value


# --- creating and moving a vote -----------------------------------------------------------


@dataclass
class VoteSpec:
    title: str
    scope: Region
    kind: str
    eligibility: str
    options: list[str]
    description: str = ""
    max_choices: int = 1
    secret: bool = False
    owner_matter: str = ""
    unit_register: UnitRegister | None = None
    hide_results_until_close: bool = True
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None
    topic: Any = None


def _clean_spec(spec: VoteSpec) -> list[tuple[str, str]]:
    """(label, code) of the options, or ValidationFailed with the reason."""
    spec.title = _text(spec.title, _("Please give the vote a title."), code="title", max_length=120)
    if spec.kind not in VoteKind.values:
        raise ValidationFailed(_("Unknown kind of vote."), code="vote_kind")
    if spec.eligibility not in Eligibility.values:
        raise ValidationFailed(_("Unknown rule of who votes."), code="vote_eligibility")
    if spec.opens_at and spec.closes_at and spec.closes_at <= spec.opens_at:
        raise ValidationFailed(_("The closing time must be after the opening time."), code="times")
    if spec.eligibility == Eligibility.OWNERS:
        if spec.kind != VoteKind.APPROVAL:
            raise ValidationFailed(
                _("An owner vote asks to approve, oppose or abstain."), code="owner_kind"
            )
        if spec.secret:
            raise ValidationFailed(
                _(
                    "An owner vote is by name (记名): the count is checked unit by unit against "
                    "the register, and each ballot carries its area."
                ),
                code="owner_secret",
            )
        if spec.owner_matter not in OwnerMatter.values:
            raise ValidationFailed(
                _("Please choose which matter of 民法典 article 278 this is."), code="owner_matter"
            )
        if spec.unit_register is None:
            raise ValidationFailed(_("Please choose the unit register."), code="owner_register")
        if not spec.unit_register.scope_path.startswith(spec.scope.path):
            raise ValidationFailed(
                _("The unit register lies outside the vote's scope."), code="owner_register_scope"
            )
    else:
        spec.owner_matter, spec.unit_register = "", None
    if spec.kind == VoteKind.APPROVAL:
        spec.max_choices = 1
        return [(str(label), code) for code, label in ApprovalChoice.choices]
    labels = [o.strip() for o in spec.options if o and o.strip()]
    if len(labels) < 2:
        raise ValidationFailed(_("Please give at least two options."), code="options_few")
    if len(labels) > MAX_OPTIONS:
        raise ValidationFailed(
            _fmt(_("At most %(n)d options."), n=MAX_OPTIONS), code="options_many"
        )
    if len(set(labels)) != len(labels):
        raise ValidationFailed(_("Two options have the same text."), code="options_same")
    if any(len(label) > 120 for label in labels):
        raise ValidationFailed(_("An option is longer than 120 characters."), code="option_long")
    if spec.kind == VoteKind.SINGLE:
        spec.max_choices = 1
    elif not 1 <= spec.max_choices <= len(labels):
        raise ValidationFailed(
            _("“At most” must be between 1 and the number of options."), code="max_choices"
        )
    return [(label, "") for label in labels]


def vote_create(*, actor: Any, spec: VoteSpec) -> Vote:
    """A draft vote with its options; nothing is open to residents yet."""
    if not policies.may_organise_at(actor, spec.scope.path):
        raise PermissionDenied(_("You may not organise votes here."), code="vote_forbidden")
    options = _clean_spec(spec)
    now = clock.now()
    with transaction.atomic():
        vote = Vote.objects.create(
            title=spec.title,
            description=(spec.description or "").strip()[:5000],
            topic=spec.topic,
            scope=spec.scope,
            scope_path=spec.scope.path,
            kind=spec.kind,
            max_choices=spec.max_choices,
            option_count=len(options),
            secret=spec.secret,
            eligibility=spec.eligibility,
            owner_matter=spec.owner_matter,
            unit_register=spec.unit_register,
            hide_results_until_close=spec.hide_results_until_close,
            opens_at=spec.opens_at,
            closes_at=spec.closes_at,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        VoteOption.objects.bulk_create(
            VoteOption(vote=vote, position=i, label=label, code=code)
            for i, (label, code) in enumerate(options, start=1)
        )
        _event(vote, VoteEventKind.CREATED, actor=actor, to_status=VoteStatus.DRAFT)
        audit_record(actor=actor, action="vote.create", target=vote, after={"title": vote.title})
    return vote


def vote_open(*, vote: Vote, actor: Any) -> Vote:
    """Open for ballots. An owner vote freezes its electorate here: the register's total
    exclusive area and number of persons (the register cannot change afterwards)."""
    with transaction.atomic():
        fresh = _locked(vote)
        transitions.check(fresh, "open", actor, FORBIDDEN, code="vote_forbidden")
        fields: list[str] = ["opened_at"]
        if fresh.is_owner_vote:
            units = PropertyUnit.objects.filter(register_id=fresh.unit_register_id)
            total = units.aggregate(area=Sum("area"))["area"]
            if not total:
                raise Conflict(
                    _("The unit register is empty; import it first."), code="register_empty"
                )
            fresh.total_area = Decimal(total).quantize(CENT)
            fresh.total_persons = units.values("person_key").distinct().count()
            fields += ["total_area", "total_persons"]
        fresh.status, fresh.opened_at = VoteStatus.OPEN, clock.now()
        _move(fresh, VoteStatus.DRAFT, fields)
        data = {}
        if fresh.is_owner_vote:
            data = {"total_area": str(fresh.total_area), "total_persons": fresh.total_persons}
        _event(
            fresh,
            VoteEventKind.OPENED,
            actor=actor,
            from_status=VoteStatus.DRAFT,
            to_status=VoteStatus.OPEN,
            data=data,
        )
        audit_record(actor=actor, action="vote.open", target=fresh, after=data)
        topic_to_voting(fresh, actor)
    return fresh


def vote_close(*, vote: Vote, actor: Any) -> Vote:
    """Close and count. The result is computed from the ballot box and stored; the event
    keeps it too, so a later recount can be compared with both."""
    with transaction.atomic():
        fresh = _locked(vote)
        transitions.check(fresh, "close", actor, FORBIDDEN, code="vote_forbidden")
        fresh.status, fresh.closed_at = VoteStatus.CLOSED, clock.now()
        fresh.result = compute_result(fresh)
        _move(fresh, VoteStatus.OPEN, ("closed_at", "result"))
        _event(
            fresh,
            VoteEventKind.CLOSED,
            actor=actor,
            from_status=VoteStatus.OPEN,
            to_status=VoteStatus.CLOSED,
            data={"result": fresh.result},
        )
        audit_record(
            actor=actor,
            action="vote.close",
            target=fresh,
            after={"ballots": fresh.result["ballots"]},
        )
        notify_organiser(fresh, "closed", _("The vote is closed and counted"))
        topic_decided(fresh, actor)
    return fresh


def vote_cancel(*, vote: Vote, actor: Any, reason: str) -> Vote:
    reason = _text(reason, _("Please say why."), code="reason_required", max_length=300)
    with transaction.atomic():
        fresh = _locked(vote)
        transitions.check(fresh, "cancel", actor, FORBIDDEN, code="vote_forbidden")
        old = fresh.status
        fresh.status = VoteStatus.CANCELLED
        _move(fresh, old)
        _event(
            fresh,
            VoteEventKind.CANCELLED,
            actor=actor,
            from_status=old,
            to_status=VoteStatus.CANCELLED,
            data={"reason": reason},
        )
        audit_record(actor=actor, action="vote.cancel", target=fresh, after={"reason": reason})
    return fresh


# --- who is voting ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Voter:
    key: str
    user: Any
    path: str = ""
    units: tuple[str, ...] = ()
    area: Decimal | None = None


def _owner_voter(vote: Vote, person_key: str, user: Any) -> Voter:
    units = list(
        PropertyUnit.objects.filter(register_id=vote.unit_register_id, person_key=person_key)
        .order_by("building", "entrance", "room")
        .values_list("building", "entrance", "room", "area")
    )
    labels = tuple("-".join(p for p in (b, e, r) if p) for b, e, r, _a in units)
    area = sum((Decimal(a) for *_x, a in units), Decimal(0)).quantize(CENT)
    profile = resident_brief(user) if user else None
    return Voter(person_key, user, profile.region_path if profile else "", labels, area)


def owner_persons_of(*, vote: Vote, user: Any) -> list[str]:
    """The persons (register keys) this signed-in owner may vote for: several when they own
    one unit alone and co-own another (two different buyers under 第九条)."""
    phone_hash = getattr(user, "phone_hash", None)
    if not phone_hash or vote.unit_register_id is None:
        return []
    return sorted(
        set(
            UnitOwner.objects.filter(
                unit__register_id=vote.unit_register_id, phone_hash=phone_hash
            ).values_list("unit__person_key", flat=True)
        )
    )


def voter_for(*, vote: Vote, user: Any, person_key: str = "") -> Voter:
    """Who `user` votes as in this vote, or ValidationFailed/PermissionDenied saying why not."""
    if vote.is_owner_vote:
        persons = owner_persons_of(vote=vote, user=user)
        if not persons:
            raise PermissionDenied(
                _("Only owners listed in this vote's unit register may vote."), code="not_owner"
            )
        if person_key:
            if person_key not in persons:
                raise PermissionDenied(_("You are not an owner of that unit."), code="not_owner")
        elif len(persons) > 1:
            raise ValidationFailed(
                _("You own units as more than one owner; choose which one you vote for."),
                code="choose_owner",
            )
        return _owner_voter(vote, person_key or persons[0], user)
    profile = resident_brief(user)
    if profile is None or not profile.region_path.startswith(vote.scope_path):
        raise PermissionDenied(
            _("Only residents registered in the vote's area may vote."), code="not_in_scope"
        )
    if profile.verification_status != VerificationStatus.VERIFIED:
        raise PermissionDenied(
            _("Only verified residents may vote; the community can verify you."),
            code="not_verified",
        )
    if vote.eligibility == Eligibility.HOUSEHOLD:
        if profile.household_id is None:
            raise PermissionDenied(
                _("This vote is one per household, and you are not in a registered household."),
                code="no_household",
            )
        return Voter(f"h:{profile.household_id}", user, profile.region_path)
    return Voter(f"u:{user.pk}", user, profile.region_path)


def _clean_choices(vote: Vote, choices: Sequence[Any], *, blank_ok: bool) -> list[int]:
    positions = range(1, vote.option_count + 1)
    try:
        picked = sorted({int(c) for c in choices})
    except (TypeError, ValueError):
        raise ValidationFailed(_("Unknown option."), code="bad_choice") from None
    if not picked and not blank_ok:
        raise ValidationFailed(_("Please choose an option."), code="no_choice")
    if any(p not in positions for p in picked):
        raise ValidationFailed(_("Unknown option."), code="bad_choice")
    if len(picked) > vote.max_choices:
        raise ValidationFailed(
            _fmt(_("Choose at most %(k)d options."), k=vote.max_choices), code="too_many_choices"
        )
    return picked


def _already_voted(vote: Vote, key: str) -> Conflict:
    """The clear refusal of a second vote, saying how the first one came in."""
    first = VoterRecord.objects.filter(vote=vote, voter_key=key).only("channel", "sheet_number")
    found = first.first()
    return _refusal(found.channel if found else "", found.sheet_number if found else "")


def _refusal(channel: str, sheet: str) -> Conflict:
    if channel == Channel.PAPER:
        message = _(
            "Already voted on a paper ballot at the meeting; a vote counts once, so it cannot "
            "be cast again online."
        )
        if sheet:
            message = _fmt(
                _(
                    "Already voted on paper ballot No. %(sheet)s at the meeting; a vote counts once, "
                    "so it cannot be cast again."
                ),
                sheet=sheet,
            )
        return Conflict(message, code="voted_on_paper")
    return Conflict(
        _("Already voted online; a vote counts once, so it cannot be cast again."),
        code="already_voted",
    )


def _within_times(vote: Vote) -> None:
    now = clock.now()
    if vote.opens_at and now < vote.opens_at:
        raise Conflict(_("Voting has not started yet."), code="not_started")
    if vote.closes_at and now >= vote.closes_at:
        raise Conflict(_("Voting has ended."), code="ended")


def _record(
    vote: Vote,
    voter: Voter,
    *,
    channel: str,
    choices: list[int] | None,
    sheet: str = "",
    entered_by: Any = None,
    savepoint: bool = True,
) -> VoterRecord:
    """The register row, and unless choices is None the ballot with it, in one transaction:
    a second vote fails on the register's unique key and neither row stays. Without a
    savepoint the caller's transaction is the one that rolls back."""
    with transaction.atomic(savepoint=savepoint):
        ballot = None
        if choices is not None:
            ballot = Ballot.objects.create(
                vote=vote,
                choices=choices,
                channel=channel,
                # A secret vote's paper sheet has no name on it; a roll-call one does.
                sheet_number=sheet,
                area=voter.area,
            )
        return VoterRecord.objects.create(
            vote=vote,
            voter_key=voter.key,
            voter=voter.user if getattr(voter.user, "pk", None) else None,
            voter_path=voter.path,
            channel=channel,
            sheet_number="" if vote.secret else sheet,
            entered_by=entered_by,
            units=list(voter.units),
            area=voter.area,
            # Only a roll-call vote links the voter to the ballot.
            ballot=None if vote.secret else ballot,
            created_at=clock.now(),
        )


def ballot_cast(*, vote: Vote, actor: Any, choices: Sequence[Any], person_key: str = "") -> None:
    """An online vote. Returns nothing: for a secret vote not even the voter gets their
    choice back from the system afterwards."""
    transitions.check(vote, "cast", actor, _("Please sign in to vote."), code="not_authenticated")
    _within_times(vote)
    picked = _clean_choices(vote, choices, blank_ok=False)
    if not vote.is_owner_vote:
        # The hot path: eligibility, the open check, the ballot and the register row in
        # one statement (two on SQLite). Only a refusal costs the reads that say why.
        # The voter's 积分 are paid later by the worker, from the register row
        # (voting/rewards.py).
        try:
            outcome = cast_as_resident(vote, actor, picked, clock.now())
        except IntegrityError:
            raise _already_voted(vote, _voter_or_why_not(vote, actor, "").key) from None
        if outcome.cast:
            return
        if outcome.eligible:
            if outcome.earlier is not None:
                raise _refusal(*outcome.earlier)
            # The first vote committed while this statement ran: read it now.
            raise _already_voted(vote, _voter_or_why_not(vote, actor, "").key)
        _voter_or_why_not(vote, actor, person_key)
        raise Conflict(_("The vote is closed."), code="vote_closed")
    voter = _voter_or_why_not(vote, actor, person_key)
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                is_open = cast_in_one_statement(vote, voter, picked, clock.now())
            else:
                is_open = _shared_status(vote) == VoteStatus.OPEN
                if is_open:
                    _record(vote, voter, channel=Channel.ONLINE, choices=picked, savepoint=False)
    except IntegrityError:
        raise _already_voted(vote, voter.key) from None
    if not is_open:
        raise Conflict(_("The vote is closed."), code="vote_closed")


def _voter_or_why_not(vote: Vote, actor: Any, person_key: str) -> Voter:
    """voter_for, except that someone the vote is out of reach for gets the 404 that
    access_vote gives, not a 403 that would confirm it exists."""
    try:
        return voter_for(vote=vote, user=actor, person_key=person_key)
    except PermissionDenied:
        # the selectors build on these services; this one call goes the other way
        from jiaoliuba.deliberation.voting.selectors import access_vote  # noqa: PLC0415

        access_vote(user=actor, vote_id=vote.pk)
        raise


# --- paper ballots -------------------------------------------------------------------------


def _paper_voter(vote: Vote, *, phone: str, unit: str) -> Voter:
    """The person a paper sheet belongs to: an owner vote names a unit (楼栋-单元-房号),
    a residents' vote the resident's mobile number."""
    if vote.is_owner_vote:
        found = _unit_by_label(vote, unit)
        return _owner_voter(vote, found.person_key, _owner_user(found))

    user = user_by_phone(phone=phone) if phone.strip() else None
    if user is None:
        raise ValidationFailed(
            _("No resident with that mobile number."), code="paper_voter_unknown"
        )
    return voter_for(vote=vote, user=user)


def _unit_by_label(vote: Vote, label: str) -> PropertyUnit:
    parts = [p.strip() for p in (label or "").replace("—", "-").split("-") if p.strip()]
    units = PropertyUnit.objects.filter(register_id=vote.unit_register_id)
    if len(parts) == 3:
        units = units.filter(building=parts[0], entrance=parts[1], room=parts[2])
    elif len(parts) == 2:
        units = units.filter(building=parts[0], entrance="", room=parts[1])
    else:
        units = units.none()
    found = units.first()
    if found is None:
        raise ValidationFailed(
            _("No such unit in the register; write it as 楼栋-单元-房号, e.g. 5-1-101."),
            code="paper_unit_unknown",
        )
    return found


def _owner_user(unit: PropertyUnit) -> User | None:
    hashes = list(unit.owners.values_list("phone_hash", flat=True))
    return User.objects.filter(phone_hash__in=hashes).order_by("pk").first() if hashes else None


def _sheet(sheet_number: str) -> str:
    return _text(
        sheet_number, _("Please enter the sheet's number."), code="sheet_required", max_length=32
    )


def paper_ballot_enter(
    *,
    vote: Vote,
    actor: Any,
    sheet_number: str,
    choices: Sequence[Any],
    phone: str = "",
    unit: str = "",
) -> None:
    """A paper ballot from an offline meeting. Roll-call: the sheet names its voter (a unit
    or a mobile number) and counts once across channels. Secret: the sheet is anonymous;
    who voted on paper is recorded separately (paper_voter_record), and there can never be
    more paper sheets than paper voters."""
    sheet = _sheet(sheet_number)
    picked = _clean_choices(vote, choices, blank_ok=True)
    with transaction.atomic():
        fresh = _locked(vote)
        transitions.check(fresh, "paper", actor, FORBIDDEN, code="vote_forbidden")
        if fresh.secret:
            if phone.strip() or unit.strip():
                raise ValidationFailed(
                    _(
                        "A secret ballot sheet carries no name: record who voted on paper "
                        "separately, then enter the sheets."
                    ),
                    code="secret_sheet_named",
                )
            voters = VoterRecord.objects.filter(vote=fresh, channel=Channel.PAPER).count()
            sheets = Ballot.objects.filter(vote=fresh, channel=Channel.PAPER).count()
            if sheets >= voters:
                raise Conflict(
                    _("There are already as many paper sheets as paper voters recorded."),
                    code="more_sheets_than_voters",
                )
            try:
                with transaction.atomic():
                    Ballot.objects.create(
                        vote=fresh, choices=picked, channel=Channel.PAPER, sheet_number=sheet
                    )
            except IntegrityError:
                raise _sheet_taken(sheet) from None
            _event(fresh, VoteEventKind.PAPER_ENTERED, actor=actor, data={"sheet": sheet})
        else:
            voter = _paper_voter(fresh, phone=phone, unit=unit)
            if VoterRecord.objects.filter(vote=fresh, sheet_number=sheet).exists():
                raise _sheet_taken(sheet)
            try:
                _record(
                    fresh,
                    voter,
                    channel=Channel.PAPER,
                    choices=picked,
                    sheet=sheet,
                    entered_by=actor,
                )
            except IntegrityError:
                raise _already_voted(fresh, voter.key) from None
            _event(
                fresh,
                VoteEventKind.PAPER_ENTERED,
                actor=actor,
                data={"sheet": sheet, "units": list(voter.units), "choices": picked},
            )
        audit_record(actor=actor, action="vote.paper", target=fresh, after={"sheet": sheet})


def _sheet_taken(sheet: str) -> Conflict:
    return Conflict(
        _fmt(_("Sheet No. %(sheet)s has already been entered."), sheet=sheet), code="sheet_taken"
    )


def paper_voter_record(*, vote: Vote, actor: Any, phone: str = "", unit: str = "") -> None:
    """Secret votes: the person signed the meeting's list and took a ballot sheet. From now
    on they cannot vote online, and the other way round."""
    with transaction.atomic():
        fresh = _locked(vote)
        transitions.check(fresh, "paper", actor, FORBIDDEN, code="vote_forbidden")
        if not fresh.secret:
            raise ValidationFailed(
                _("In a roll-call vote, enter the sheet with its voter in one step."),
                code="not_secret",
            )
        voter = _paper_voter(fresh, phone=phone, unit=unit)
        try:
            _record(fresh, voter, channel=Channel.PAPER, choices=None, entered_by=actor)
        except IntegrityError:
            raise _already_voted(fresh, voter.key) from None
        _event(fresh, VoteEventKind.PAPER_VOTER, actor=actor)
        audit_record(actor=actor, action="vote.paper_voter", target=fresh)


def paper_ballot_correct(
    *, vote: Vote, actor: Any, sheet_number: str, choices: Sequence[Any], reason: str
) -> None:
    """Fix a sheet entered wrongly. The ballot keeps its key; the event keeps both versions."""
    sheet = _sheet(sheet_number)
    reason = _text(reason, _("Please say why."), code="reason_required", max_length=300)
    picked = _clean_choices(vote, choices, blank_ok=True)
    with transaction.atomic():
        fresh = _locked(vote)
        transitions.check(fresh, "correct", actor, FORBIDDEN, code="vote_forbidden")
        ballot = Ballot.objects.filter(
            vote=fresh, channel=Channel.PAPER, sheet_number=sheet
        ).first()
        if ballot is None:
            raise NotFound(
                _fmt(_("No paper sheet No. %(sheet)s in this vote."), sheet=sheet),
                code="sheet_not_found",
            )
        before = list(ballot.choices)
        if before == picked:
            raise ValidationFailed(_("Nothing changed."), code="no_change")
        Ballot.objects.filter(pk=ballot.pk).update(choices=picked)
        _event(
            fresh,
            VoteEventKind.CORRECTED,
            actor=actor,
            data={"sheet": sheet, "before": before, "after": picked, "reason": reason},
        )
        audit_record(
            actor=actor,
            action="vote.correct",
            target=fresh,
            before={"sheet": sheet, "choices": before},
            after={"sheet": sheet, "choices": picked},
        )


# --- the unit register ------------------------------------------------------------------------


def unit_register_create(*, actor: Any, name: str, scope: Region) -> UnitRegister:
    name = _text(name, _("Please name the register."), code="name_required", max_length=120)
    if not policies.may_organise_at(actor, scope.path):
        raise PermissionDenied(_("You may not organise votes here."), code="vote_forbidden")
    register = UnitRegister.objects.create(
        name=name, scope=scope, scope_path=scope.path, created_by=actor, created_at=clock.now()
    )
    audit_record(actor=actor, action="units.create", target=register, after={"name": name})
    return register


def unit_register_import(*, register: UnitRegister, actor: Any, text: str) -> int:
    """Replace the register's units with the CSV's. All or nothing: any bad line and
    nothing changes (the error lists every bad line). Refused once a vote on it opened."""
    if not policies.may_organise_at(actor, register.scope_path):
        raise PermissionDenied(_("You may not organise votes here."), code="vote_forbidden")
    rows = parse_units_csv(text)
    with transaction.atomic():
        locked = UnitRegister.objects.select_for_update().get(pk=register.pk)
        if locked.votes.filter(status__in=(VoteStatus.OPEN, VoteStatus.CLOSED)).exists():
            raise Conflict(
                _("A vote on this register has opened; the register can no longer change."),
                code="register_frozen",
            )
        before = locked.units.count()
        locked.units.all().delete()
        units = PropertyUnit.objects.bulk_create(
            PropertyUnit(
                register=locked,
                building=row.building,
                entrance=row.entrance,
                room=row.room,
                area=row.area,
                developer_held=row.developer_held,
                person_key=row.person_key,
                owner_names="、".join(name for name, _p in row.owners)[:200],
            )
            for row in rows
        )
        UnitOwner.objects.bulk_create(
            UnitOwner(unit=unit, name=name, phone=phone, phone_hash=phone_key(phone))
            for unit, row in zip(units, rows, strict=True)
            for name, phone in row.owners
            if phone
        )
        locked.imported_at = clock.now()
        locked.save(update_fields=["imported_at"])
        audit_record(
            actor=actor,
            action="units.import",
            target=locked,
            before={"units": before},
            after={"units": len(rows)},
        )
    return len(rows)
