"""Experiment (issue 11): how well a red scorer separates red from not-red on each held-out
training file, independent of where a threshold lands. Per leave-one-file-out fold: the AUC of
P(red) and the false reds at the held-out file's own 97 %-recall point (the threshold that
keeps 97 % of its reds). Whole texts only (no rules, passages or calibration), so two scorers
compare on what they learn, not on the triage around them.

    VARIANT=linear .venv/bin/python bench/triage_separation.py    # the shipped red head
    VARIANT=blend  .venv/bin/python bench/triage_separation.py    # + a small neural net

`blend` averages, in log-odds, the shipped linear red head and a one-hidden-layer network
(HIDDEN units, EPOCHS passes; reds oversampled to balance) over the same character n-grams.
Measured 2026-12-06 (bench/README.md, Triage): 354 → 314 false reds of 3,067; not shipped.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VARIANT = os.environ.get("VARIANT", "linear")
HIDDEN = int(os.environ.get("HIDDEN", "64"))
EPOCHS = int(os.environ.get("EPOCHS", "20"))
RECALL = 0.97


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django  # imports after the settings are chosen and Django is set up

    django.setup()
    import warnings

    import numpy as np
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.metrics import roc_auc_score
    from sklearn.neural_network import MLPClassifier
    from threadpoolctl import threadpool_limits

    from jiaoliuba.triage import model, training

    warnings.filterwarnings("ignore", category=ConvergenceWarning)

    def log_odds(p):
        p = np.clip(p, 1e-6, 1 - 1e-6)
        return np.log(p / (1 - p))

    def scorer(rows):
        docs = [model._document(r.content, r.type_hint) for r in rows]
        is_red = np.asarray([r.priority == "red" for r in rows])
        vectorizer = training._vectorizer(min_df=2, max_features=training.MAX_FEATURES)
        matrix = vectorizer.fit_transform(docs)
        with threadpool_limits(limits=1):
            linear = training._logistic().fit(matrix, is_red)
            net = None
            if VARIANT == "blend":
                everyone = np.arange(len(is_red))
                reds = everyone[is_red]
                extra = np.random.default_rng(0).choice(
                    reds, size=max(0, len(is_red) - 2 * len(reds)), replace=True
                )
                chosen = np.concatenate([everyone, extra])
                net = MLPClassifier(hidden_layer_sizes=(HIDDEN,), max_iter=EPOCHS, random_state=0)
                net.fit(matrix[chosen], is_red[chosen])
            elif VARIANT != "linear":
                raise SystemExit(f"VARIANT: linear or blend, not {VARIANT}")

        def score(texts):
            x = vectorizer.transform(texts)
            odds = log_odds(linear.predict_proba(x)[:, 1])
            if net is not None:
                odds = (odds + log_odds(net.predict_proba(x)[:, 1])) / 2
            return odds

        return score

    files = {path.name: model.load_jsonl(path) for path in model.training_files()}
    false_reds = not_red = 0
    for name, held in files.items():
        started = time.monotonic()
        score = scorer([r for other, rows in files.items() if other != name for r in rows])
        s = score([model._document(r.content, r.type_hint) for r in held])
        is_red = np.asarray([r.priority == "red" for r in held])
        kept = np.sort(s[is_red])[int(np.floor((1 - RECALL) * is_red.sum()))]
        wrong = int(((s >= kept) & ~is_red).sum())
        false_reds += wrong
        not_red += int((~is_red).sum())
        print(
            f"{name.removesuffix('.jsonl'):34s} AUC {roc_auc_score(is_red, s):.4f}  "
            f"false reds at {RECALL:.0%} recall {wrong:4d} / {int((~is_red).sum()):4d}  "
            f"({time.monotonic() - started:.0f} s)",
            flush=True,
        )
    print(f"all folds, {VARIANT}: {false_reds} / {not_red} = {false_reds / not_red:.3f}")


if __name__ == "__main__":
    main()
