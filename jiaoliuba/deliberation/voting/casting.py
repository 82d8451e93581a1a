"""An online ballot in the fewest round trips: check that the vote is open, that the
resident may vote in it, put the voter in the register and the ballot in the box.

Why: under load the cost of a ballot is its round trips and the ORM's Python, not the
rules. The ORM way (read the resident, BEGIN, read the vote, two INSERTs, COMMIT) builds
five queries; here PostgreSQL takes one statement, and SQLite, which has no
data-modifying CTEs, two statements inside its write lock, kept as short as it can be.
The guarantees are the same: the register's unique key makes a second vote by the same
voter write nothing (ON CONFLICT DO NOTHING, then no ballot), and PostgreSQL's FOR SHARE
lock (SQLite's single writer) makes a close wait for the ballots already under way (see
services._shared_status). Both databases run the same tests (tests/test_vote_*.py).

The voter's points are not paid here, and nothing is queued for them: the register row
is the worker's note that a credit is due (voting/rewards.py)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Model

from jiaoliuba.accounts.choices import VerificationStatus
from jiaoliuba.accounts.models import ResidentProfile
from jiaoliuba.core import rawsql
from jiaoliuba.deliberation.models import Ballot, Vote, VoterRecord
from jiaoliuba.deliberation.voting.choices import Channel, Eligibility, VoteStatus

if TYPE_CHECKING:
    from jiaoliuba.deliberation.voting.services import Voter


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def cast_in_one_statement(vote: Vote, voter: Voter, choices: list[int], now: Any) -> bool:
    """True when the ballot is in; False when the vote is not open. A second vote raises
    IntegrityError (from the register's unique key)."""
    # Table names come from the models; every value is a parameter.
    sql = f"""
        WITH open_vote AS (
            SELECT id FROM {_table(Vote)} WHERE id = %(vote)s AND status = %(open)s FOR SHARE
        ), ballot AS (
            INSERT INTO {_table(Ballot)} (id, vote_id, choices, channel, sheet_number, area)
            SELECT %(ballot)s, id, %(choices)s::jsonb, %(channel)s, '', %(area)s::numeric
            FROM open_vote
            RETURNING id
        )
        INSERT INTO {_table(VoterRecord)} (
            vote_id, voter_key, voter_id, voter_path, channel, sheet_number, entered_by_id,
            units, area, ballot_id, created_at
        )
        SELECT %(vote)s, %(key)s, %(voter)s, %(path)s, %(channel)s, '', NULL,
               %(units)s::jsonb, %(area)s::numeric,
               CASE WHEN %(link)s THEN ballot.id END, %(now)s
        FROM ballot
        RETURNING id
    """  # noqa: S608
    params: dict[str, Any] = {
        "vote": vote.pk,
        "open": VoteStatus.OPEN.value,
        "ballot": uuid.uuid4(),
        "choices": json.dumps(choices),
        "channel": Channel.ONLINE.value,
        "area": voter.area,
        "key": voter.key,
        "voter": getattr(voter.user, "pk", None),
        "path": voter.path,
        "units": json.dumps(list(voter.units)),
        # Only a roll-call vote links the voter to the ballot.
        "link": not vote.secret,
        "now": now,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() is not None


@dataclass(frozen=True)
class Outcome:
    cast: bool  # the ballot is in
    eligible: bool  # the vote is open and the user may vote in it
    earlier: tuple[str, str] | None  # (channel, sheet) of the voter's earlier vote, if seen


def cast_as_resident(vote: Vote, user: Any, choices: list[int], now: Any) -> Outcome:
    """A residents' vote (one per person or per household) with the eligibility of
    services.voter_for done in SQL: a verified resident registered inside the vote's area
    (and in a household, when it is one per household). The register row goes in first,
    ON CONFLICT DO NOTHING; the ballot only if it did. So a second vote writes nothing and
    comes back with how the first one was cast, without another query."""
    if connection.vendor == "postgresql":
        return _cast_as_resident_pg(vote, user, choices, now)
    return _cast_as_resident_sqlite(vote, user, choices, now)


def _resident_params(vote: Vote, user: Any, choices: list[int]) -> dict[str, Any]:
    return {
        "vote": vote.pk,
        "open": VoteStatus.OPEN.value,
        "household": vote.eligibility == Eligibility.HOUSEHOLD,
        "user": user.pk,
        "verified": VerificationStatus.VERIFIED.value,
        "choices": json.dumps(choices),
        "channel": Channel.ONLINE.value,
        "link": not vote.secret,
    }


def _cast_as_resident_sqlite(vote: Vote, user: Any, choices: list[int], now: Any) -> Outcome:
    """SQLite: the register row (with the eligibility and open checks in its SELECT), then
    the ballot, in one write transaction; a refusal reads how the first vote came in, in
    the same transaction. The register may name the ballot before the ballot row exists:
    Django declares SQLite's foreign keys DEFERRABLE INITIALLY DEFERRED."""
    ballot = uuid.uuid4()
    params = _resident_params(vote, user, choices)
    params.update(
        ballot=ballot.hex,  # how Django stores a UUIDField on SQLite
        now=connection.ops.adapt_datetimefield_value(now),
    )
    eligible_voter = f"""
        FROM {_table(Vote)} v, {_table(ResidentProfile)} r
        WHERE v.id = %(vote)s AND v.status = %(open)s
          AND r.user_id = %(user)s
          AND r.verification_status = %(verified)s
          AND substr(r.region_path, 1, length(v.scope_path)) = v.scope_path
          AND (NOT %(household)s OR r.household_id IS NOT NULL)
    """
    key = "CASE WHEN %(household)s THEN 'h:' || r.household_id ELSE 'u:' || r.user_id END"
    register = f"""
        INSERT INTO {_table(VoterRecord)} (
            vote_id, voter_key, voter_id, voter_path, channel, sheet_number, entered_by_id,
            units, area, ballot_id, created_at
        )
        SELECT v.id, {key}, r.user_id, r.region_path, %(channel)s, '', NULL,
               '[]', NULL, CASE WHEN %(link)s THEN %(ballot)s END, %(now)s
        {eligible_voter}
        ON CONFLICT (vote_id, voter_key) DO NOTHING
        RETURNING id
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(register, params)
        if cursor.fetchone() is not None:
            cursor.execute(
                f"INSERT INTO {_table(Ballot)} (id, vote_id, choices, channel, sheet_number, area)"  # noqa: S608
                " VALUES (%(ballot)s, %(vote)s, %(choices)s, %(channel)s, '', NULL)",
                params,
            )
            return Outcome(True, True, None)
        cursor.execute(
            f"""SELECT (SELECT e.channel || '|' || e.sheet_number FROM {_table(VoterRecord)} e
                        WHERE e.vote_id = v.id AND e.voter_key = {key})
                {eligible_voter}""",  # noqa: S608
            params,
        )
        row = cursor.fetchone()
    if row is None:
        return Outcome(False, False, None)
    return Outcome(False, True, tuple(row[0].split("|", 1)) if row[0] else None)  # type: ignore[arg-type]


def _cast_as_resident_pg(vote: Vote, user: Any, choices: list[int], now: Any) -> Outcome:
    """PostgreSQL: everything, a refusal's reason included, in one statement."""
    sql = f"""
        WITH open_vote AS (
            SELECT id, scope_path FROM {_table(Vote)}
            WHERE id = %(vote)s AND status = %(open)s FOR SHARE
        ), voter AS (
            SELECT r.region_path AS path,
                   CASE WHEN %(household)s THEN 'h:' || r.household_id ELSE 'u:' || r.user_id
                   END AS voter_key
            FROM {_table(ResidentProfile)} r, open_vote v
            WHERE r.user_id = %(user)s
              AND r.verification_status = %(verified)s
              AND left(r.region_path, length(v.scope_path)) = v.scope_path
              AND (NOT %(household)s OR r.household_id IS NOT NULL)
        ), registered AS (
            INSERT INTO {_table(VoterRecord)} (
                vote_id, voter_key, voter_id, voter_path, channel, sheet_number, entered_by_id,
                units, area, ballot_id, created_at
            )
            SELECT %(vote)s, voter.voter_key, %(user)s, voter.path, %(channel)s, '', NULL,
                   '[]'::jsonb, NULL, CASE WHEN %(link)s THEN %(ballot)s::uuid END, %(now)s
            FROM voter
            ON CONFLICT (vote_id, voter_key) DO NOTHING
            RETURNING id
        ), ballot AS (
            INSERT INTO {_table(Ballot)} (id, vote_id, choices, channel, sheet_number, area)
            SELECT %(ballot)s, %(vote)s, %(choices)s::jsonb, %(channel)s, '', NULL
            FROM registered
            RETURNING id
        )
        SELECT (SELECT count(*) FROM ballot),
               (SELECT count(*) FROM voter),
               (SELECT e.channel || '|' || e.sheet_number
                FROM {_table(VoterRecord)} e, voter
                WHERE e.vote_id = %(vote)s AND e.voter_key = voter.voter_key)
    """  # noqa: S608
    params = _resident_params(vote, user, choices)
    params.update(ballot=uuid.uuid4(), now=now)
    with rawsql.prepared_cursor() as cursor:  # prepared once per connection
        cursor.execute(sql, params)
        cast, eligible, earlier = cursor.fetchone()
    found = tuple(earlier.split("|", 1)) if earlier and not cast else None
    return Outcome(bool(cast), bool(eligible), found)  # type: ignore[arg-type]
