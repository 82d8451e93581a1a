from django_tasks import task

from jiaoliuba.appeals import services


@task()
def sweep() -> dict[str, int]:
    report = services.appeals_sweep()
    return {
        "urged": report.urged,
        "supervised": report.supervised,
        "closed_unrated": report.closed_unrated,
    }


@task()
def risk_check(appeal_id: int) -> int:
    return len(services.appeal_risk_check(appeal_id=appeal_id))
