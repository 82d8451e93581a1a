"""The oracle of the appeal state machine (test_state_machine.py): its people, texts
and seed states, the snapshot an illegal move must leave untouched, the helpers that pick
the right or a wrong actor, and the invariants that hold after every step. The rules live
in the test module; this module is not a test module, so pytest collects nothing here."""

from __future__ import annotations

import copy
import datetime as dt
from collections import Counter
from typing import Any, ClassVar

from django.db import connection, transaction
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
)

from jiaoliuba.appeals import clocks, routing
from jiaoliuba.appeals.choices import (
    OPEN_STATUSES,
    ClosureReason,
    ExtensionStatus,
    RatingLevel,
    Status,
)
from jiaoliuba.appeals.models import Appeal, AppealEvent, Extension, Rating
from jiaoliuba.core import clock
from jiaoliuba.core.errors import ApplicationError
from jiaoliuba.notifications.models import Notification
from jiaoliuba.testing.fixtures import (
    JIEFANG_G1,
    JIEFANG_G2,
)
from jiaoliuba.triage.models import TriageFeedback

SHANGHAI = clock.SHANGHAI

# Start times: before the 2025 National Day holiday (with its 调休 Sunday), an ordinary
# Monday, and the last days of 2026 so that deadlines run into 2027 (the fallback year).
STARTS = [
    dt.datetime(2025, 9, 26, 10, 0, tzinfo=SHANGHAI),
    dt.datetime(2025, 3, 3, 9, 30, tzinfo=SHANGHAI),
    dt.datetime(2026, 12, 30, 16, 0, tzinfo=SHANGHAI),
]


# text → whether it must come out red (red words: a gas smell, a gathering). The others
# (neighbour noise, a consultation, vague ones the classifier may flag for manual triage)
# are whatever the classifier says; only missing a red one is an error.
TEXTS = {
    "楼道里一股燃气味，已经好几个小时了": True,
    "小区门口几十个人聚集，说要拉横幅讨薪": True,
    "楼上邻居每晚11点还在跳绳，噪音很大，多次沟通无效": False,
    "隔壁装修天天电钻声，周末一早就开始吵": False,
    "想咨询一下社区老年食堂什么时候开": False,
    "你好": False,
    "那个东西又坏了": False,
}
REASONS = ["已上门核实并协调处理", "需要物业配合", "  ", ""]
STAFF = ("grid1", "grid2", "cstaff", "secretary", "street", "district", "city", "outsider")
RESIDENTS = ("resident_a", "resident_b")
ACTORS = STAFF + RESIDENTS
DISPATCHERS = ("cstaff", "secretary", "street", "district", "city")

# Who supervises an appeal of 解放路社区, by the level of the unit handling it: the first
# post strictly above it (one level up; the city supervises itself). Without a handling
# unit, the community's dispatcher. Written out here, independent of `policies`.
SUPERVISOR_BY_LEVEL: dict[str | None, str] = {
    None: "cstaff",
    "grid": "cstaff",
    "community": "street",
    "street": "district",
    "district": "city",
    "city": "city",
}

# "right" is resolved from the appeal's state to the person who should act; otherwise a
# named person, who may or may not be allowed.
who_st = st.one_of(st.just("right"), st.sampled_from(ACTORS))
idx_st = st.integers(min_value=0, max_value=7)
reason_st = st.sampled_from(REASONS)


# How often each move was made and refused over a run (printed with -s, and asserted
# against COVERAGE_FLOORS so the machine keeps reaching the deep states).
OUTCOMES: Counter[str] = Counter()


