"""The shape every state machine of the project shares: one declared table of
action → (from states, to state, policy, guard), which the services enforce
(`require`, `permits`) and pages and the API derive their buttons from (`offered`).
An app declares its rows and the name of the state field once; see appeals.transitions
for the fullest example. `policy` answers "may this person do it to this object" (roles
and scope); `guard` is a condition on the object beyond its state."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from django.utils.functional import Promise

from jiaoliuba.core.errors import Conflict, PermissionDenied, lazy_format

T = TypeVar("T")


@dataclass(frozen=True)
class Transition(Generic[T]):
    action: str
    sources: tuple[str, ...]
    # The state afterwards; None when it stays (the service may still move it on).
    target: str | None
    policy: Callable[[Any, T], bool]
    guard: Callable[[T], bool] | None = None
    state: str = "status"  # the object's state field, set by the table

    def allows(self, state: str) -> bool:
        return state in self.sources

    def guard_allows(self, obj: T) -> bool:
        return self.guard is None or self.guard(obj)

    def offered(self, user: Any, obj: T) -> bool:
        """Whether a page or the API offers this action to `user` now."""
        return (
            self.allows(getattr(obj, self.state))
            and self.guard_allows(obj)
            and self.policy(user, obj)
        )


def transition(
    action: str,
    sources: Iterable[str],
    target: str | None,
    policy: Callable[[Any, T], bool],
    guard: Callable[[T], bool] | None = None,
) -> Transition[T]:
    return Transition(action, tuple(sources), target, policy, guard)


class Table(dict[str, Transition[Any]]):
    """action → Transition, with the checks every service and page makes."""

    def __init__(
        self, rows: Iterable[Transition[Any]], *, state: str, wrong_state: Promise
    ) -> None:
        # `wrong_state` is the 409's message, with the state's display name as %(<state>)s.
        super().__init__((row.action, replace(row, state=state)) for row in rows)
        self.state = state
        self.wrong_state = wrong_state

    def require(self, obj: Any, action: str) -> None:
        """The one state check of the services: a wrong state is a 409 that names it."""
        if not self[action].allows(getattr(obj, self.state)):
            # The choice's own (lazy) label, not get_…_display()'s string of this moment:
            # the 409 is told in both languages (core.errors.lazy_format).
            value = getattr(obj, self.state)
            shown = dict(obj._meta.get_field(self.state).flatchoices).get(value, value)
            raise Conflict(
                lazy_format(self.wrong_state, {self.state: shown}), code=f"wrong_{self.state}"
            )

    def check(
        self, obj: Any, action: str, user: Any, refused: str | Promise, *, code: str | None = None
    ) -> None:
        """What a service checks before it acts: the state (`require`, a 409), then the
        action's policy for `user`, a 403 saying `refused` when it says no."""
        self.require(obj, action)
        if not self.permits(action, user, obj):
            raise PermissionDenied(refused, code=code)

    def permits(self, action: str, user: Any, obj: Any) -> bool:
        """The action's policy (who), as the services check it."""
        return self[action].policy(user, obj)

    def guard_allows(self, action: str, obj: Any) -> bool:
        return self[action].guard_allows(obj)

    def offered(self, user: Any, obj: Any, actions: Iterable[str] | None = None) -> dict[str, bool]:
        """action → whether a page or the API offers it to `user` for this object now."""
        names = self if actions is None else actions
        return {name: self[name].offered(user, obj) for name in names}
