"""Text in, verdict out: the one triage the intake, the API and `jiaoliuba classify` call.

Hybrid and safety-first: administrators' rules (keywords, patterns, exclusions; edited
in the admin and effective within seconds) and a statistical model that ships with the
package. An appeal is red if a red rule fires or the model's calibrated P(red) reaches a
threshold chosen for recall. The seed's definition holds: a 安全隐患 or 群体性矛盾 verdict is
red unless an administrator's "not red because" rule says why not; such a rule may also
overrule a red call the model is unsure of (below its excused threshold), never a red rule,
never a text telling of harm now, never a long message of several passages. A verdict
that is not confidently non-red is flagged for manual triage (`needs_review`).

If the model file cannot be loaded (damaged, or not matching its manifest) the rules alone
decide, every verdict is flagged for review, and `model_health()` says why, for /healthz
and the admin."""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count, Max

from jiaoliuba.core.hanzi import standard
from jiaoliuba.triage.choices import Category, Priority
from jiaoliuba.triage.defaults import builtin_rules
from jiaoliuba.triage.model import StatModel, load_shipped, segments
from jiaoliuba.triage.models import TriageModelVersion, TriageRule

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

# 红色 = 紧急重大, 如安全隐患、群体性矛盾 (the seed): these categories are red by default.
RED_CATEGORIES = frozenset({Category.SAFETY.value, Category.GROUP_CONFLICT.value})
RULE_KIND_CLASSIFY = "classify"
RULE_KIND_NOT_RED = "not_red"
# A text the model itself leans towards calling a hazard is never a confident yellow.
HAZARD_CATEGORY_SHARE = 0.3
RED_RULE_CATEGORY_SHARE = 0.1
# `model_health()["source"]` when no model could be loaded at all.
RULES_ONLY = "rules only"


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
    kind: str = RULE_KIND_CLASSIFY

    def match(self, text: str) -> list[str]:
        if any(word in text for word in self.exclude):
            return []
        hits = [w for w in self.keywords if w in text]
        hits += [p.pattern for p in self.patterns if p.search(text)]
        return hits


def split_words(raw: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in re.split(r"[\n,，、;；]+", raw or "") if w.strip())


def compile_rule(
    *,
    name: str,
    priority: str,
    category: str,
    keywords: str,
    patterns: str,
    exclude: str,
    kind: str = RULE_KIND_CLASSIFY,
    **_ignored: Any,
) -> CompiledRule:
    # Texts are read in one standard form (`hanzi`: simplified Mandarin), so a rule written
    # in traditional characters or Cantonese is read that way too; word by word, as a
    # text is rewritten only where it holds a Cantonese character.
    compiled = []
    for line in (standard(raw.strip()) for raw in (patterns or "").splitlines()):
        if line:
            compiled.append(re.compile(line))
    return CompiledRule(
        name,
        priority,
        category,
        tuple(standard(w) for w in split_words(keywords)),
        tuple(compiled),
        tuple(standard(w) for w in split_words(exclude)),
        kind or RULE_KIND_CLASSIFY,
    )


# --- caches shared by web and worker processes ---------------------------------------------

_lock = threading.Lock()
_rules: tuple[Any, list[CompiledRule]] | None = None
_rules_checked = 0.0
_model: tuple[Any, StatModel | None] | None = None
_model_checked = 0.0


def _rules_version() -> Any:
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
                if version[0] == 0:
                    # No rule rows at all (a fresh or flushed database): the defaults apply.
                    # To switch a rule off, administrators deactivate it.
                    compiled = [compile_rule(**r) for r in builtin_rules()]
                else:
                    compiled = [
                        compile_rule(
                            name=r.name,
                            priority=r.priority,
                            category=r.category,
                            keywords=r.keywords,
                            patterns=r.patterns,
                            exclude=r.exclude,
                            kind=r.kind,
                        )
                        for r in TriageRule.objects.filter(active=True).order_by("pk")
                    ]
                _rules = (version, compiled)
        except DatabaseError:
            _rules = ("builtin", [compile_rule(**r) for r in builtin_rules()])
        _rules_checked = now
        return _rules[1]


