from django_tasks import task

from jiaoliuba.deliberation.consensus import services


@task()
def refresh_maps() -> int:
    """Periodic (settings.PERIODIC_TASKS): recompute the maps whose votes changed."""
    return services.maps_refresh()
