from django_tasks import task

from jiaoliuba.bookings import services


@task()
def sweep() -> dict[str, int]:
    """The reminders the day before (settings.PERIODIC_TASKS)."""
    return {"reminded": services.bookings_sweep()}
