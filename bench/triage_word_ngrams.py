"""Experiment, not shipped (issue 11, fourth pass): the leave-one-file-out evaluation with
character 1–3-grams plus word uni- and bigrams from a longest-match segmenter whose lexicon
(2–4-character strings in at least 8 texts) is built from the rows of each fit, so no fold
sees its held-out file's words. Prints the same JSON as `jiaoliuba triage evaluate
--leave-one-out`; figures in bench/README.md (Triage, fourth pass).

    .venv/bin/python bench/triage_word_ngrams.py > /tmp/loo-words.json
"""

from __future__ import annotations

import io
import itertools
import os
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MIN_TEXTS = 8
PUNCTUATION = set("，。！？、 ,.!?；;：:\n")


def build_lexicon(texts: list[str]) -> set[str]:
    """2–4-character strings found in at least MIN_TEXTS texts, without punctuation."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({text[i : i + n] for n in (2, 3, 4) for i in range(len(text) - n + 1)})
    return {w for w, k in counts.items() if k >= MIN_TEXTS and not PUNCTUATION & set(w)}


def make_analyzer(lexicon: set[str]) -> Callable[[str], list[str]]:
    def analyze(doc: str) -> list[str]:
        grams = [doc[i : i + k] for k in (1, 2, 3) for i in range(len(doc) - k + 1)]
        words, i = [], 0
        while i < len(doc):
            for k in (4, 3, 2):
                if doc[i : i + k] in lexicon:
                    words.append(doc[i : i + k])
                    i += k
                    break
            else:
                words.append(doc[i])
                i += 1
        grams += ["\ue001" + w for w in words if len(w) > 1]
        grams += ["\ue002" + a + "_" + b for a, b in itertools.pairwise(words)]
        return grams

    return analyze


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django  # imports after the settings are chosen and Django is set up

    django.setup()
    from django.core.management import call_command

    from jiaoliuba.triage import training
    from jiaoliuba.triage.management.commands import triage

    shipped_train, shipped_vectorizer = training.train, training._vectorizer

    def train(rows, *, version=""):
        rows = list(rows)
        analyzer = make_analyzer(build_lexicon([r.content or "" for r in rows]))
        training._vectorizer = lambda **kw: TfidfVectorizer(
            analyzer=analyzer, sublinear_tf=True, **kw
        )
        try:
            return shipped_train(rows, version=version)
        finally:
            training._vectorizer = shipped_vectorizer

    # The command and the calibration's cross-validation both train through these names.
    training.train = triage.train = train
    out = io.StringIO()
    call_command("triage", "evaluate", "--leave-one-out", stdout=out)
    sys.stdout.write(out.getvalue())


if __name__ == "__main__":
    main()
