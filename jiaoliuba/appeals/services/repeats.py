"""Merging duplicates and marking repeat appeals (重复件)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts import selectors as account_selectors
from jiaoliuba.accounts.models import User
from jiaoliuba.appeals import policies, selectors, transitions
from jiaoliuba.appeals.choices import (
    FINAL_STATUSES,
    EventKind,
    Status,
)
from jiaoliuba.appeals.models import (
    Appeal,
)
from jiaoliuba.appeals.services._common import (
    _event,
    _locked,
    _move,
    _notify,
    _reporters,
    _require_text,
    _settle_pending_extension,
)
from jiaoliuba.core import clock
from jiaoliuba.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    lazy_format,
)


def appeal_merge(*, appeal: Appeal, master: Appeal, actor: User) -> Appeal:
    """A duplicate joins its master: it follows the master's status and its reporter
    gets the master's feedback."""
    if appeal.pk == master.pk:
        raise ValidationFailed(_("An appeal cannot be merged into itself."), code="invalid_merge")
    if not (
        transitions.permits("merge", actor, appeal) and transitions.permits("merge", actor, master)
    ):
        raise PermissionDenied(_("You may not merge these appeals."))
    with transaction.atomic():
        fresh = _locked(appeal)
        transitions.require(fresh, "merge")
        target = _locked(master)
        if target.status in FINAL_STATUSES or target.merged_into_id:
            raise Conflict(
                _("Merge into an appeal that is still being handled."), code="invalid_merge"
            )
        old, now = fresh.status, clock.now()
        fresh.status, fresh.merged_into, fresh.closed_at = Status.MERGED, target, now
        _move(fresh, old, ("merged_into", "closed_at"))
        _settle_pending_extension(fresh, actor, "merged into another appeal")
        Appeal.objects.filter(merged_into=fresh).update(merged_into=target)
        _event(
            fresh,
            EventKind.MERGED,
            actor=actor,
            from_status=old,
            to_status=Status.MERGED,
            visible=True,
            message=target.number or "",
            data={"master": target.number},
        )
        _event(target, EventKind.MERGED, actor=actor, data={"merged": fresh.number})
        _notify(
            _reporters(fresh),
            "merged",
            _("Appeal %(number)s joined a matter already being handled"),
            _("Other residents reported the same matter; you will hear about its progress."),
            fresh,
        )
    return fresh


def _require_scope(actor: User, appeal: Appeal) -> None:
    if not selectors.appeals_in_scope(actor).filter(pk=appeal.pk).exists():
        raise NotFound(_("No such appeal."), code="appeal_not_found")


def _check_repeat_pair(appeal: Appeal, earlier: Appeal) -> None:
    if appeal.pk == earlier.pk:
        raise ValidationFailed(_("An appeal cannot be a repeat of itself."), code="invalid_repeat")
    # Checked before "same person", and whatever the filers are: an answer that depends
    # on who filed an anonymous appeal would tell staff who did (rule 1).
    if appeal.is_anonymous or earlier.is_anonymous:
        raise ValidationFailed(
            _("Anonymous appeals are not marked as repeats: the link would show who filed them."),
            code="anonymous_repeat",
        )
    if not policies.person_linkable(appeal) or appeal.submitter_id != earlier.submitter_id:
        raise ValidationFailed(
            _("A repeat is the same person's matter; these appeals come from different people."),
            code="not_same_person",
        )
    if earlier.status in (Status.REJECTED, Status.MERGED) or appeal.status in (
        Status.REJECTED,
        Status.MERGED,
    ):
        raise ValidationFailed(
            _("Appeals rejected as invalid or merged into another are not repeats."),
            code="invalid_repeat",
        )
    if (earlier.received_at, earlier.pk) >= (appeal.received_at, appeal.pk):
        raise ValidationFailed(
            _("Choose an appeal received before this one."), code="invalid_repeat"
        )
    if appeal.received_at - earlier.received_at > dt.timedelta(days=settings.APPEAL_REPEAT_DAYS):
        raise ValidationFailed(
            lazy_format(
                _("A repeat is raised within %(days)d days of the earlier appeal."),
                {"days": settings.APPEAL_REPEAT_DAYS},
            ),
            code="repeat_too_late",
        )


def appeal_mark_repeat(*, appeal: Appeal, earlier: Appeal, actor: User, note: str = "") -> Appeal:
    """重复件 by hand: the similarity check misses paraphrases of one complaint. Staff
    with both appeals in scope link a person's appeal to their earlier one (30 days);
    the repeat rate follows through the event, as for an automatic mark."""
    note = (note or "").strip()
    if len(note) > 300:
        raise ValidationFailed(_("The note is longer than 300 characters."), code="text_too_long")
    if not account_selectors.user_is_staff_member(actor):
        raise PermissionDenied(_("Only staff may mark repeats."), code="permission_denied")
    _require_scope(actor, appeal)
    _require_scope(actor, earlier)
    with transaction.atomic():
        fresh = _locked(appeal)
        earlier = Appeal.objects.get(pk=earlier.pk)
        _check_repeat_pair(fresh, earlier)
        if fresh.repeat_of_id is not None:
            raise Conflict(
                _("This appeal is already marked as a repeat; remove that mark first."),
                code="already_repeat",
            )
        updated = Appeal.objects.filter(pk=fresh.pk, repeat_of__isnull=True).update(
            is_repeat=True, repeat_of=earlier
        )
        if updated != 1:
            raise Conflict(_("The appeal changed meanwhile; please reload."), code="stale")
        fresh.is_repeat, fresh.repeat_of = True, earlier
        _event(
            fresh,
            EventKind.REPEAT_MARKED,
            actor=actor,
            message=note,
            data={"repeat_of": earlier.number, "manual": True},
        )
    return fresh


def appeal_unmark_repeat(*, appeal: Appeal, actor: User, reason: str) -> Appeal:
    """Undo a repeat link, automatic or by hand, with the reason kept in the history. A
    reopened appeal stays a repeat (reopening is a repeat by the counting rules)."""
    reason = _require_text(
        reason, _("Please say why it is not a repeat."), code="reason_required", max_length=300
    )
    if not account_selectors.user_is_staff_member(actor):
        raise PermissionDenied(_("Only staff may mark repeats."), code="permission_denied")
    _require_scope(actor, appeal)
    with transaction.atomic():
        fresh = _locked(appeal)
        if fresh.repeat_of_id is None:
            raise Conflict(_("This appeal is not linked as a repeat."), code="not_repeat")
        earlier_number = (
            Appeal.objects.filter(pk=fresh.repeat_of_id).values_list("number", flat=True).first()
        )
        still_repeat = fresh.reopen_count > 0
        updated = Appeal.objects.filter(pk=fresh.pk, repeat_of=fresh.repeat_of_id).update(
            is_repeat=still_repeat, repeat_of=None
        )
        if updated != 1:
            raise Conflict(_("The appeal changed meanwhile; please reload."), code="stale")
        fresh.is_repeat, fresh.repeat_of = still_repeat, None
        data = {} if fresh.is_anonymous else {"repeat_of": earlier_number}
        _event(fresh, EventKind.REPEAT_UNMARKED, actor=actor, message=reason, data=data)
    return fresh
