from django_tasks import task

from jiaoliuba.triage import services


@task()
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
