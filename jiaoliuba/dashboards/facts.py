"""The counting rules of docs/dashboards.md ("指标口径"), written once. Live updates and the rebuild
both call these functions, so the two cannot disagree about what an appeal counts as.

Only what is settled is counted here. Whether an open appeal is already late depends on
the time of the question, so selectors count those live from AppealFact's deadlines."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Mapping
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection
from django.utils import timezone

from jiaoliuba.accounts.models import ResidentProfile
from jiaoliuba.appeals.choices import MediationOutcome, Priority, RatingLevel, Status
from jiaoliuba.appeals.models import Appeal, Mediation, Rating
from jiaoliuba.dashboards.models.facts import (
    APPEAL_COUNTERS,
    BAND_COUNTERS,
    CALENDAR_UNITS,
    RESPONSE_BAND_BOUNDS,
)

# The appeal columns the rules read: loading only these keeps a rebuild of a million
# appeals from decrypting phone numbers and carrying texts it never looks at.
APPEAL_FIELDS = (
    "id",
    "status",
    "region_path",
    "received_at",
    "category",
    "priority",
    "submitter_id",
    "is_anonymous",
    "dispatched_at",
    "first_response_at",
    "resolved_at",
    "response_due_at",
    "resolution_due_original_at",
    "extension_count",
    "return_count",
    "escalation_count",
    "is_repeat",
    "reopen_count",
)


class AppealRow(NamedTuple):
    """The APPEAL_FIELDS of one appeal as `values_list` reads them: what the rules need,
    without building a model instance per appeal (the catch-up reads a hundred at a time)."""

    id: int
    status: str
    region_path: str
    received_at: dt.datetime
    category: str
    priority: str
    submitter_id: int | None
    is_anonymous: bool
    dispatched_at: dt.datetime | None
    first_response_at: dt.datetime | None
    resolved_at: dt.datetime | None
    response_due_at: dt.datetime
    resolution_due_original_at: dt.datetime
    extension_count: int
    return_count: int
    escalation_count: int
    is_repeat: bool
    reopen_count: int

    @property
    def pk(self) -> int:
        return self.id


assert AppealRow._fields == APPEAL_FIELDS  # one list of columns, read in order


class RatingRow(NamedTuple):
    """What rule 3 reads of an appeal's latest rating."""

    level: str
    solved: bool


# Rule 2: these count in 受理量 (received) only. A withdrawn appeal too: nobody handled it
# to an outcome, so it must neither count as resolved nor as late.
NOT_COUNTED = (Status.REJECTED, Status.MERGED, Status.WITHDRAWN)


def local_day(moment):
    return timezone.localtime(moment).date()


def appeal_fact_values(
    appeal: Appeal | AppealRow,
    latest_rating: Rating | RatingRow | None,
    submitter_path: str = "",
) -> dict[str, Any]:
    """AppealFact columns for one appeal in its present state."""
    valid = appeal.status not in NOT_COUNTED
    values: dict[str, Any] = {
        "path": appeal.region_path,
        "day": local_day(appeal.received_at),
        "category": appeal.category,
        "submitter_id": appeal.submitter_id,
        "submitter_path": submitter_path,
        "response_due_at": appeal.response_due_at,
        "resolution_due_original_at": appeal.resolution_due_original_at,
        "response_time": None,
        "received": 1,
        "valid": int(valid),
        # Rule 2 is about matters, not people: a merged appeal or a "+1" is still the
        # resident taking part; only an appeal rejected as invalid is not.
        "participates": int(appeal.submitter_id is not None and appeal.status != Status.REJECTED),
    }
    if not valid:
        return values
    dispatched = appeal.dispatched_at is not None
    values.update(
        red=int(appeal.priority == Priority.RED),
        yellow=int(appeal.priority == Priority.YELLOW),
        blue=int(appeal.priority == Priority.BLUE),
        anonymous=int(appeal.is_anonymous),
        dispatched=int(dispatched),
        extended=int(dispatched and appeal.extension_count > 0),
        returned=int(dispatched and appeal.return_count > 0),
        escalated=int(appeal.escalation_count > 0),
        repeat=int(appeal.is_repeat or appeal.reopen_count > 0),
        reopened=int(appeal.reopen_count > 0),
    )
    if appeal.first_response_at is not None:
        # An offline appeal may be entered with a received time after staff already
        # acted on it; a response never takes negative time.
        seconds = max(0, int((appeal.first_response_at - appeal.received_at).total_seconds()))
        on_time = appeal.first_response_at <= appeal.response_due_at
        values.update(
            response_time=seconds,
            responded=1,
            response_seconds=seconds,
            response_on_time=int(on_time),
            response_late=int(not on_time),
        )
    if appeal.resolved_at is not None:
        on_time = appeal.resolved_at <= appeal.resolution_due_original_at
        values.update(resolved=1, resolved_on_time=int(on_time), resolved_late=int(not on_time))
    if latest_rating is not None:
        values.update(
            rated=1,
            rated_satisfied=int(latest_rating.level == RatingLevel.SATISFIED),
            rated_basic=int(latest_rating.level == RatingLevel.BASIC),
            rated_unsatisfied=int(latest_rating.level == RatingLevel.UNSATISFIED),
            rated_solved=int(latest_rating.solved),
        )
    return values