def _model_version() -> Any:
    return TriageModelVersion.objects.filter(active=True).values_list("pk", flat=True).first()


_health: dict[str, Any] = {"ok": True, "source": "not loaded", "detail": ""}


def model_health() -> dict[str, Any]:
    """Where the model came from and, if it could not be loaded, why (for /healthz and
    the admin). `ok` is False while triage runs on the rules alone or on a fallback."""
    active_model()
    return dict(_health)


def _load_model(version: Any) -> tuple[StatModel | None, dict[str, Any]]:
    """The active stored model, else the shipped one, else none: any failure is logged and
    reported, never raised, so intake keeps working on the rules."""
    problems = []
    if version is not None:
        try:
            row = TriageModelVersion.objects.get(pk=version)
            return StatModel.loads(bytes(row.blob)), {
                "ok": True,
                "source": f"database:{row.version}",
                "detail": "",
            }
        except Exception as exc:
            problems.append(f"stored model {version}: {exc}")
    try:
        model = load_shipped()
        source = f"shipped:{model.version}"
    except Exception as exc:
        problems.append(f"shipped model: {exc}")
        model, source = None, RULES_ONLY
    for problem in problems:
        logger.error("triage model not loaded: %s", problem)
    return model, {"ok": not problems, "source": source, "detail": "; ".join(problems)}


def active_model() -> StatModel | None:
    global _model, _model_checked, _health
    now = time.monotonic()
    if _model is not None and now - _model_checked < settings.TRIAGE_CACHE_SECONDS * 6:
        return _model[1]
    with _lock:
        try:
            version = _model_version()
        except DatabaseError:
            version = None
        if _model is None or _model[0] != version:
            model, _health = _load_model(version)
            _model = (version, model)
        _model_checked = now
        return _model[1]


def clear_caches() -> None:
    global _rules, _model
    with _lock:
        _rules, _model = None, None


# --- the decision --------------------------------------------------------------------------------


def _share(model: StatModel | None, cat: Any, category: str) -> float:
    """The model's probability of `category` (0 without a model)."""
    if model is None or cat is None:
        return 0.0
    classes = list(model.category_clf.classes_)
    return float(cat[classes.index(category)]) if category in classes else 0.0


def _excuse(
    exceptions: list[CompiledRule], text: str, category: str
) -> tuple[CompiledRule, list[str]] | None:
    """The first "not red because" rule (for this category, or for any) matching the text.
    A long message of several passages is never excused: a reason found in one passage
    says nothing about a danger told in another."""
    if segments(text):
        return None
    for rule in exceptions:
        if (not rule.category or rule.category == category) and (hits := rule.match(text)):
            return rule, hits
    return None


