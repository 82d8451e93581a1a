"""积分 for voting (表决 +2 by default, rule VOTE_CAST), paid by the worker.

A ballot does not wait for the points ledger (an account lock, the caps, the entry: about
eight statements), and it queues nothing either: the register (VoterRecord) already says
who voted in what, so it is the credits' queue. A record with a voter and no
`credited_at` is a credit to pay; a small partial index holds exactly those, and the
periodic task `vote_credits` pays them in batches. So the credit exists exactly when the
vote does: a refused vote (a repeat, a paper voter, not eligible, closed) writes no
record, and a rolled-back one takes its record with it.

Each credit is paid and marked in one transaction; `points_award` pays once per user,
act and source (the entry's unique key, checked under the account's lock), so two sweeps
side by side, a sweep that died half-way, or an old `vote_credit` task row queued before
the register was the queue, all pay the person once per vote.

Nothing here reads a ballot: a secret ballot's register row has no link to its choice,
and the ledger entry names only the vote and the person."""

from __future__ import annotations

from django.db import transaction

from jiaoliuba.accounts.models import User
from jiaoliuba.core import clock
from jiaoliuba.deliberation.models import VoterRecord
from jiaoliuba.points.choices import Act
from jiaoliuba.points.services import Award, points_award

BATCH = 500


def vote_credit_pay(*, vote_id: int, user_id: int) -> Award | None:
    """Pay the voter of `vote_id` once. Nothing when the person or their register row
    is gone (data deleted meanwhile)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or not VoterRecord.objects.filter(vote_id=vote_id, voter_id=user_id).exists():
        return None
    return points_award(user=user, act=Act.VOTE_CAST, source=_source(vote_id))


def _source(vote_id: int) -> str:
    return f"deliberation.vote:{vote_id}"


def _due(limit: int) -> list[tuple[int, int, int]]:
    rows = VoterRecord.objects.filter(credited_at__isnull=True, voter__isnull=False)
    return list(rows.order_by("id").values_list("id", "vote_id", "voter_id")[:limit])


def vote_credits_pay(*, batch: int = BATCH, limit: int | None = None) -> int:
    """The sweep: pay the credits due, oldest first, all of them or the first `limit`;
    returns the points paid. Marking the row is the claim (a compare-and-set on
    `credited_at`): a sweep beside this one that marked it first pays nothing, and a row
    deleted meanwhile is not paid."""
    paid = 0
    left = limit
    while due := _due(batch if left is None else min(batch, left)):
        if left is not None:
            left -= len(due)
        users = User.objects.in_bulk({user_id for _, _, user_id in due})
        for record_id, vote_id, user_id in due:
            user = users.get(user_id)
            with transaction.atomic():
                claimed = VoterRecord.objects.filter(pk=record_id, credited_at__isnull=True).update(
                    credited_at=clock.now()
                )
                if not claimed or user is None:
                    continue
                award = points_award(user=user, act=Act.VOTE_CAST, source=_source(vote_id))
            paid += award.points
        if len(due) < batch or left == 0:
            break
    return paid


def vote_credits_due() -> bool:
    return bool(_due(1))