def response_band(seconds: int) -> int:
    """The index of the band holding a response time (see RESPONSE_BANDS_HOURS)."""
    return bisect_right(RESPONSE_BAND_BOUNDS, seconds)


def appeal_counters(values: Mapping[str, Any]) -> dict[str, int]:
    """What one appeal fact adds to its rollups: its counters and its response band."""
    counters = {name: int(values.get(name) or 0) for name in APPEAL_COUNTERS}
    if values.get("response_time") is not None:
        counters[BAND_COUNTERS[response_band(values["response_time"])]] = 1
    return counters


def mediation_fact_values(
    mediation: Mediation, appeal: Appeal | AppealRow
) -> dict[str, Any] | None:
    """MediationFact columns, or None while the mediation has not concluded."""
    if mediation.concluded_at is None:
        return None
    return {
        "path": appeal.region_path,
        "day": local_day(mediation.concluded_at),
        "category": appeal.category,
        "appeal_id": appeal.pk,
        "mediations_concluded": 1,
        "mediations_agreed": int(mediation.outcome == MediationOutcome.AGREEMENT),
    }


# The appeal's columns the rules read: what the rebuild's statement carries from the
# appeal into its shared row (appeal_facts_insert_sql).
_APPEAL_COLUMNS = (
    "id", "region_path", "received_at", "category", "submitter_id", "status", "priority",
    "is_anonymous", "dispatched_at", "extension_count", "return_count", "escalation_count",
    "is_repeat", "reopen_count", "first_response_at", "resolved_at", "response_due_at",
    "resolution_due_original_at",
)  # fmt: skip


def _shared_parts() -> dict[str, str]:
    """What the rules of several columns share, as expressions over the appeal `a`, its
    latest rating `r` and the submitter's home `h`: whether the appeal counts, its whole
    seconds to the first response (never below 0; only read when there is one), and what
    the rating and the home give. The rebuild computes each once per appeal."""
    if connection.vendor == "postgresql":
        seconds = "CAST(FLOOR(EXTRACT(EPOCH FROM (a.first_response_at - a.received_at))) AS bigint)"
        clamp = "GREATEST"
    else:
        # Stored as UTC text. Whole seconds, less one when the fraction of the first
        # response is smaller.
        seconds = (
            "(CAST(strftime('%%s', a.first_response_at) AS integer)"
            " - CAST(strftime('%%s', a.received_at) AS integer)"
            " - CASE WHEN CAST(substr(a.first_response_at, 20) AS real)"
            " < CAST(substr(a.received_at, 20) AS real) THEN 1 ELSE 0 END)"
        )
        clamp = "MAX"  # SQLite's scalar max of its arguments
    not_counted = ", ".join(f"'{status}'" for status in NOT_COUNTED)
    return {
        "counted": f"a.status NOT IN ({not_counted})",
        "seconds": f"{clamp}({seconds}, 0)",
        "rating_id": "r.appeal_id",
        "rating_level": "r.level",
        "rating_solved": "r.solved",
        "home_path": "h.region_path",
    }


