"""Posting to the ledger. Every posting happens with the account row locked (PostgreSQL:
SELECT … FOR UPDATE; SQLite: the IMMEDIATE transaction's write lock), appends one entry
whose unique key names its source, and moves the cached balance by a conditional update
that refuses to go below zero. So an act can never pay twice, and no interleaving of
earns, spends, refunds and expiries can make a balance negative or differ from the sum
of its entries."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiaoliuba.accounts.models import User
from jiaoliuba.accounts.selectors import (
    resident_home_path,
    resident_of,
    user_is_staff_member,
)
from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, PermissionDenied, ValidationFailed, lazy_format
from jiaoliuba.core.services import audit_record, model_snapshot
from jiaoliuba.points import lots, policies
from jiaoliuba.points.choices import CONFIRMABLE_ACTS, DEFAULT_RULES, Act, EntryKind
from jiaoliuba.points.models import PointsAccount, PointsEntry, PointsRule

KEY_MAX = 160


@dataclass(frozen=True)
class Award:
    entry: PointsEntry | None
    points: int  # credited now: 0 for a repeat, a cap reached, or an inactive rule
    repeated: bool = False
    capped: bool = False


def account_lock(user: User) -> PointsAccount:
    """The user's account, created on first use, locked until the transaction ends. One
    statement for an account that exists (every award but a person's first): the home
    region is read only to create one."""
    account = PointsAccount.objects.select_for_update().filter(user=user).first()
    if account is None:
        PointsAccount.objects.get_or_create(
            user=user, defaults={"region_path": resident_home_path(user)}
        )
        account = PointsAccount.objects.select_for_update().get(user=user)
    return account


def _post(
    account: PointsAccount,
    *,
    kind: str,
    amount: int,
    key: str,
    act: str = "",
    reason: str = "",
    actor: Any = None,
    at: dt.datetime | None = None,
    expires_at: dt.datetime | None = None,
) -> PointsEntry:
    if len(key) > KEY_MAX:
        raise ValidationFailed(
            gettext_lazy("The source of these points is too long."), code="points_key"
        )
    # One savepoint: a refused debit takes its entry back with it, even if a caller catches.
    with transaction.atomic():
        try:
            with transaction.atomic():
                entry = PointsEntry.objects.create(
                    account=account,
                    kind=kind,
                    amount=amount,
                    act=act,
                    key=key,
                    reason=reason[:200],
                    actor=actor if getattr(actor, "pk", None) else None,
                    created_at=at or clock.now(),
                    expires_at=expires_at,
                    region_path=account.region_path,
                )
        except IntegrityError:
            raise Conflict(
                gettext_lazy("These points have already been posted."), code="points_repeat"
            ) from None
        changes: dict[str, Any] = {"balance": F("balance") + amount}
        if expires_at and (account.next_expiry_at is None or expires_at < account.next_expiry_at):
            changes["next_expiry_at"] = account.next_expiry_at = expires_at
        if not PointsAccount.objects.filter(pk=account.pk, balance__gte=-amount).update(**changes):
            raise Conflict(
                lazy_format(
                    gettext_lazy("Not enough points: %(balance)s available, %(needed)s needed."),
                    {"balance": account.balance, "needed": -amount},
                ),
                code="points_insufficient",
            )
    account.balance += amount
    return entry


def rule_for(act: str) -> PointsRule:
    """The act's rule; the seed's defaults are written on first use."""
    points, daily, monthly, confirm = DEFAULT_RULES[Act(act)]
    rule, _created = PointsRule.objects.get_or_create(
        act=act,
        defaults={
            "points": points,
            "daily_cap": daily,
            "monthly_cap": monthly,
            "needs_confirmation": confirm,
        },
    )
    return rule


def _earned_since(account: PointsAccount, act: str, since: dt.datetime) -> int:
    total = PointsEntry.objects.filter(
        account=account, act=act, kind=EntryKind.EARN, created_at__gte=since
    ).aggregate(n=Sum("amount"))["n"]
    return int(total or 0)


def points_award(*, user: User, act: str, source: str, confirmed_by: User | None = None) -> Award:
    """Credit `user` for one `act`, identified by `source` (e.g. "deliberation.vote:12"):
    the same user, act and source pay once, whoever calls. Caps cut the award to what is
    left of the day's and month's allowance. An act that needs confirmation is credited
    only with a staff member other than the user as `confirmed_by`. Only residents earn."""
    if act not in Act.values:
        raise ValidationFailed(gettext_lazy("Unknown act."), code="points_act")
    rule = rule_for(act)
    if rule.needs_confirmation:
        if confirmed_by is None or not user_is_staff_member(confirmed_by):
            raise PermissionDenied(
                gettext_lazy("Staff must confirm this before points are given."),
                code="points_unconfirmed",
            )
        if confirmed_by.pk == user.pk:
            raise PermissionDenied(
                gettext_lazy("Nobody confirms points for their own act."),
                code="points_self_confirmed",
            )
    if resident_of(user) is None:
        # Points reward residents taking part; staff doing their work earn none.
        return Award(entry=None, points=0)
    key = f"earn:{act}:{source}:{user.pk}"
    now = clock.now()
    with transaction.atomic():
        account = account_lock(user)
        if PointsEntry.objects.filter(key=key).exists():
            return Award(entry=None, points=0, repeated=True)
        if not rule.active:
            return Award(entry=None, points=0)
        _expire_due(account, now)
        allowed = rule.points
        local = clock.local_now()
        day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        if rule.daily_cap is not None:
            allowed = min(allowed, rule.daily_cap - _earned_since(account, act, day_start))
        if rule.monthly_cap is not None:
            allowed = min(
                allowed, rule.monthly_cap - _earned_since(account, act, day_start.replace(day=1))
            )
        if allowed <= 0:
            return Award(entry=None, points=0, capped=True)
        expires = now + dt.timedelta(days=rule.expiry_days) if rule.expiry_days else None
        entry = _post(
            account,
            kind=EntryKind.EARN,
            amount=allowed,
            key=key,
            act=act,
            actor=confirmed_by,
            at=now,
            expires_at=expires,
        )
        return Award(entry=entry, points=allowed, capped=allowed < rule.points)


def points_spend(
    account: PointsAccount, *, amount: int, key: str, reason: str, actor: Any = None
) -> PointsEntry:
    """Take `amount` from a locked account (the store's redemptions); expired points go first."""
    now = clock.now()
    _expire_due(account, now)
    return _post(
        account, kind=EntryKind.SPEND, amount=-amount, key=key, reason=reason, actor=actor, at=now
    )


def points_refund(
    account: PointsAccount, *, amount: int, key: str, reason: str, actor: Any = None
) -> PointsEntry:
    return _post(account, kind=EntryKind.REFUND, amount=amount, key=key, reason=reason, actor=actor)


def points_charge(*, user: User, amount: int, source: str, reason: str) -> PointsEntry:
    """Take `amount` from `user` for something another module sells (a booked service),
    inside the caller's transaction: `source` names it ("bookings.booking:12"), so it is
    charged once. Not enough points is a Conflict that says how many there are, and the
    caller's transaction rolls back with it: nothing is kept."""
    if amount <= 0:
        raise ValidationFailed(gettext_lazy("A price is at least 1 point."), code="points_price")
    with transaction.atomic():
        account = account_lock(user)
        return points_spend(
            account, amount=amount, key=f"spend:{source}", reason=reason, actor=user
        )


def points_charge_refund(
    *, user: User, source: str, reason: str, actor: Any = None
) -> PointsEntry | None:
    """Give back what `source` was charged (points_charge), once; None when it was charged
    nothing or has been refunded already."""
    with transaction.atomic():
        account = account_lock(user)
        charged = (
            PointsEntry.objects.filter(account=account, key=f"spend:{source}")
            .values_list("amount", flat=True)
            .first()
        )
        if charged is None or PointsEntry.objects.filter(key=f"refund:{source}").exists():
            return None
        return points_refund(
            account, amount=-charged, key=f"refund:{source}", reason=reason, actor=actor
        )


RULE_FIELDS = ["points", "daily_cap", "monthly_cap", "needs_confirmation", "expiry_days", "active"]


def _rule_check(rule: PointsRule) -> None:
    """What a rule must be, in words a person can act on."""
    field_errors: dict[str, Any] = {}
    if rule.points is None or rule.points < 1:
        field_errors["points"] = _("An act earns at least 1 point.")
    for name, label in (
        ("daily_cap", _("The daily cap")),
        ("monthly_cap", _("The monthly cap")),
        ("expiry_days", _("The expiry")),
    ):
        value = getattr(rule, name)
        if value is not None and value < 1:
            field_errors[name] = _("%(what)s is at least 1, or empty for none.") % {"what": label}
    if (
        rule.daily_cap is not None
        and rule.monthly_cap is not None
        and rule.daily_cap > rule.monthly_cap
    ):
        field_errors["daily_cap"] = _("The daily cap cannot be above the monthly cap.")
    if rule.needs_confirmation and rule.act not in CONFIRMABLE_ACTS:
        field_errors["needs_confirmation"] = _(
            "This act is credited as it happens, with nobody to confirm it."
        )
    if field_errors:
        first = next(iter(field_errors.values()))
        raise ValidationFailed(first, code="points_rule_invalid", extra=field_errors)


def points_rule_save(*, actor: User, act: str, **fields: Any) -> PointsRule:
    """Change how an act is credited (city administrators only: rules hold for the whole
    city); audited. A bad value is refused with the field it concerns and changes nothing."""
    if not policies.may_edit_rules(actor):
        raise PermissionDenied(
            gettext_lazy("Only city administrators change points rules."), code="points_rule_denied"
        )
    if act not in Act.values:
        raise ValidationFailed(gettext_lazy("Unknown act."), code="points_act")
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise ValidationFailed(gettext_lazy("Unknown field."), code="points_rule_field")
    with transaction.atomic():
        rule = PointsRule.objects.select_for_update().get(pk=rule_for(act).pk)
        before = model_snapshot(rule, RULE_FIELDS)
        for field, value in fields.items():
            setattr(rule, field, value)
        _rule_check(rule)
        try:
            rule.full_clean()
        except DjangoValidationError as exc:
            raise ValidationFailed(
                gettext_lazy("Check the rule's numbers."),
                code="points_rule_invalid",
                extra=exc.message_dict,
            ) from None
        rule.save()
        audit_record(
            actor=actor,
            action="points.rule_save",
            target=rule,
            before=before,
            after=model_snapshot(rule, RULE_FIELDS),
        )
    return rule


def points_adjust(*, actor: User, user: User, amount: int, reason: str) -> PointsEntry:
    """A manual correction by staff who cover the resident, with a reason; audited."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            gettext_lazy("Give a reason for the adjustment."), code="points_reason"
        )
    if amount == 0:
        raise ValidationFailed(
            gettext_lazy("An adjustment must change the balance."), code="points_zero"
        )
    with transaction.atomic():
        account = account_lock(user)
        if not policies.covers(actor, account.region_path):
            raise PermissionDenied(
                gettext_lazy("This resident is outside your area."), code="points_out_of_scope"
            )
        before = account.balance
        entry = _post(
            account,
            kind=EntryKind.ADJUST,
            amount=amount,
            key=f"adjust:{uuid.uuid4().hex}",
            reason=reason,
            actor=actor,
        )
        audit_record(
            actor=actor,
            action="points.adjust",
            target=account,
            before={"balance": before},
            after={"balance": account.balance, "reason": reason},
        )
        return entry


def _expire_due(account: PointsAccount, now: dt.datetime) -> int:
    """Expire what has expired on a locked account; the number of points taken. The
    account's next_expiry_at (the soonest expiry of an unspent lot, or earlier) makes the
    common case free: nothing is read unless that moment has come."""
    if account.next_expiry_at is None or account.next_expiry_at > now:
        return 0
    rows = lots.rows_of(account)
    open_lots = lots.open_lots(rows)
    amount = min(lots.due(open_lots, now), account.balance)
    if amount > 0:
        _post(
            account,
            kind=EntryKind.EXPIRE,
            amount=-amount,
            key=f"expire:{account.pk}:{uuid.uuid4().hex}",
            reason=_("Points past their expiry date"),
            at=now,
        )
    later = [x.expires_at for x in open_lots if x.expires_at and x.expires_at > now]
    account.next_expiry_at = min(later) if later else None
    PointsAccount.objects.filter(pk=account.pk).update(next_expiry_at=account.next_expiry_at)
    return max(amount, 0)


def points_expire_sweep(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """The worker's sweep: expire due points on the accounts whose next expiry has come
    (an index range on next_expiry_at, like the appeals' next_check_at)."""
    now = now or clock.now()
    account_ids = list(
        PointsAccount.objects.filter(next_expiry_at__lte=now)
        .order_by("next_expiry_at")
        .values_list("pk", flat=True)[:batch]
    )
    expired = 0
    for account_id in account_ids:
        with transaction.atomic():
            account = PointsAccount.objects.select_for_update().get(pk=account_id)
            expired += _expire_due(account, now)
    return expired
