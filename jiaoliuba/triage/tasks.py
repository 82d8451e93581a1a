from django_tasks import task

from jiaoliuba.triage import services

# Training takes minutes on two cores: its own queue, run by `jiaoliuba worker --queues triage`.
RETRAIN_QUEUE = "triage"


@task(queue_name=RETRAIN_QUEUE)
def retrain() -> dict:
    """Periodic: retrain only when staff have corrected verdicts since the last model."""
    if not services.corrections_since_last_model():
        return {"skipped": "no new corrections"}
    result = services.triage_model_retrain(notes="periodic retrain")
    return {
        "version": result.candidate.version,
        "activated": result.activated,
        "reason": result.reason,
    }
