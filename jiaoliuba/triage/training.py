"""Training and measuring the triage model: the half of `model` that needs scikit-learn.

Kept apart so that loading and using a model never imports scikit-learn: inference is
plain numpy on the arrays `model.StatModel` loads (`jiaoliuba classify` never loads it)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
from threadpoolctl import threadpool_limits

from jiaoliuba.triage.choices import Priority
from jiaoliuba.triage.model import (
    CATEGORIES,
    NGRAMS,
    PASSAGE_CATEGORY_P,
    PRIORITIES,
    SEGMENT_MIN_CHARS,
    Example,
    LinearHead,
    StatModel,
    _document,
)

# The features' size and the models' regularisation, chosen with NGRAMS (see there).
MAX_FEATURES = 150_000
C = 32.0


def _vectorizer(**kwargs: Any) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char", ngram_range=NGRAMS, sublinear_tf=True, **kwargs)


def _logistic() -> LogisticRegression:
    return LogisticRegression(C=C, max_iter=3000, class_weight="balanced")


def train(rows: Iterable[Example], *, version: str = "") -> StatModel:
    rows = list(rows)
    docs = [_document(r.content, r.type_hint) for r in rows]
    vectorizer = _vectorizer(min_df=2, max_features=MAX_FEATURES)
    matrix = vectorizer.fit_transform(docs)
    # One BLAS thread: on a shared two-core machine more threads fight and run 4–7× slower,
    # and a retrain must not take the cores from intake.
    with threadpool_limits(limits=1):
        red_clf = _logistic().fit(matrix, [r.priority == Priority.RED for r in rows])
        priority_clf = _logistic().fit(matrix, [r.priority for r in rows])
        category_clf = _logistic().fit(matrix, [r.category for r in rows])
    return StatModel(
        vectorizer,
        LinearHead.of(red_clf),
        LinearHead.of(priority_clf),
        LinearHead.of(category_clf),
        version=version or f"n{len(rows)}",
        segment_min_chars=SEGMENT_MIN_CHARS,
        passage_category_p=PASSAGE_CATEGORY_P,
    )


@dataclass
class OutOfFold:
    """Cross-validated raw P(red) of every training row (`raw_red_texts`), whether a
    passage gave it, and whether the row is red."""

    raw: np.ndarray
    from_passage: np.ndarray
    is_red: np.ndarray


def cross_validated_red(rows: list[Example], *, folds: int = 5, seed: int = 7) -> OutOfFold:
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(rows))
    raw = np.zeros(len(rows))
    from_passage = np.zeros(len(rows), dtype=bool)
    for k in range(folds):
        held = sorted(order[k::folds].tolist())
        held_set = set(held)
        model = train([r for i, r in enumerate(rows) if i not in held_set])
        raw[held], from_passage[held], _whole = model.raw_red_sources(
            [rows[i].content for i in held], [rows[i].type_hint for i in held]
        )
    return OutOfFold(raw, from_passage, np.asarray([r.priority == Priority.RED for r in rows]))


def fit_platt(raw: np.ndarray, is_red: np.ndarray) -> tuple[float, float]:
    """Platt scaling on out-of-fold predictions (never on the data the model saw)."""
    p = np.clip(raw, 1e-6, 1 - 1e-6)
    logit = np.log(p / (1 - p)).reshape(-1, 1)
    lr = LogisticRegression(C=1e6, max_iter=1000).fit(logit, is_red)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


@dataclass
class Evaluation:
    n: int
    red_recall: float
    priority_accuracy: float
    category_macro_f1: float
    per_priority: dict[str, dict[str, float]]
    per_category: dict[str, dict[str, float]]
    priority_confusion: list[list[int]]
    category_confusion: list[list[int]]

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def evaluate(predict, rows: list[Example]) -> Evaluation:
    """`predict(texts, hints) -> list[(priority, category)]`: the whole triage, rules included."""
    results = predict([r.content for r in rows], [r.type_hint for r in rows])
    y_p = [r.priority for r in rows]
    y_c = [r.category for r in rows]
    p_p = [p for p, _c in results]
    p_c = [c for _p, c in results]
    reds = [i for i, y in enumerate(y_p) if y == Priority.RED]
    red_recall = (
        sum(1 for i in reds if p_p[i] == Priority.RED) / len(reds) if reds else float("nan")
    )
    return Evaluation(
        n=len(rows),
        red_recall=red_recall,
        priority_accuracy=sum(a == b for a, b in zip(y_p, p_p, strict=True)) / len(rows),
        category_macro_f1=float(
            f1_score(y_c, p_c, labels=CATEGORIES, average="macro", zero_division=0)
        ),
        per_priority=_per_label(y_p, p_p, PRIORITIES),
        per_category=_per_label(y_c, p_c, CATEGORIES),
        priority_confusion=confusion_matrix(y_p, p_p, labels=PRIORITIES).tolist(),
        category_confusion=confusion_matrix(y_c, p_c, labels=CATEGORIES).tolist(),
    )


def _per_label(truth: list[str], predicted: list[str], labels: list[str]) -> dict[str, Any]:
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0
    )
    return {
        label: {
            "precision": float(precision[i]),
            "recall": float(recall[i]),
            "f1": float(f1[i]),
            "n": int(support[i]),
        }
        for i, label in enumerate(labels)
    }
