from django_tasks import task

from jiaoliuba.dashboards import services


@task()
def catch_up() -> int:
    return services.rollups_sync(thorough=True)
