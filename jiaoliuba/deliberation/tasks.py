"""Background work of deliberation (django-tasks, the database queue)."""

from django.conf import settings
from django_tasks import task

from jiaoliuba.deliberation.voting import rewards


@task()
def vote_credits() -> int:
    """Periodic: 积分 for the votes in the register not paid yet (voting/rewards.py). A run
    pays at most VOTE_CREDITS_PER_RUN: the sweep shares the default queue with sign-in
    codes and red alerts, which must not wait a minute behind a big vote's points, so a
    run that leaves credits due queues the next one behind them."""
    paid = rewards.vote_credits_pay(limit=settings.VOTE_CREDITS_PER_RUN)
    if rewards.vote_credits_due():
        vote_credits.enqueue()
    return paid


@task()
def vote_credit(vote_id: int, user_id: int) -> int:
    """积分 for one vote. Ballots queued this before the register became the credits'
    queue; kept so such rows still run (and pay nothing a second time)."""
    award = rewards.vote_credit_pay(vote_id=vote_id, user_id=user_id)
    return award.points if award is not None else 0
