"""Background work of deliberation (django-tasks, the database queue)."""

from django_tasks import task

from jiaoliuba.deliberation.voting import rewards


@task()
def vote_credits() -> int:
    """Periodic: 积分 for every vote in the register not paid yet (voting/rewards.py)."""
    return rewards.vote_credits_pay()


@task()
def vote_credit(vote_id: int, user_id: int) -> int:
    """积分 for one vote. Ballots queued this before the register became the credits'
    queue; kept so such rows still run (and pay nothing a second time)."""
    award = rewards.vote_credit_pay(vote_id=vote_id, user_id=user_id)
    return award.points if award is not None else 0
