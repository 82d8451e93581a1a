"""积分 for voting (表决 +2 by default, rule VOTE_CAST), paid by the worker.

A ballot does not wait for the points ledger (an account lock, the caps, the entry: about
eight statements). The transaction that records the vote queues one task row with it —
in the same statement as the ballot where the ballot is one statement (casting.py),
otherwise with `taskrows.enqueue` — so the task exists exactly when the vote does: a
refused vote (a repeat, a paper voter, not eligible, closed) queues nothing, and a
rolled-back one takes its task with it. The queue is at-least-once, so the task may run
twice or side by side with itself: `points_award` pays once per user, act and source (the
entry's unique key, checked under the account's lock), so the person is paid once per
vote whatever the channel, the retries or the runs.

The task names the vote and the voter, which the register (VoterRecord) already records;
never the choice, so a secret ballot stays secret (ballots carry a random key and no
time, and nothing links them to the task or the ledger entry)."""

from __future__ import annotations

from typing import Any

from jiaoliuba.accounts.models import User
from jiaoliuba.core import taskrows
from jiaoliuba.deliberation.models import Vote, VoterRecord
from jiaoliuba.points.choices import Act
from jiaoliuba.points.services import Award, points_award


def _task() -> Any:
    from jiaoliuba.deliberation.tasks import vote_credit  # noqa: PLC0415 — tasks.py imports this module (a real cycle)

    return vote_credit


def vote_credit_enqueue(vote: Vote, user: Any) -> None:
    """Queue the voter's credit inside the caller's transaction (nothing for a paper
    ballot whose owner has no account)."""
    if getattr(user, "pk", None):
        taskrows.enqueue(_task(), vote.pk, user.pk)


def vote_credit_row(vote: Vote, user_id: int) -> taskrows.RowToQueue | None:
    """The credit's task row for the ballot's own statement (casting.py), or None when
    the queue is not the database's (then `vote_credit_enqueue` after the ballot)."""
    return taskrows.row_select(_task(), vote.pk, user_id)


def vote_credit_pay(*, vote_id: int, user_id: int) -> Award | None:
    """The task: pay the voter of `vote_id` once. Nothing when the person or their
    register row is gone (data deleted meanwhile)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or not VoterRecord.objects.filter(vote_id=vote_id, voter_id=user_id).exists():
        return None
    return points_award(user=user, act=Act.VOTE_CAST, source=f"deliberation.vote:{vote_id}")
