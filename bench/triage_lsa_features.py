"""Experiment, not shipped (issue 11, 2026-12-06): the triage model trained on its character
n-grams plus their projection on a latent semantic space (a truncated SVD of each fit's own
TF-IDF matrix, so no fold sees its held-out file), then folded back into one linear head over
the n-grams — the augmented model is linear in the n-grams, so the shipped format would not
change. ALPHA scales the projection (1 and 3 measured), K its dimensions (128). Prints the
same JSON as `jiaoliuba triage evaluate --leave-one-out`; figures in bench/README.md (Triage,
tenth pass).

    ALPHA=1 .venv/bin/python bench/triage_lsa_features.py --leave-one-out > /tmp/loo-lsa.json
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ALPHA = float(os.environ.get("ALPHA", "1.0"))
K = int(os.environ.get("K", "128"))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django  # imports after the settings are chosen and Django is set up

    django.setup()
    import numpy as np
    from django.core.management import call_command
    from scipy import sparse
    from sklearn.utils.extmath import randomized_svd
    from threadpoolctl import threadpool_limits

    from jiaoliuba.triage import training
    from jiaoliuba.triage.choices import Priority
    from jiaoliuba.triage.management.commands import triage
    from jiaoliuba.triage.model import (
        PASSAGE_CATEGORY_P,
        SEGMENT_MIN_CHARS,
        LinearHead,
        StatModel,
        _document,
    )

    def fit_folded(matrix, labels, basis):
        augmented = sparse.hstack([matrix, sparse.csr_matrix(ALPHA * (matrix @ basis))]).tocsr()
        clf = training._logistic().fit(augmented, labels)
        n = matrix.shape[1]
        clf.coef_ = np.ascontiguousarray(clf.coef_[:, :n] + ALPHA * (clf.coef_[:, n:] @ basis.T))
        clf.n_features_in_ = n
        return clf

    def train(rows, *, version=""):
        rows = list(rows)
        docs = [_document(r.content, r.type_hint) for r in rows]
        vectorizer = training._vectorizer(min_df=2, max_features=training.MAX_FEATURES)
        matrix = vectorizer.fit_transform(docs)
        with threadpool_limits(limits=1):
            _u, _s, vt = randomized_svd(matrix, K, n_iter=5, random_state=0)
            red = fit_folded(matrix, [r.priority == Priority.RED for r in rows], vt.T)
            priority = fit_folded(matrix, [r.priority for r in rows], vt.T)
            category = fit_folded(matrix, [r.category for r in rows], vt.T)
        return StatModel(
            vectorizer,
            LinearHead.of(red),
            LinearHead.of(priority),
            LinearHead.of(category),
            version=version or f"n{len(rows)}",
            segment_min_chars=SEGMENT_MIN_CHARS,
            passage_category_p=PASSAGE_CATEGORY_P,
        )

    # The command and the calibration's cross-validation both train through these names.
    training.train = triage.train = train
    out = io.StringIO()
    call_command("triage", "evaluate", *sys.argv[1:], stdout=out)
    sys.stdout.write(out.getvalue())


if __name__ == "__main__":
    main()
