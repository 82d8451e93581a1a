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


@task()
def contact_sms(appeal_id: int, what: str) -> bool:
    """Receipt or resolution SMS of an appeal filed without an account."""
    return services.appeal_contact_sms_send(appeal_id=appeal_id, what=what)
