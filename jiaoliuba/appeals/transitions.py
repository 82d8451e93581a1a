"""The one table of what may be done to an appeal: action → (from statuses, to status,
policy, guard). The services enforce it (`require`, `permits`); the staff page, the
resident tools and the API derive their buttons and their errors from it (`offered`).
A status or a rule changes here, nowhere else.

`policy` answers "may this person do it to this appeal" (roles and scope); `guard` is
a condition on the appeal itself beyond its status (e.g. "is anonymous"). A service
may check more than the table (the text a person typed, the other appeal of a merge),
but never less."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

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
from jiaoliuba.core.errors import Conflict

Policy = Callable[[Any, Appeal], bool]

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


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    # The status afterwards; None when the status stays (a reply moves an accepted
    # appeal on to in progress, a rating may close it: see the service).
    target: str | None
    policy: Policy
    guard: Callable[[Appeal], bool] | None = None

    def status_allows(self, status: str) -> bool:
        return status in self.sources

    def offered(self, user: User, appeal: Appeal) -> bool:
        """Whether a page or the API offers this action to `user` now."""
        return (
            self.status_allows(appeal.status)
            and (self.guard is None or self.guard(appeal))
            and self.policy(user, appeal)
        )


def _t(
    action: str,
    sources: Iterable[str],
    target: str | None,
    policy: Policy,
    guard: Callable[[Appeal], bool] | None = None,
) -> Transition:
    return Transition(action, tuple(sources), target, policy, guard)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
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
    )
}


def sources(action: str) -> tuple[str, ...]:
    return TRANSITIONS[action].sources


def require(appeal: Appeal, action: str) -> None:
    """The one status check of the services: a wrong status is a 409 with its name."""
    if not TRANSITIONS[action].status_allows(appeal.status):
        raise Conflict(
            _("This cannot be done while the appeal is “%(status)s”.")
            % {"status": appeal.get_status_display()},
            code="wrong_status",
        )


def permits(action: str, user: User, appeal: Appeal) -> bool:
    """The action's policy (who), as the services check it."""
    return TRANSITIONS[action].policy(user, appeal)


def offered(user: User, appeal: Appeal, actions: Iterable[str] | None = None) -> dict[str, bool]:
    """action → whether a page or the API offers it to `user` for this appeal now."""
    names = TRANSITIONS if actions is None else actions
    return {name: TRANSITIONS[name].offered(user, appeal) for name in names}
