"""Text in, verdict out: the one triage the intake, the API and `jiaoliuba classify` call.

Hybrid and safety-first: administrators' rules (keywords, patterns, exclusions; edited
in the admin and effective within seconds) and a statistical model that ships with the
package. An appeal is red if a red rule fires or the model's P(red) reaches a threshold
chosen for recall; a verdict without enough confidence is flagged for manual triage."""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError

from jiaoliuba.triage.choices import Category, Priority
from jiaoliuba.triage.model import SHIPPED_MODEL, StatModel

logger = logging.getLogger(__name__)

# The seed's default priority per category, used when only rules speak.
CATEGORY_PRIORITY = {
    Category.NEIGHBOR: Priority.YELLOW,
    Category.PROPERTY: Priority.YELLOW,
    Category.LIVELIHOOD: Priority.BLUE,
    Category.SUGGESTION: Priority.BLUE,
    Category.SAFETY: Priority.YELLOW,
    Category.GROUP_CONFLICT: Priority.RED,
}


@dataclass(frozen=True)
class Verdict:
    priority: str
    category: str
    confidence: float
    reasons: list[str] = field(default_factory=list)
    needs_review: bool = False


@dataclass(frozen=True)
class CompiledRule:
    name: str
    priority: str
    category: str
    keywords: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    exclude: tuple[str, ...]

    def match(self, text: str) -> list[str]:
        if any(word in text for word in self.exclude):
            return []
        hits = [w for w in self.keywords if w in text]
        hits += [p.pattern for p in self.patterns if p.search(text)]
        return hits


def split_words(raw: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in re.split(r"[\n,，、;；]+", raw or "") if w.strip())


def compile_rule(
    *, name: str, priority: str, category: str, keywords: str, patterns: str, exclude: str
) -> CompiledRule:
    compiled = []
    for line in (raw.strip() for raw in (patterns or "").splitlines()):
        if line:
            compiled.append(re.compile(line))
    return CompiledRule(
        name, priority, category, split_words(keywords), tuple(compiled), split_words(exclude)
    )


# --- caches shared by web and worker processes ---------------------------------------------

_lock = threading.Lock()
_rules: tuple[Any, list[CompiledRule]] | None = None
_rules_checked = 0.0
_model: tuple[Any, StatModel | None] | None = None
_model_checked = 0.0


def _rules_version() -> Any:
    from django.db.models import Count, Max

    from jiaoliuba.triage.models import TriageRule

    row = TriageRule.objects.aggregate(n=Count("pk"), v=Max("version"), t=Max("updated_at"))
    return (row["n"], row["v"], row["t"])


def active_rules() -> list[CompiledRule]:
    """Rules from the database, re-read when they change (checked every few seconds);
    the built-in defaults when the database is not there (e.g. `classify` before migrate)."""
    global _rules, _rules_checked
    now = time.monotonic()
    if _rules is not None and now - _rules_checked < settings.TRIAGE_CACHE_SECONDS:
        return _rules[1]
    with _lock:
        try:
            version = _rules_version()
            if _rules is None or _rules[0] != version:
                from jiaoliuba.triage.models import TriageRule

                if version[0] == 0:
                    # No rule rows at all (a fresh or flushed database): the defaults apply.
                    # To switch a rule off, administrators deactivate it.
                    from jiaoliuba.triage.defaults import DEFAULT_RULES

                    compiled = [compile_rule(**r) for r in DEFAULT_RULES]
                else:
                    compiled = [
                        compile_rule(
                            name=r.name,
                            priority=r.priority,
                            category=r.category,
                            keywords=r.keywords,
                            patterns=r.patterns,
                            exclude=r.exclude,
                        )
                        for r in TriageRule.objects.filter(active=True).order_by("pk")
                    ]
                _rules = (version, compiled)
        except DatabaseError:
            from jiaoliuba.triage.defaults import DEFAULT_RULES

            _rules = ("builtin", [compile_rule(**r) for r in DEFAULT_RULES])
        _rules_checked = now
        return _rules[1]


def _model_version() -> Any:
    from jiaoliuba.triage.models import TriageModelVersion

    return TriageModelVersion.objects.filter(active=True).values_list("pk", flat=True).first()


def active_model() -> StatModel | None:
    global _model, _model_checked
    now = time.monotonic()
    if _model is not None and now - _model_checked < settings.TRIAGE_CACHE_SECONDS * 6:
        return _model[1]
    with _lock:
        try:
            version = _model_version()
        except DatabaseError:
            version = None
        if _model is None or _model[0] != version:
            model = None
            if version is not None:
                from jiaoliuba.triage.models import TriageModelVersion

                model = StatModel.loads(bytes(TriageModelVersion.objects.get(pk=version).blob))
            elif SHIPPED_MODEL.exists():
                model = StatModel.loads(SHIPPED_MODEL.read_bytes())
            _model = (version, model)
        _model_checked = now
        return _model[1]


