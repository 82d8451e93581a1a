"""积分 for voting (表决 +2 by default, rule VOTE_CAST). The source is the vote, so a person
is paid once per vote whatever the channel, however often a request is retried, and for
however many units they cast. The ledger entry says only that the person voted in this
vote, which the register (VoterRecord) already records: never the choice, so a secret
ballot stays secret (ballots carry a random key and no time, and nothing links them to
the entry)."""

from __future__ import annotations

from typing import Any

from jiaoliuba.deliberation.models import Vote
from jiaoliuba.points.choices import Act
from jiaoliuba.points.services import points_award


def vote_credit(vote: Vote, user: Any) -> None:
    """Inside the transaction that records the vote: both stay, or neither."""
    if getattr(user, "pk", None):
        points_award(user=user, act=Act.VOTE_CAST, source=f"deliberation.vote:{vote.pk}")
