"""What an appeal is about, as a point in a space learned from which words travel together.

Two tellings of one matter often share no word: "垃圾分类点没人收" and "桶都溢出来了" are
one overflowing refuse point. Across thousands of appeals, though, 垃圾, 桶, 溢出 and 清运
turn up in the same messages, so a low-rank summary of the term-by-appeal matrix (latent
semantic analysis: a truncated SVD of the TF-IDF matrix) puts the two near each other.
The space is learned from the triage training corpus shipped with the code (many writers,
none of the bench's streams), so it needs no download and no network; it is computed once
per process, deterministically.

Pure: terms in, unit vectors out. `matching` decides how much closeness counts."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

# 128 dimensions: 64 linked fewer tellings of one matter, 256 no more (bench/README.md,
# Risk warnings, "a space of meaning").
DIMENSIONS = 128
# A term in fewer appeals than this says nothing about co-occurrence; one in more than
# this share of them is background ("小区", "反映").
MIN_DOCS = 2
MAX_SHARE = 0.5


def terms(segments: Iterable[str]) -> Counter[str]:
    """Characters and character bigrams of each segment (bigrams do not cross segments:
    the text between two places or clauses is not one word)."""
    counted: Counter[str] = Counter()
    for segment in segments:
        counted.update(segment)
        counted.update(segment[i : i + 2] for i in range(len(segment) - 1))
    return counted


def weighted(
    counted: Counter[str], columns: dict[str, int], idf: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """One appeal as a TF-IDF row: the columns of its known terms and their weights
    (sublinear TF × IDF, unit length), or None when it has no known term."""
    found = [(columns[t], n) for t, n in counted.items() if t in columns]
    if not found:
        return None
    index = np.fromiter((j for j, _ in found), dtype=np.intp, count=len(found))
    tf = np.fromiter((1.0 + math.log(n) for _, n in found), dtype=np.float32, count=len(found))
    weights = tf * idf[index]
    return index, weights / np.linalg.norm(weights)


@dataclass(frozen=True)
class Space:
    columns: dict[str, int]
    idf: np.ndarray  # one weight per column
    basis: np.ndarray  # columns × dimensions: a term's place in the space

    def point(self, counted: Counter[str]) -> np.ndarray | None:
        """The unit vector of one appeal's terms (its TF-IDF row projected), or None when
        none of its terms is in the space."""
        row = weighted(counted, self.columns, self.idf)
        if row is None:
            return None
        index, weights = row
        vector = weights @ self.basis[index]
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm > 0 else None


def learn_space(documents: Sequence[Counter[str]], dimensions: int = DIMENSIONS) -> Space:
    """The space of `documents` (each the `terms` of one appeal)."""
    # Only learning needs SciPy and scikit-learn; every process imports this module.
    from scipy import sparse  # noqa: PLC0415
    from sklearn.utils.extmath import randomized_svd  # noqa: PLC0415

    df: Counter[str] = Counter()
    for counted in documents:
        df.update(counted.keys())
    n = len(documents)
    kept = sorted(t for t, d in df.items() if MIN_DOCS <= d <= MAX_SHARE * n)
    columns = {t: i for i, t in enumerate(kept)}
    idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in kept], dtype=np.float32)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    values: list[np.ndarray] = []
    for r, counted in enumerate(documents):
        row = weighted(counted, columns, idf)
        if row is not None:
            rows.append(np.full(len(row[0]), r, dtype=np.intp))
            cols.append(row[0])
            values.append(row[1])
    matrix = sparse.csr_matrix(
        (np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n, len(kept)),
        dtype=np.float32,
    )
    rank = min(dimensions, min(matrix.shape) - 1)
    _u, _s, vt = randomized_svd(matrix, rank, n_iter=7, random_state=0)
    return Space(columns=columns, idf=idf, basis=np.ascontiguousarray(vt.T, dtype=np.float32))
