"""The statistical half of triage: character n-gram TF-IDF with two logistic regressions
(priority, category). Chinese needs no word segmenter for this: character 1–4-grams
catch words, typos and dialect alike. Trains in seconds on the shipped corpus; the
trained model ships in the package (data/model.pkl) so nothing is downloaded."""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from jiaoliuba.triage.choices import Category, Priority

DATA_DIR = Path(__file__).parent / "data"
SHIPPED_MODEL = DATA_DIR / "model.pkl"
TRAIN_FILES = ("train_a.jsonl", "train_b.jsonl")
TEST_FILE = "test.jsonl"
PRIORITIES = [Priority.RED.value, Priority.YELLOW.value, Priority.BLUE.value]
CATEGORIES = [c.value for c in Category]


@dataclass
class Example:
    content: str
    type_hint: str
    priority: str
    category: str
    id: str = ""


def load_jsonl(path: Path) -> list[Example]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            rows.append(
                Example(
                    item["content"],
                    item.get("type") or "",
                    item["priority"],
                    item["category"],
                    item.get("id", ""),
                )
            )
    return rows


def training_corpus() -> list[Example]:
    rows: list[Example] = []
    for name in TRAIN_FILES:
        path = DATA_DIR / name
        if path.exists():
            rows += load_jsonl(path)
    return rows


def test_corpus() -> list[Example]:
    return load_jsonl(DATA_DIR / TEST_FILE)


def _document(text: str, hint: str) -> str:
    # The resident's hint is one more signal; the model learns how far to trust it.
    # A private-use character keeps it from forming n-grams with real text.
    marker = f"\ue000{hint}\ue000 " if hint else ""
    return marker + (text or "")


@dataclass
class StatModel:
    vectorizer: TfidfVectorizer
    priority_clf: LogisticRegression
    category_clf: LogisticRegression
    red_threshold: float = 0.5
    version: str = "untrained"
    metrics: dict[str, Any] = field(default_factory=dict)

    def predict(self, texts: Sequence[str], hints: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        matrix = self.vectorizer.transform(
            [_document(t, h) for t, h in zip(texts, hints, strict=True)]
        )
        return self.priority_clf.predict_proba(matrix), self.category_clf.predict_proba(matrix)

    def top_features(self, text: str, hint: str, *, category: str, n: int = 3) -> list[str]:
        """The n-grams that pushed this text towards `category` most."""
        row = self.vectorizer.transform([_document(text, hint)])
        classes = list(self.category_clf.classes_)
        if category not in classes:
            return []
        weights = self.category_clf.coef_[classes.index(category)]
        contributions = row.multiply(weights).tocsr()
        if contributions.nnz == 0:
            return []
        order = np.argsort(contributions.data)[::-1][:n]
        names = self.vectorizer.get_feature_names_out()
        return [names[contributions.indices[i]].strip() for i in order if contributions.data[i] > 0]

    def dumps(self) -> bytes:
        return pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def loads(blob: bytes) -> StatModel:
        # Only models this project trained are ever loaded (the shipped file and rows
        # written by `jiaoliuba triage retrain`), never user uploads.
        return pickle.loads(blob)  # noqa: S301


def train(rows: Iterable[Example], *, version: str = "") -> StatModel:
    rows = list(rows)
    docs = [_document(r.content, r.type_hint) for r in rows]
    vectorizer = TfidfVectorizer(
        analyzer="char", ngram_range=(1, 4), min_df=2, sublinear_tf=True, max_features=200_000
    )
    matrix = vectorizer.fit_transform(docs)
    priority_clf = LogisticRegression(C=8.0, max_iter=2000, class_weight="balanced")
    priority_clf.fit(matrix, [r.priority for r in rows])
    category_clf = LogisticRegression(C=8.0, max_iter=2000, class_weight="balanced")
    category_clf.fit(matrix, [r.category for r in rows])
    return StatModel(vectorizer, priority_clf, category_clf, version=version or f"n{len(rows)}")


def red_probability(model: StatModel, prio_probs: np.ndarray) -> np.ndarray:
    return prio_probs[:, list(model.priority_clf.classes_).index(Priority.RED.value)]


def choose_red_threshold(
    rows: list[Example], *, folds: int = 5, target_recall: float = 0.985, seed: int = 7
) -> float:
    """The highest P(red) threshold that keeps red recall at `target_recall` in k-fold
    cross-validation on the training rows. The held-out test set is never used."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(rows))
    scores: list[float] = []
    for k in range(folds):
        held = set(order[k::folds].tolist())
        fit = [r for i, r in enumerate(rows) if i not in held]
        val = [rows[i] for i in sorted(held)]
        model = train(fit)
        prio, _cat = model.predict([r.content for r in val], [r.type_hint for r in val])
        p_red = red_probability(model, prio)
        scores += [float(p) for p, r in zip(p_red, val, strict=True) if r.priority == Priority.RED]
    scores.sort()
    # Allow (1 - target) of the red examples below the threshold.
    cut = int(len(scores) * (1 - target_recall))
    return max(0.05, min(0.5, scores[cut] if scores else 0.5))


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
    pp, pr, pf, ps = precision_recall_fscore_support(y_p, p_p, labels=PRIORITIES, zero_division=0)
    cp, cr, cf, cs = precision_recall_fscore_support(y_c, p_c, labels=CATEGORIES, zero_division=0)
    return Evaluation(
        n=len(rows),
        red_recall=red_recall,
        priority_accuracy=sum(a == b for a, b in zip(y_p, p_p, strict=True)) / len(rows),
        category_macro_f1=float(
            f1_score(y_c, p_c, labels=CATEGORIES, average="macro", zero_division=0)
        ),
        per_priority={
            lab: {
                "precision": float(pp[i]),
                "recall": float(pr[i]),
                "f1": float(pf[i]),
                "n": int(ps[i]),
            }
            for i, lab in enumerate(PRIORITIES)
        },
        per_category={
            lab: {
                "precision": float(cp[i]),
                "recall": float(cr[i]),
                "f1": float(cf[i]),
                "n": int(cs[i]),
            }
            for i, lab in enumerate(CATEGORIES)
        },
        priority_confusion=confusion_matrix(y_p, p_p, labels=PRIORITIES).tolist(),
        category_confusion=confusion_matrix(y_c, p_c, labels=CATEGORIES).tolist(),
    )
