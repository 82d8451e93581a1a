from django_tasks import task

from jiaoliuba.accounts import services


@task()
def purge_expired_codes() -> int:
    return services.otp_purge_expired()