def _decide(
    text: str,
    hint: str,
    rules: list[CompiledRule],
    model: StatModel | None,
    p_red: float | None,
    prio: Any | None,
    cat: Any | None,
    explain: bool = True,
    row: Any = None,
) -> Verdict:
    reasons: list[str] = []
    exceptions = [r for r in rules if r.kind == RULE_KIND_NOT_RED]
    rules = [r for r in rules if r.kind != RULE_KIND_NOT_RED]
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
        excuse = (
            None
            if p_red < model.red_threshold or p_red >= model.excused_threshold
            else _excuse(exceptions, text, model_category)
        )
        if p_red >= model.red_threshold and excuse is None:
            # Safety first: a real chance of danger is enough to call it red.
            model_priority, priority_conf = Priority.RED.value, max(float(p_red), 0.5)
        else:
            if excuse is not None:
                # A chance of danger the model is not sure of, and an administrator's rule
                # says why such a text is not urgent: not red, and a person looks.
                reasons.append(f"not_red:{excuse[0].name}:{'/'.join(excuse[1][:3])}")
            others = [(float(prio[i]), c) for i, c in enumerate(prio_classes) if c != Priority.RED]
            best, model_priority = max(others)
            priority_conf = best / max(sum(p for p, _c in others), 1e-9)
        reasons.append(f"model:{model_priority}:{priority_conf:.2f}")
        if explain:
            reasons += [
                f"ngram:{g}"
                for g in model.top_features(text, hint, category=model_category, row=row)
            ]
    else:
        model_priority, model_category, priority_conf, category_conf = "", "", 0.0, 0.0
    hazard_share = 0.0
    if model is not None and cat is not None:
        cat_classes = list(model.category_clf.classes_)
        hazard_share = sum(
            float(cat[cat_classes.index(c)]) for c in RED_CATEGORIES if c in cat_classes
        )

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

    rule_category = next((r.category for r, _h in (red_rules or fired) if r.category), "")
    # The model's category unless it is unsure: administrators' rules (a red rule first)
    # name it then. Red rules make a verdict red, yet a trapped lift stays 物业 as the
    # corpus files it; overriding a confident model cost 2–3 points of macro-F1 per fold.
    red_rule_category = next((r.category for r, _h in red_rules if r.category), "")
    if red_rule_category and (
        not model_category or _share(model, cat, red_rule_category) >= RED_RULE_CATEGORY_SHARE
    ):
        category = red_rule_category
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

    # The seed: a safety hazard or a collective conflict is red, unless an administrator's
    # "not red because" rule explains why this one is not.
    if category in RED_CATEGORIES and priority != Priority.RED:
        excused = _excuse(exceptions, text, category)
        if excused:
            rule, hits = excused
            note = f"not_red:{rule.name}:{'/'.join(hits[:3])}"
            if note not in reasons:
                reasons.append(note)
        else:
            reasons.append(f"category_red:{category}:{priority}")
            priority, confidence = Priority.RED.value, max(confidence, 0.6)

    review_below = settings.TRIAGE_REVIEW_CONFIDENCE
    needs_review = confidence < review_below or (
        bool(model_category) and category_conf < review_below * 0.6
    )
    if priority != Priority.RED:
        if model is None:
            # Without the model nobody has checked that this is not a calmly told hazard.
            needs_review = True
        elif p_red is not None and (
            p_red >= model.review_threshold or hazard_share >= HAZARD_CATEGORY_SHARE
        ):
            # Not confidently non-red: a person looks, and the confidence says so.
            needs_review = True
            confidence = max(
                0.0, min(confidence, 1.0 - max(float(p_red), hazard_share), review_below - 0.01)
            )
            if model.held_by_passage_bar(float(p_red)):
                reasons.append(f"passage:{model.passage_p(text, hint):.2f}")
            else:
                reasons.append(f"p_red:{float(p_red):.2f}")
    return Verdict(str(priority), str(category), round(float(confidence), 3), reasons, needs_review)


def classify_many(items: list[tuple[str, str]], *, explain: bool = True) -> list[Verdict]:
    """[(text, type hint)] → verdicts, vectorising the batch once (the fast path).
    `explain=False` skips the strongest-n-gram reasons (for bulk scoring)."""
    rules = active_rules()
    model = active_model()
    # Rules and model read the standard form (`hanzi`); the appeal keeps what was written.
    items = [(standard(t or ""), h or "") for t, h in items]
    if model is not None and items:
        texts, hints = [t for t, _h in items], [h for _t, h in items]
        matrix = model.vectorize(texts, hints)  # once, for the heads and the reasons
        p_red, prio, cat = model.predict(texts, hints, matrix=matrix)
        # Slicing a row out costs a third of the transform: one text is its own row, and
        # only explanations read a row.
        rows: list[Any] = [None] * len(texts)
        if len(texts) == 1:
            rows = [matrix]
        elif explain:
            rows = [matrix[i] for i in range(len(texts))]
        return [
            _decide(t, h, rules, model, float(p_red[i]), prio[i], cat[i], explain, row=rows[i])
            for i, (t, h) in enumerate(zip(texts, hints, strict=True))
        ]
    return [_decide(t or "", h or "", rules, None, None, None, None) for t, h in items]


def classify(*, text: str, type_hint: str = "") -> Verdict:
    return classify_many([(text, type_hint)])[0]
