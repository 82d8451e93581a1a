from django_tasks import task

from jiaoliuba.points import services


@task()
def expire_sweep() -> int:
    """Points past their expiry date, on the accounts whose next expiry has come."""
    return services.points_expire_sweep()
