"""Writes of the triage app: staff corrections, rule edits and model versions."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from jiaoliuba.triage import classifier
from jiaoliuba.triage.model import (
    Example,
    StatModel,
    choose_red_threshold,
    evaluate,
    train,
    training_corpus,
)
from jiaoliuba.triage.models import TriageFeedback, TriageModelVersion, TriageRule


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


def triage_rule_touch(*, rule: TriageRule) -> None:
    """Bump the version so every process reloads the rules (called on admin save)."""
    TriageRule.objects.filter(pk=rule.pk).update(version=F("version") + 1)


def corrections_as_examples() -> list[Example]:
    latest: dict[str, TriageFeedback] = {}
    for fb in TriageFeedback.objects.order_by("created_at", "pk"):
        latest[fb.source] = fb  # the last correction of an appeal is what counts
    return [
        Example(fb.text, "", fb.corrected_priority, fb.corrected_category, id=fb.source)
        for fb in latest.values()
    ]


def validation_split(
    rows: list[Example], *, share: float = 0.2, seed: int = 20261128
) -> tuple[list[Example], list[Example]]:
    """A fixed split of the training rows (never the test set) used to compare models."""
    shuffled = rows[:]
    random.Random(seed).shuffle(shuffled)  # noqa: S311  (a reproducible split, not a secret)
    cut = int(len(shuffled) * share)
    return shuffled[cut:], shuffled[:cut]


def _verdicts_with(model: StatModel):
    rules = classifier.active_rules()

    def predict(texts: list[str], hints: list[str]) -> list[tuple[str, str]]:
        p_red, prio, cat = model.predict(texts, hints)
        return [
            (v.priority, v.category)
            for v in (
                classifier._decide(t, h, rules, model, float(p_red[i]), prio[i], cat[i])
                for i, (t, h) in enumerate(zip(texts, hints, strict=True))
            )
        ]

    return predict


@dataclass
class RetrainResult:
    candidate: TriageModelVersion
    activated: bool
    reason: str


def triage_model_build(
    *, extra: list[Example] | None = None
) -> tuple[StatModel, dict[str, Any], int]:
    """Train on the shipped corpus plus `extra`, with the red threshold chosen by
    cross-validation, and measure it on the fixed validation split."""
    rows = training_corpus() + (extra or [])
    fit, val = validation_split(rows)
    red_rules = [r for r in classifier.active_rules() if r.priority == "red"]
    threshold = choose_red_threshold(
        fit,
        folds=settings.TRIAGE_CV_FOLDS,
        rule_red=lambda text: any(r.match(text) for r in red_rules),
    )
    probe = train(fit)
    probe.red_threshold = threshold
    metrics = evaluate(_verdicts_with(probe), val).as_dict()
    final = train(rows, version=timezone.now().strftime("m%Y%m%d%H%M%S"))
    final.red_threshold = threshold
    final.metrics = metrics
    return final, metrics, len(rows)


def triage_model_retrain(*, notes: str = "") -> RetrainResult:
    """Retrain with staff corrections. The new model replaces the active one only if its
    red recall on the validation split is not worse."""
    model, metrics, n = triage_model_build(extra=corrections_as_examples())
    current = TriageModelVersion.objects.filter(active=True).first()
    baseline = current.metrics.get("red_recall") if current else _shipped_red_recall()
    better = baseline is None or metrics["red_recall"] >= baseline
    with transaction.atomic():
        if better:
            TriageModelVersion.objects.filter(active=True).update(active=False)
        candidate = TriageModelVersion.objects.create(
            version=model.version,
            blob=model.dumps(),
            metrics=metrics,
            red_threshold=model.red_threshold,
            trained_on=n,
            active=better,
            notes=notes[:300],
        )
    classifier.clear_caches()
    reason = (
        f"red recall {metrics['red_recall']:.3f} vs {baseline:.3f}"
        if baseline is not None
        else "first model"
    )
    return RetrainResult(candidate, better, reason)


def _shipped_red_recall() -> float | None:
    from jiaoliuba.triage.model import SHIPPED_MODEL

    if not SHIPPED_MODEL.exists():
        return None
    return StatModel.loads(SHIPPED_MODEL.read_bytes()).metrics.get("red_recall")


def triage_model_activate(*, version: TriageModelVersion | None) -> None:
    """Switch to a stored model, or back to the shipped one with None."""
    with transaction.atomic():
        TriageModelVersion.objects.filter(active=True).update(active=False)
        if version is not None:
            TriageModelVersion.objects.filter(pk=version.pk).update(active=True)
    classifier.clear_caches()


def corrections_since_last_model() -> int:
    last = (
        TriageModelVersion.objects.order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    qs = TriageFeedback.objects.all()
    return qs.filter(created_at__gt=last).count() if last else qs.count()
