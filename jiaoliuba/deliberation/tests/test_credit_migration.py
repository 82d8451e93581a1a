"""Migration 0007 makes the voter register the credits' queue. Register rows written
before it had their credit queued as a `vote_credit` task row already, so it marks them
paid (`credited_at` = when they voted): the first sweep after the upgrade pays nothing
twice and reads nothing old. Rows without a voter stay unmarked and are never due."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from jiaoliuba.deliberation.models import VoterRecord
from jiaoliuba.deliberation.voting import rewards, services

BEFORE = ("deliberation", "0006_statement_flags")
AFTER = ("deliberation", "0007_voter_credit_due")


def _migrate(target: tuple[str, str]) -> None:
    MigrationExecutor(connection).migrate([target])


@pytest.mark.django_db(transaction=True)
def test_rows_from_before_the_upgrade_are_not_paid_again(make_vote, verified):
    vote = make_vote()
    a, b = verified(), verified()
    services.ballot_cast(vote=vote, actor=a, choices=[1])
    services.ballot_cast(vote=vote, actor=b, choices=[2])
    gone = verified()
    services.ballot_cast(vote=vote, actor=gone, choices=[1])
    gone.delete()  # the register keeps the row, without its voter
    try:
        _migrate(BEFORE)
        _migrate(AFTER)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes("deliberation"))
    rows = {r.voter_id: r for r in VoterRecord.objects.filter(vote=vote)}
    assert rows[a.pk].credited_at == rows[a.pk].created_at
    assert rows[b.pk].credited_at == rows[b.pk].created_at
    assert rows[None].credited_at is None
    assert rewards.vote_credits_pay() == 0
    # A ballot after the upgrade is due as usual.
    c = verified()
    services.ballot_cast(vote=vote, actor=c, choices=[1])
    assert rewards.vote_credits_pay() == 2