def _appeal_fact_expressions(*, shared: bool = False) -> dict[str, str]:
    """`appeal_fact_values` written as SQL over the appeal `a` and its latest rating `r`
    (and the submitter's home `h`): one expression per AppealFact column. `shared`: over
    a row `a` that already holds the appeal's columns and `_shared_parts` by name."""
    parts = {name: f"a.{name}" for name in _shared_parts()} if shared else _shared_parts()

    def flag(condition: str) -> str:
        return f"CASE WHEN {condition} THEN 1 ELSE 0 END"

    if connection.vendor == "postgresql":
        local_day = f"CAST(a.received_at AT TIME ZONE '{settings.TIME_ZONE}' AS date)"
    else:
        # The zone has one offset all year (Asia/Shanghai).
        offset = int(timezone.localtime().utcoffset().total_seconds() // 60)  # type: ignore[union-attr]
        local_day = f"date(a.received_at, '{offset:+d} minutes')"
    valid = parts["counted"]
    seconds = parts["seconds"]
    dispatched = "a.dispatched_at IS NOT NULL"
    responded = f"{valid} AND a.first_response_at IS NOT NULL"
    resolved = f"{valid} AND a.resolved_at IS NOT NULL"
    rated = f"{valid} AND {parts['rating_id']} IS NOT NULL"
    level = parts["rating_level"]
    values = {
        "appeal_id": "a.id",
        "path": "a.region_path",
        "day": local_day,
        "category": "a.category",
        "submitter_id": "a.submitter_id",
        "submitter_path": f"COALESCE({parts['home_path']}, '')",
        "response_due_at": "a.response_due_at",
        "resolution_due_original_at": "a.resolution_due_original_at",
        "response_time": f"CASE WHEN {responded} THEN {seconds} END",
        "received": "1",
        "valid": flag(valid),
        "participates": flag(f"a.submitter_id IS NOT NULL AND a.status <> '{Status.REJECTED}'"),
        "red": flag(f"{valid} AND a.priority = '{Priority.RED}'"),
        "yellow": flag(f"{valid} AND a.priority = '{Priority.YELLOW}'"),
        "blue": flag(f"{valid} AND a.priority = '{Priority.BLUE}'"),
        "anonymous": flag(f"{valid} AND a.is_anonymous"),
        "dispatched": flag(f"{valid} AND {dispatched}"),
        "extended": flag(f"{valid} AND {dispatched} AND a.extension_count > 0"),
        "returned": flag(f"{valid} AND {dispatched} AND a.return_count > 0"),
        "escalated": flag(f"{valid} AND a.escalation_count > 0"),
        "repeat": flag(f"{valid} AND (a.is_repeat OR a.reopen_count > 0)"),
        "reopened": flag(f"{valid} AND a.reopen_count > 0"),
        "responded": flag(responded),
        "response_seconds": f"CASE WHEN {responded} THEN {seconds} ELSE 0 END",
        "response_on_time": flag(f"{responded} AND a.first_response_at <= a.response_due_at"),
        "response_late": flag(f"{responded} AND a.first_response_at > a.response_due_at"),
        "resolved": flag(resolved),
        "resolved_on_time": flag(f"{resolved} AND a.resolved_at <= a.resolution_due_original_at"),
        "resolved_late": flag(f"{resolved} AND a.resolved_at > a.resolution_due_original_at"),
        "rated": flag(rated),
        "rated_satisfied": flag(f"{rated} AND {level} = '{RatingLevel.SATISFIED}'"),
        "rated_basic": flag(f"{rated} AND {level} = '{RatingLevel.BASIC}'"),
        "rated_unsatisfied": flag(f"{rated} AND {level} = '{RatingLevel.UNSATISFIED}'"),
        "rated_solved": flag(f"{rated} AND {parts['rating_solved']}"),
    }
    missing = set(APPEAL_COUNTERS) - set(values)
    assert not missing, missing  # a new counter needs its rule here too
    return values


# The participation chain of a fact (see AppealFact): computed over all of a submitter's
# facts, not from the appeal alone.
CHAIN_COLUMNS = ("submitter_prev_day", *(f"first_in_{unit}" for unit in CALENDAR_UNITS))


def appeal_chain_inputs_sql() -> str:
    """(appeal id, submitter, day, participates) of every appeal with a submitter up to
    an appeal id (one parameter), by the same rules as the facts: what the rebuild's
    participation chains are computed from before the facts are written."""
    values = _appeal_fact_expressions()
    return (
        f"SELECT a.id AS appeal_id, a.submitter_id AS submitter_id, {values['day']} AS day,"  # noqa: S608
        f" {values['participates']} AS participates"
        f" FROM {connection.ops.quote_name(Appeal._meta.db_table)} a"
        " WHERE a.submitter_id IS NOT NULL AND a.id <= %s"
    )


def appeal_facts_insert_sql(table: str, chains: str = "") -> tuple[str, int]:
    """`appeal_fact_values` as one INSERT … SELECT for a range of appeal ids (parameters:
    low, high, twice, or three times with `chains`), for the rebuild: the same rules over a
    batch of appeals in the database instead of per appeal in Python. Tests hold the
    rebuild equal to the live facts, which go through `appeal_fact_values`. `chains` names
    a table of the participation chain columns by appeal id, filled beforehand
    (rebuild.py), so each fact is written once, whole. Returns the SQL and how many
    parameters it takes.

    Why a MATERIALIZED CTE: neither database shares a subexpression between columns, and
    "counts" (a NOT IN) sat in twenty-odd rules and the response seconds (two strftime
    and a substr on SQLite) in four; evaluating those per column was most of the
    statement's own time. The CTE computes them once per appeal, and the rules read them."""
    q = connection.ops.quote_name
    parts = _shared_parts()
    inner = [f"a.{q(column)}" for column in _APPEAL_COLUMNS]
    inner += [f"{expression} AS {name}" for name, expression in parts.items()]
    values = _appeal_fact_expressions(shared=True)
    joins = ""
    if chains:
        inner += [f"c.{column}" for column in CHAIN_COLUMNS]
        values.update({column: f"a.{column}" for column in CHAIN_COLUMNS})
        # The range again: PostgreSQL does not carry a.id's range over to c.appeal_id,
        # and without it reads the whole chain table for every batch.
        joins = (
            f" LEFT JOIN {q(chains)} c ON c.appeal_id = a.id"
            " AND c.appeal_id > %s AND c.appeal_id <= %s"
        )
    appeal_table = q(Appeal._meta.db_table)
    rating_table = q(Rating._meta.db_table)
    homes = q(ResidentProfile._meta.db_table)
    # INSERT first, the CTE inside its SELECT: Python's sqlite3 counts the rows written
    # only for a statement that starts with INSERT.
    sql = (
        f"INSERT INTO {q(table)} ({', '.join(q(c) for c in values)})"  # noqa: S608
        f" WITH a AS MATERIALIZED (SELECT {', '.join(inner)} FROM {appeal_table} a"
        f" LEFT JOIN {homes} h ON h.user_id = a.submitter_id"
        f" LEFT JOIN (SELECT appeal_id, level, solved, ROW_NUMBER() OVER ("
        f" PARTITION BY appeal_id ORDER BY created_at DESC, id DESC) AS n"
        f" FROM {rating_table} WHERE appeal_id > %s AND appeal_id <= %s) r"
        f" ON r.appeal_id = a.id AND r.n = 1"
        f"{joins} WHERE a.id > %s AND a.id <= %s)"
        f" SELECT {', '.join(values.values())} FROM a"
    )
    return sql, 6 if chains else 4
