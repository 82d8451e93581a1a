from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jiaoliuba.core import selectors


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while the database answers; the worker's state is reported, not required,
    so a load balancer keeps serving pages while a worker restarts."""
    db_ok = selectors.database_ok()
    worker = selectors.worker_status() if db_ok else None
    body = {
        "status": "ok" if db_ok else "error",
        "database": "ok" if db_ok else "unavailable",
        "worker": {
            "alive": bool(worker and worker.alive),
            "last_heartbeat": worker.last_heartbeat.isoformat()
            if worker and worker.last_heartbeat
            else None,
        },
    }
    # Reported, not required: without its model triage falls back to the rules.
    from jiaoliuba.triage.classifier import model_health

    body["triage_model"] = model_health()
    return JsonResponse(body, status=200 if db_ok else 503)


def csrf_failure(request: HttpRequest, reason: str = ""):
    from django.shortcuts import render

    return render(request, "403_csrf.html", status=403)
