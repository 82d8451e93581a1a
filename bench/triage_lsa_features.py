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

    from jiaoliuba.triage import training

    shipped_logistic = training._logistic

    class FoldedLsa:
        """`training._logistic()` in disguise: fits on the n-grams plus ALPHA × their
        projection on the fit's own SVD, then keeps one linear head over the n-grams."""

        def fit(self, matrix, labels):
            _u, _s, vt = randomized_svd(matrix, K, n_iter=5, random_state=0)
            basis = vt.T
            projected = sparse.csr_matrix(ALPHA * (matrix @ basis))
            clf = shipped_logistic().fit(sparse.hstack([matrix, projected]).tocsr(), labels)
            n = matrix.shape[1]
            clf.coef_ = np.ascontiguousarray(
                clf.coef_[:, :n] + ALPHA * (clf.coef_[:, n:] @ basis.T)
            )
            clf.n_features_in_ = n
            return clf

    # `training.train` fits its three heads through this name.
    training._logistic = FoldedLsa
    out = io.StringIO()
    call_command("triage", "evaluate", *sys.argv[1:], stdout=out)
    sys.stdout.write(out.getvalue())


if __name__ == "__main__":
    main()