def clear_caches() -> None:
    global _rules, _model
    with _lock:
        _rules, _model = None, None


# --- the decision --------------------------------------------------------------------------------


def _decide(
    text: str,
    hint: str,
    rules: list[CompiledRule],
    model: StatModel | None,
    p_red: float | None,
    prio: Any | None,
    cat: Any | None,
    explain: bool = True,
) -> Verdict:
    reasons: list[str] = []
    fired = [(rule, hits) for rule in rules if (hits := rule.match(text))]
    red_rules = [(r, h) for r, h in fired if r.priority == Priority.RED]
    for rule, hits in fired[:4]:
        reasons.append(f"rule:{rule.name}:{'/'.join(hits[:3])}")

    model_priority: str
    model_category: str
    priority: str
    category: str
    if model is not None and p_red is not None and prio is not None and cat is not None:
        prio_classes = list(model.priority_clf.classes_)
        cat_classes = list(model.category_clf.classes_)
        model_category = cat_classes[int(cat.argmax())]
        category_conf = float(cat.max())
        if p_red >= model.red_threshold:
            # Safety first: a real chance of danger is enough to call it red.
            model_priority, priority_conf = Priority.RED.value, max(float(p_red), 0.5)
        else:
            others = [(float(prio[i]), c) for i, c in enumerate(prio_classes) if c != Priority.RED]
            best, model_priority = max(others)
            priority_conf = best / max(sum(p for p, _c in others), 1e-9)
        reasons.append(f"model:{model_priority}:{priority_conf:.2f}")
        if explain:
            reasons += [
                f"ngram:{g}" for g in model.top_features(text, hint, category=model_category)
            ]
    else:
        model_priority, model_category, priority_conf, category_conf = "", "", 0.0, 0.0

    # Priority: a red rule or the model's red; then admin rules that set a priority; then the model.
    if red_rules:
        priority, confidence = (
            Priority.RED.value,
            max(0.9, priority_conf if model_priority == Priority.RED else 0.9),
        )
    elif model_priority:
        priority, confidence = model_priority, priority_conf
        explicit = [r for r, _h in fired if r.priority and r.priority != Priority.RED]
        if explicit and priority_conf < 0.6:
            priority = explicit[0].priority
    elif fired and fired[0][0].priority:
        priority, confidence = fired[0][0].priority, 0.6
    else:
        priority, confidence = "", 0.0

    # Category: the red rule's category when a rule made it red; else the model; else a rule; else the hint.
    rule_category = next((r.category for r, _h in (red_rules or fired) if r.category), "")
    if red_rules and rule_category:
        # An administrator's red rule names the kind of danger; it wins over the model.
        category = rule_category
    elif model_category and (category_conf >= 0.35 or not rule_category):
        category = model_category
    elif rule_category:
        category = rule_category
    elif hint in Category.values:
        category, confidence = hint, min(confidence or 0.4, 0.4)
        reasons.append(f"hint:{hint}")
    else:
        category, confidence = Category.SUGGESTION, 0.3
    if not priority:
        priority = CATEGORY_PRIORITY[Category(category)]
        confidence = min(confidence or 0.4, 0.4)
    if hint and hint != category:
        reasons.append(f"hint_overridden:{hint}")
    review_below = settings.TRIAGE_REVIEW_CONFIDENCE
    needs_review = confidence < review_below or (
        bool(model_category) and category_conf < review_below * 0.6
    )
    return Verdict(str(priority), str(category), round(float(confidence), 3), reasons, needs_review)


def classify_many(items: list[tuple[str, str]], *, explain: bool = True) -> list[Verdict]:
    """[(text, type hint)] → verdicts, vectorising the batch once (the fast path).
    `explain=False` skips the strongest-n-gram reasons (for bulk scoring)."""
    rules = active_rules()
    model = active_model()
    if model is not None and items:
        p_red, prio, cat = model.predict([t or "" for t, _h in items], [h or "" for _t, h in items])
        return [
            _decide(t or "", h or "", rules, model, float(p_red[i]), prio[i], cat[i], explain)
            for i, (t, h) in enumerate(items)
        ]
    return [_decide(t or "", h or "", rules, None, None, None, None) for t, h in items]


def classify(*, text: str, type_hint: str = "") -> Verdict:
    return classify_many([(text, type_hint)])[0]