# How to drive a fresh appeal into a state: the machine's own rules, by the right person.
SEED_STATES: dict[str, tuple] = {
    "dispatched": (),
    "accepted": (lambda m, i: m.accept(i, "right"),),
    "in_progress": (
        lambda m, i: m.accept(i, "right"),
        lambda m, i: m.reply(i, "right", REASONS[0]),
    ),
    "extension_pending": (
        lambda m, i: m.accept(i, "right"),
        lambda m, i: m.request_extension(i, "right", REASONS[1], 3),
    ),
    "returned": (lambda m, i: m.return_to_dispatcher(i, "right", REASONS[0]),),
    "escalated": (lambda m, i: m.escalate(i, "right", REASONS[1]),),
    "resolved": (lambda m, i: m.accept(i, "right"), lambda m, i: m.resolve(i, "right", REASONS[0])),
    "rated": (
        lambda m, i: m.accept(i, "right"),
        lambda m, i: m.resolve(i, "right", REASONS[0]),
        lambda m, i: m.rate(i, "right", RatingLevel.UNSATISFIED, False),
    ),
    "closed": (
        lambda m, i: m.accept(i, "right"),
        lambda m, i: m.resolve(i, "right", REASONS[0]),
        lambda m, i: m.rate(i, "right", RatingLevel.SATISFIED, True),
    ),
}


