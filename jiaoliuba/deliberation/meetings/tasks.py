from django_tasks import task

from jiaoliuba.deliberation.meetings.sweep import resolutions_sweep


@task()
def sweep() -> dict[str, int]:
    report = resolutions_sweep()
    return {
        "votes_read": report.votes_read,
        "effective": report.effective,
        "returned": report.returned,
        "overdue": report.overdue,
    }
