from __future__ import annotations

from django_tasks import task

from jiaoliuba.privacy import services


@task()
def retention_purge() -> dict[str, int]:
    return services.retention_purge().counts
