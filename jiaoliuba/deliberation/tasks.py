"""Background work of deliberation (django-tasks, the database queue)."""

from django_tasks import task

from jiaoliuba.deliberation.voting import rewards

# Credits one run pays at most (1–2 s of work). The sweep shares the default queue with
# sign-in codes and red alerts: after a vote of thousands those must not wait a minute
# behind its points, so a run that leaves credits due queues the next one behind them.
RUN_LIMIT = 100


@task()
def vote_credits() -> int:
    """Periodic: 积分 for the votes in the register not paid yet (voting/rewards.py)."""
    paid = rewards.vote_credits_pay(limit=RUN_LIMIT)
    if rewards.vote_credits_due():
        vote_credits.enqueue()
    return paid


@task()
def vote_credit(vote_id: int, user_id: int) -> int:
    """积分 for one vote. Ballots queued this before the register became the credits'
    queue; kept so such rows still run (and pay nothing a second time)."""
    award = rewards.vote_credit_pay(vote_id=vote_id, user_id=user_id)
    return award.points if award is not None else 0