def _rows(model) -> list[dict[str, Any]]:
    """Every row of a table, as plain values (raw SQL: this runs twice per move)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)} ORDER BY id"
        )
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _count(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(model._meta.db_table)}")
        return cursor.fetchone()[0]


def _snapshot() -> dict[str, Any]:
    """Everything an illegal move must leave untouched."""
    return {
        "appeals": _rows(Appeal),
        "events": _count(AppealEvent),
        "ratings": _count(Rating),
        "extensions": _rows(Extension),
        "notifications": _count(Notification),
        "feedback": _count(TriageFeedback),
    }


def _diff(before: dict, after: dict) -> str:
    lines = []
    for key in before:
        if before[key] != after[key]:
            if key in ("appeals", "extensions"):
                for b, a in zip(before[key], after[key], strict=False):
                    changed = {k: (b[k], a.get(k)) for k in b if b[k] != a.get(k)}
                    if changed:
                        lines.append(f"{key} #{b['id']}: {changed}")
                if len(before[key]) != len(after[key]):
                    lines.append(f"{key}: {len(before[key])} rows → {len(after[key])}")
            else:
                lines.append(f"{key}: {before[key]!r} → {after[key]!r}")
    return "; ".join(lines)


class MachineBase(RuleBasedStateMachine):
    """The state, helpers and invariants of AppealMachine; its rules are in
    test_state_machine.py."""

    # Set by the test function before the machine runs.
    people: ClassVar[dict[str, Any]] = {}
    regions: ClassVar[dict[str, Any]] = {}
    now_box: ClassVar[list[dt.datetime]] = []

    def __init__(self) -> None:
        super().__init__()
        self.sid = transaction.savepoint()
        # The previous example rolled back to its savepoint: nothing of it is left.
        assert not Appeal.objects.exists() and not Notification.objects.exists()
        self.ids: list[int] = []
        self.events: dict[int, tuple] = {}
        self.original_due: dict[int, dt.datetime] = {}
        self.triage_corrected: set[int] = set()
        self.responded: set[int] = set()
        self.first_response: dict[int, dt.datetime] = {}
        self.log: list[str] = []

    def teardown(self) -> None:
        transaction.savepoint_rollback(self.sid)

    # --- helpers -------------------------------------------------------------------------

    @property
    def now(self) -> dt.datetime:
        return self.now_box[0]

    def person(self, name: str) -> Any:
        return self.people[name]

    def name_of(self, user: Any) -> str:
        return next((n for n, u in self.people.items() if u.pk == user.pk), f"user{user.pk}")

    def appeal(self, i: int) -> Appeal:
        pk = self.ids[i % len(self.ids)]
        return Appeal.objects.select_related(
            "community", "grid", "handling_region", "assignee", "submitter", "merged_into"
        ).get(pk=pk)

    def handler_of(self, appeal: Appeal) -> Any | None:
        if appeal.assignee_id is not None:
            return appeal.assignee
        if appeal.handling_region is None or not appeal.handling_role:
            return None
        holders = routing.holders(appeal.handling_role, appeal.handling_region)
        return holders[0] if holders else None

    def supervisor_of(self, appeal: Appeal) -> Any | None:
        """The machine's own answer, not the policy's (a policy that refused everyone
        must fail this test, not make it skip): every appeal here is in 解放路社区, so the
        supervisor is the first post strictly above the unit that handles it."""
        region = appeal.handling_region
        assert (
            region is None
            or self.regions[JIEFANG_G1].path.startswith(region.path)
            or (self.regions[JIEFANG_G2].path.startswith(region.path))
        ), f"{appeal.pk} is handled outside the machine's tree: {region}"
        return self.person(SUPERVISOR_BY_LEVEL[region.level if region else None])

    def actor(self, who: str, appeal: Appeal, duty: str) -> tuple[Any | None, bool]:
        """(user, is_the_right_person)."""
        if who != "right":
            user = self.person(who)
            return user, False
        if duty == "handle":
            user = self.handler_of(appeal)
        elif duty == "dispatch":
            user = self.person("cstaff")
        elif duty == "supervise":
            user = self.supervisor_of(appeal)
        elif duty == "rate":
            user = appeal.submitter
        else:  # pragma: no cover
            raise AssertionError(duty)
        return user, user is not None

    def outsider(self, user: Any, appeal: Appeal) -> bool:
        """Someone who may never act on this appeal as staff: a resident, a worker of
        another community, a grid worker of another grid."""
        name = self.name_of(user)
        if name in RESIDENTS or name == "outsider":
            return True
        if name == "grid1":
            return appeal.grid_id != self.regions[JIEFANG_G1].pk
        if name == "grid2":
            return appeal.grid_id != self.regions[JIEFANG_G2].pk
        return False

    def is_grid_worker(self, user: Any) -> bool:
        return self.name_of(user) in ("grid1", "grid2")

    def attempt(
        self, label: str, call, *, must_fail: bool = False, must_succeed: bool = False
    ) -> Any:
        """Run a service call. Returns its result, or None when it was refused (after
        checking that nothing changed)."""
        assert not (must_fail and must_succeed), label
        before = _snapshot()
        try:
            result = call()
        except ApplicationError as exc:
            after = _snapshot()
            assert before == after, (
                f"{label} was refused ({exc.code}: {exc}) but changed: {_diff(before, after)}"
            )
            assert not must_succeed, (
                f"{label} should have succeeded but was refused: {exc.code}: {exc}"
            )
            self.log.append(f"{label} → refused {exc.code}")
            OUTCOMES[f"{label.split('(')[0]}: refused"] += 1
            return None
        assert not must_fail, f"{label} should have been refused but succeeded"
        self.log.append(f"{label} → ok")
        OUTCOMES[f"{label.split('(')[0]}: ok"] += 1
        return result

    # --- invariants ---------------------------------------------------------------------------

    @invariant()
    def appeals_are_consistent(self):
        appeals = {
            a.pk: a for a in Appeal.objects.filter(pk__in=self.ids).select_related("merged_into")
        }
        assert set(appeals) == set(self.ids)
        events = list(
            AppealEvent.objects.filter(appeal_id__in=self.ids).order_by("created_at", "pk")
        )

        # Append-only: every event seen before is still there, unchanged.
        now_events = {
            e.pk: (
                e.appeal_id,
                e.kind,
                e.actor_id,
                e.from_status,
                e.to_status,
                e.message,
                e.visible_to_resident,
                copy.deepcopy(e.data),
                e.created_at,
            )
            for e in events
        }
        for pk, row in self.events.items():
            assert now_events.get(pk) == row, (
                f"event {pk} changed or vanished: {row} → {now_events.get(pk)}"
            )
        assert len(now_events) >= len(self.events)
        if self.events:
            assert min(set(now_events) - set(self.events), default=max(self.events) + 1) > max(
                self.events
            )
        self.events = now_events

        latest_rating: dict[int, Rating] = {}
        for r in Rating.objects.filter(appeal_id__in=self.ids).order_by("created_at", "pk"):
            latest_rating[r.appeal_id] = r
        pending = Counter(
            Extension.objects.filter(
                appeal_id__in=self.ids, status=ExtensionStatus.PENDING
            ).values_list("appeal_id", flat=True)
        )

        last_to: dict[int, str] = {}
        for e in events:
            if e.to_status:
                last_to[e.appeal_id] = e.to_status

        for pk, a in appeals.items():
            where = f"appeal {pk} ({a.status})"
            assert a.status in Status.values, where
            assert last_to.get(pk) == a.status, f"{where}: last event moved it to {last_to.get(pk)}"

            # Deadlines.
            if pk not in self.triage_corrected:
                assert a.resolution_due_original_at == self.original_due[pk], (
                    f"{where}: original deadline moved"
                )
                assert a.resolution_due_at >= a.resolution_due_original_at, (
                    f"{where}: deadline before the original"
                )
            else:
                assert a.resolution_due_original_at == self.original_due[pk], (
                    f"{where}: original deadline moved"
                )
            assert a.response_due_at <= a.resolution_due_at, (
                f"{where}: response due after resolution"
            )

            # The queue's and the sweep's columns follow from the others.
            copy_ = copy.copy(a)
            clocks.refresh(copy_)
            assert (a.current_due_at, a.next_check_at) == (
                copy_.current_due_at,
                copy_.next_check_at,
            ), (
                f"{where}: stored current_due/next_check {a.current_due_at}/{a.next_check_at}, "
                f"computed {copy_.current_due_at}/{copy_.next_check_at}"
            )

            # Status-specific columns.
            if a.status in OPEN_STATUSES:
                assert a.resolved_at is None and a.closed_at is None and a.closure_reason == "", (
                    where
                )
                assert a.merged_into_id is None, where
            if a.status == Status.CLOSED:
                assert a.closed_at is not None and a.closure_reason in ClosureReason.values, where
            if a.status in (Status.RESOLVED, Status.RATED, Status.CLOSED):
                assert a.reply.strip() and a.resolved_at is not None, (
                    f"{where}: no reply or resolved_at"
                )
            if a.status == Status.REJECTED:
                assert a.rejection_reason and a.closed_at is not None, where
            if a.status == Status.MERGED:
                assert a.merged_into is not None, where
                assert a.merged_into.status != Status.MERGED, (
                    f"{where}: merged into a merged appeal"
                )
            else:
                assert a.merged_into_id is None, f"{where}: has merged_into but is not merged"

            # Ratings.
            latest = latest_rating.get(pk)
            if a.status == Status.RATED:
                assert latest is not None and latest.level == RatingLevel.UNSATISFIED, where
            if a.status == Status.CLOSED and a.closure_reason == ClosureReason.RATED:
                assert latest is not None and latest.level != RatingLevel.UNSATISFIED, where

            # First response: set by the first accept/reply/resolve, then never moves.
            if pk in self.responded:
                assert a.first_response_at is not None, (
                    f"{where}: responded but no first_response_at"
                )
            if pk in self.first_response:
                assert a.first_response_at == self.first_response[pk], (
                    f"{where}: first_response_at moved"
                )
            elif a.first_response_at is not None:
                assert pk in self.responded, f"{where}: first_response_at without a response"
                self.first_response[pk] = a.first_response_at

            # At most one extension waits for a decision.
            assert pending[pk] <= 1, where

            # Reminder and breach stamps belong to the deadline in force: a deadline that
            # moved later (extension, reopening) must be watched again, or its breach is
            # never supervised (see test_state_machine_regressions.py).
            lead = clocks.urge_lead()
            for name in ("response", "resolution"):
                due = getattr(a, f"{name}_due_at")
                urged, supervised = (
                    getattr(a, f"{name}_urged_at"),
                    getattr(a, f"{name}_supervised_at"),
                )
                assert supervised is None or supervised >= due, (
                    f"{where}: {name} marked overdue at {supervised} but is due {due}"
                )
                assert urged is None or urged >= due - lead, (
                    f"{where}: {name} reminder at {urged} is stale for the deadline {due}"
                )
