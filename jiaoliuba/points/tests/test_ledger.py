"""The ledger's rules, each against the real database: an act pays once, caps cut awards,
confirmation is by staff and never by the author, adjustments need a reason and scope and
are audited, and points expire oldest-first on the indexed sweep."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.selectors import resident_home_path
from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiaoliuba.core.models import AuditLog
from jiaoliuba.points import selectors, services
from jiaoliuba.points.choices import Act, EntryKind
from jiaoliuba.points.models import PointsAccount, PointsEntry
from jiaoliuba.points.services.ledger import account_lock, points_spend
from jiaoliuba.points.tests.conftest import at
from jiaoliuba.testing.fixtures import JIANKANG, JIEFANG

pytestmark = pytest.mark.django_db


def balance(user) -> int:
    account = PointsAccount.objects.get(user=user)
    assert account.balance == sum(e.amount for e in account.entries.all())
    return account.balance


def test_an_act_pays_once_whoever_reports_it(make_resident):
    zhang, li = make_resident(name="张阿姨"), make_resident(name="李叔")
    first = services.points_award(user=zhang, act=Act.MEETING_ATTENDED, source="meeting:7")
    again = services.points_award(user=zhang, act=Act.MEETING_ATTENDED, source="meeting:7")
    other = services.points_award(user=li, act=Act.MEETING_ATTENDED, source="meeting:7")
    assert (first.points, again.points, again.repeated, other.points) == (10, 0, True, 10)
    assert balance(zhang) == 10 and balance(li) == 10
    assert PointsEntry.objects.filter(account__user=zhang).count() == 1


def test_an_account_is_made_once_and_then_locked_in_one_statement(make_resident):
    zhang = make_resident(name="张阿姨")
    with transaction.atomic():
        made = account_lock(zhang)
    assert made.region_path == resident_home_path(zhang) != ""
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        again = account_lock(zhang)
    assert again.pk == made.pk
    reads = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(reads) == 1
    if connection.vendor == "postgresql":  # SQLite's write lock is the transaction's own
        assert "FOR UPDATE" in reads[0]
    assert PointsAccount.objects.filter(user=zhang).count() == 1


def test_daily_and_monthly_caps_cut_the_award(make_resident):
    user = make_resident()
    with clock.pinned(at(2026, 3, 2, 9)):
        got = [
            services.points_award(user=user, act=Act.MEETING_ATTENDED, source=f"m:{n}").points
            for n in range(3)
        ]
    assert got == [10, 10, 0]  # 20 a day
    for day in range(3, 11):  # 20 a day for 8 more days, but 100 a month
        with clock.pinned(at(2026, 3, day, 9)):
            for n in range(2):
                services.points_award(user=user, act=Act.MEETING_ATTENDED, source=f"m:{day}:{n}")
    assert balance(user) == 100
    with clock.pinned(at(2026, 4, 1, 0, 5)):  # a new month, Shanghai time
        assert (
            services.points_award(user=user, act=Act.MEETING_ATTENDED, source="m:april").points
            == 10
        )


def test_a_cap_pays_what_is_left_of_it(make_resident, make_staff, regions):
    admin = make_staff(Role.CITY_ADMIN, "411700000000")
    services.points_rule_save(actor=admin, act=Act.MEETING_ATTENDED, points=15)
    user = make_resident()
    with clock.pinned(at(2026, 3, 2, 9)):
        services.points_award(user=user, act=Act.MEETING_ATTENDED, source="a")
        second = services.points_award(user=user, act=Act.MEETING_ATTENDED, source="b")
    assert (second.points, second.capped) == (5, True)


def test_confirmed_acts_need_staff_and_never_the_author(make_resident, make_staff):
    zhang = make_resident(name="张阿姨")
    with pytest.raises(PermissionDenied):
        services.points_award(user=zhang, act=Act.SUGGESTION_ADOPTED, source="s:1")
    with pytest.raises(PermissionDenied):
        services.points_award(
            user=zhang, act=Act.SUGGESTION_ADOPTED, source="s:1", confirmed_by=zhang
        )
    worker = make_staff(Role.GRID_WORKER, "411702001001001")
    with pytest.raises(PermissionDenied):  # a staff member who is the author cannot either
        services.points_award(
            user=worker, act=Act.SUGGESTION_ADOPTED, source="s:2", confirmed_by=worker
        )
    award = services.points_award(
        user=zhang, act=Act.SUGGESTION_ADOPTED, source="s:1", confirmed_by=worker
    )
    assert award.points == 50 and award.entry.actor == worker
    assert balance(zhang) == 50


def test_an_inactive_rule_pays_nothing(make_resident, make_staff):
    admin = make_staff(Role.CITY_ADMIN, "411700000000")
    services.points_rule_save(actor=admin, act=Act.VOTE_CAST, active=False)
    user = make_resident()
    assert services.points_award(user=user, act=Act.VOTE_CAST, source="v:1").points == 0
    assert not PointsEntry.objects.exists()


def test_rules_are_changed_by_city_administrators_only_and_audited(make_staff):
    community = make_staff(Role.COMMUNITY_STAFF, JIEFANG)
    with pytest.raises(PermissionDenied):
        services.points_rule_save(actor=community, act=Act.VOTE_CAST, points=99)
    admin = make_staff(Role.CITY_ADMIN, "411700000000")
    with pytest.raises(ValidationFailed):
        services.points_rule_save(actor=admin, act=Act.VOTE_CAST, points=0)
    rule = services.points_rule_save(actor=admin, act=Act.VOTE_CAST, points=3, daily_cap=6)
    assert (rule.points, rule.daily_cap) == (3, 6)
    log = AuditLog.objects.get(action="points.rule_save")
    assert log.actor == admin and log.changes["points"] == [2, 3]


def test_adjustments_need_a_reason_and_scope_and_never_go_below_zero(
    make_resident, make_staff, staff
):
    user = make_resident()
    with pytest.raises(ValidationFailed):
        services.points_adjust(actor=staff, user=user, amount=5, reason=" ")
    elsewhere = make_staff(Role.COMMUNITY_STAFF, JIANKANG)
    with pytest.raises(PermissionDenied):
        services.points_adjust(actor=elsewhere, user=user, amount=5, reason="gift")
    services.points_adjust(actor=staff, user=user, amount=5, reason="活动补记")
    with pytest.raises(Conflict):
        services.points_adjust(actor=staff, user=user, amount=-6, reason="纠错")
    assert balance(user) == 5
    assert PointsEntry.objects.filter(kind=EntryKind.ADJUST).count() == 1
    assert AuditLog.objects.filter(action="points.adjust").count() == 1


def test_points_expire_oldest_first_on_the_indexed_sweep(make_resident, make_staff):
    admin = make_staff(Role.CITY_ADMIN, "411700000000")
    services.points_rule_save(actor=admin, act=Act.MEETING_ATTENDED, expiry_days=30)
    user = make_resident()
    with clock.pinned(at(2026, 1, 1, 9)):
        services.points_award(user=user, act=Act.MEETING_ATTENDED, source="jan1")  # until 1-31
    with clock.pinned(at(2026, 1, 20, 9)):
        services.points_award(user=user, act=Act.MEETING_ATTENDED, source="jan20")  # until 2-19
    with clock.pinned(at(2026, 1, 25, 9)), transaction.atomic():
        points_spend(account_lock(user), amount=5, key="spend:test", reason="油")  # from jan1's
    assert PointsAccount.objects.get(user=user).next_expiry_at == at(2026, 1, 31, 9)
    assert services.points_expire_sweep(now=at(2026, 1, 30)) == 0
    with clock.pinned(at(2026, 1, 30)):
        soon = selectors.expiring_of(user)
    assert [(x.remaining, x.expires_at) for x in soon] == [
        (5, at(2026, 1, 31, 9)),
        (10, at(2026, 2, 19, 9)),
    ]
    assert services.points_expire_sweep(now=at(2026, 2, 1)) == 5
    assert balance(user) == 10
    assert PointsAccount.objects.get(user=user).next_expiry_at == at(2026, 2, 19, 9)
    assert services.points_expire_sweep(now=at(2026, 2, 1)) == 0  # nothing twice
    assert services.points_expire_sweep(now=at(2026, 3, 1)) == 10
    account = PointsAccount.objects.get(user=user)
    assert account.balance == 0 and account.next_expiry_at is None
    assert list(
        PointsEntry.objects.filter(kind=EntryKind.EXPIRE)
        .values_list("amount", flat=True)
        .order_by("id")
    ) == [-5, -10]


def test_a_spend_first_expires_what_is_due(make_resident, make_staff):
    admin = make_staff(Role.CITY_ADMIN, "411700000000")
    services.points_rule_save(actor=admin, act=Act.MEETING_ATTENDED, expiry_days=1)
    user = make_resident()
    with clock.pinned(at(2026, 1, 1, 9)):
        services.points_award(user=user, act=Act.MEETING_ATTENDED, source="a")
    # The 10 points expired before the spend looked at the balance: nothing left to spend.
    with clock.pinned(at(2026, 1, 5, 9)), pytest.raises(Conflict), transaction.atomic():
        points_spend(account_lock(user), amount=5, key="late", reason="x")
    # The refused spend rolled back with its transaction; the sweep still finds 10 due.
    assert services.points_expire_sweep(now=at(2026, 1, 5, 10)) == 10
