"""The one table of what may be done to an appeal: action → (from statuses, to status,
policy, guard). The services enforce it (`require`, `permits`); the staff page, the
resident tools and the API derive their buttons and their errors from it (`offered`).
A status or a rule changes here, nowhere else.

`policy` answers "may this person do it to this appeal" (roles and scope); `guard` is
a condition on the appeal itself beyond its status (e.g. "is anonymous"). A service
may check more than the table (the text a person typed, the other appeal of a merge),
but never less."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.models import User
from jiaoliuba.accounts.selectors import user_is_staff_member
from jiaoliuba.appeals import policies
from jiaoliuba.appeals.choices import (
    HANDLING_STATUSES,
    OPEN_STATUSES,
    Category,
    Status,
)
from jiaoliuba.appeals.models import Appeal
from jiaoliuba.appeals.selectors import appeals_in_scope, pending_extension
from jiaoliuba.core.transitions import Table, transition

ANY_STATUS: tuple[str, ...] = tuple(Status.values)
BEING_HANDLED = (Status.DISPATCHED, *HANDLING_STATUSES)
# Mediation is for these kinds of dispute only.
MEDIATION_CATEGORIES = (Category.NEIGHBOR, Category.PROPERTY, Category.GROUP_CONFLICT)


def _handle(user: User, appeal: Appeal) -> bool:
    return policies.may_handle(user, appeal)


def _dispatch(user: User, appeal: Appeal) -> bool:
    return policies.may_dispatch(user, appeal)


def _supervise(user: User, appeal: Appeal) -> bool:
    return policies.may_supervise(user, appeal)


def _handle_or_dispatch(user: User, appeal: Appeal) -> bool:
    return policies.may_handle(user, appeal) or policies.may_dispatch(user, appeal)


def _any_staff_role(user: User, appeal: Appeal) -> bool:
    return (
        policies.may_handle(user, appeal)
        or policies.may_dispatch(user, appeal)
        or policies.may_supervise(user, appeal)
    )


def _urge(user: User, appeal: Appeal) -> bool:
    return policies.may_urge(user, appeal)


def _submitter(user: User, appeal: Appeal) -> bool:
    return appeal.submitter_id is not None and appeal.submitter_id == getattr(user, "pk", None)


def _reveal(user: User, appeal: Appeal) -> bool:
    return policies.may_reveal_submitter(user)


def _staff_in_scope(user: User, appeal: Appeal) -> bool:
    return user_is_staff_member(user) and appeals_in_scope(user).filter(pk=appeal.pk).exists()


def _no_pending_extension(appeal: Appeal) -> bool:
    return pending_extension(appeal=appeal) is None


_t = transition


TRANSITIONS: Table = Table(
    (
        # dispatch and triage correction
        _t("dispatch", (Status.SUBMITTED, Status.DISPATCHED), Status.DISPATCHED, _dispatch),
        _t("triage", OPEN_STATUSES, None, _handle_or_dispatch),
        _t(
            "confirm_triage",
            OPEN_STATUSES,
            None,
            _handle_or_dispatch,
            lambda a: bool(a.triage_needs_review),
        ),
        # handling
        _t("accept", (Status.DISPATCHED,), Status.ACCEPTED, _handle),
        _t("reply", BEING_HANDLED, None, _handle),
        _t("note", ANY_STATUS, None, _any_staff_role),
        _t("follow_up", ANY_STATUS, None, _handle_or_dispatch),
        _t("return", (Status.DISPATCHED, Status.ACCEPTED), Status.SUBMITTED, _handle),
        _t("escalate", BEING_HANDLED, Status.DISPATCHED, _handle_or_dispatch),
        _t("resolve", HANDLING_STATUSES, Status.RESOLVED, _handle),
        _t("rate", (Status.RESOLVED,), Status.RATED, _submitter),
        _t("reopen", (Status.RATED, Status.CLOSED, Status.RESOLVED), Status.DISPATCHED, _supervise),
        _t("close", (Status.RATED,), Status.CLOSED, _supervise),
        _t(
            "reject",
            (Status.SUBMITTED, Status.DISPATCHED, Status.ACCEPTED),
            Status.REJECTED,
            _dispatch,
        ),
        # urge / supervise (催办 / 督办)
        _t("urge", BEING_HANDLED, None, _urge),
        _t("supervise", BEING_HANDLED, None, _urge),
        # extensions
        _t("extension", HANDLING_STATUSES, None, _handle, _no_pending_extension),
        _t("decide_extension", HANDLING_STATUSES, None, _supervise),
        # mediation
        _t(
            "mediation_start",
            BEING_HANDLED,
            None,
            _handle_or_dispatch,
            lambda a: a.category in MEDIATION_CATEGORIES,
        ),
        # repeats and merging
        _t("merge", OPEN_STATUSES, Status.MERGED, _dispatch),
        _t(
            "mark_repeat",
            tuple(s for s in Status.values if s not in (Status.REJECTED, Status.MERGED)),
            None,
            _staff_in_scope,
            # Rule 1: an anonymous appeal is never linked to its filer's appeals.
            lambda a: not a.is_anonymous and a.repeat_of_id is None,
        ),
        _t(
            "unmark_repeat",
            ANY_STATUS,
            None,
            _staff_in_scope,
            lambda a: a.repeat_of_id is not None,
        ),
        # privacy
        _t("reveal", ANY_STATUS, None, _reveal, lambda a: bool(a.is_anonymous)),
        # the resident's own tools
        _t("withdraw", (Status.SUBMITTED, Status.DISPATCHED), Status.WITHDRAWN, _submitter),
        _t("add_material", OPEN_STATUSES, None, _submitter),
    ),
    state="status",
    wrong_state=_("This cannot be done while the appeal is “%(status)s”."),
)


def sources(action: str) -> tuple[str, ...]:
    return TRANSITIONS[action].sources


require = TRANSITIONS.require
check = TRANSITIONS.check
permits = TRANSITIONS.permits
offered = TRANSITIONS.offered
