from __future__ import annotations

from typing import Any

from jiaoliuba.triage.models import TriageFeedback


def triage_feedback_record(
    *,
    source: str,
    text: str,
    predicted: tuple[str, str],
    corrected: tuple[str, str],
    reason: str,
    actor: Any,
) -> TriageFeedback:
    return TriageFeedback.objects.create(
        source=source,
        text=text,
        predicted_priority=predicted[0],
        predicted_category=predicted[1],
        corrected_priority=corrected[0],
        corrected_category=corrected[1],
        reason=reason[:200],
        actor=actor,
    )
