"""Background work of deliberation (django-tasks, the database queue)."""

from django_tasks import task

from jiaoliuba.deliberation.voting import rewards


@task()
def vote_credit(vote_id: int, user_id: int) -> int:
    """积分 for a vote, queued with the ballot (voting/rewards.py); safe to run again."""
    award = rewards.vote_credit_pay(vote_id=vote_id, user_id=user_id)
    return award.points if award is not None else 0
