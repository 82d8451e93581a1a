"""积分 for a useful appeal (诉求经确认有价值).

"Useful" means staff confirmed that the resident raised something real: the appeal was
resolved (办结) by the staff member handling it, or staff opened a deliberation topic
from it. Either pays APPEAL_USEFUL once per appeal (the source is the appeal), with the
staff member who resolved it or opened the topic as the confirmer. Not paid: appeals
rejected as invalid, merged or withdrawn (they never reach these steps), repeats (the
same matter again), anonymous appeals (an entry would tie the resident to the appeal in
their ledger, which staff can read), appeals without a resident account, and a staff
member confirming their own appeal; nor when whoever resolved it holds no staff role."""

from __future__ import annotations

from typing import Any

from jiaoliuba.accounts.selectors import user_is_staff_member
from jiaoliuba.appeals.models import Appeal
from jiaoliuba.points.choices import Act
from jiaoliuba.points.services import Award, points_award


def appeal_useful_credit(*, appeal: Appeal, confirmed_by: Any) -> Award | None:
    """Credit the appeal's resident, inside the caller's transaction; None when the
    appeal does not qualify. Repeated calls (a reopened appeal resolved again, a second
    topic) pay nothing more."""
    submitter = appeal.submitter
    if (
        submitter is None
        or appeal.is_anonymous
        or appeal.is_repeat
        or confirmed_by is None
        or confirmed_by.pk == submitter.pk
        # A professional or volunteer handling it is not staff: no confirmation.
        or not user_is_staff_member(confirmed_by)
    ):
        return None
    return points_award(
        user=submitter,
        act=Act.APPEAL_USEFUL,
        source=f"appeals.appeal:{appeal.pk}",
        confirmed_by=confirmed_by,
    )
