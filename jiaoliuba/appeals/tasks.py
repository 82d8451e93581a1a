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
def intake_follow_up(appeal_id: int, also_notify: list[int]) -> bool:
    """Bands, notices and risk detection of a new appeal, written with it (services.intake)."""
    return services.appeal_intake_follow_up(appeal_id=appeal_id, also_notify=also_notify)


@task()
def risk_check(appeal_id: int) -> int:
    return len(services.appeal_risk_check(appeal_id=appeal_id))


@task()
def contact_sms(appeal_id: int, what: str) -> bool:
    """Receipt or resolution SMS of an appeal filed without an account."""
    return services.appeal_contact_sms_send(appeal_id=appeal_id, what=what)
