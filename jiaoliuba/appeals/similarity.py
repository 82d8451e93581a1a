"""Near-duplicate Chinese text through MinHash over character bigrams with an LSH index
in the database: a query looks up 16 band hashes (one indexed IN) and compares only the
candidates exactly, so its cost does not grow with the number of appeals."""

from __future__ import annotations

import re
import zlib
from functools import cache

import numpy as np

from jiaoliuba.core.hanzi import standard

PERMUTATIONS = 32
BANDS = 16
ROWS = PERMUTATIONS // BANDS
_PRIME = (1 << 61) - 1
_MASK32 = (1 << 32) - 1
_STRIP = re.compile(r"[\s\W_]+", re.UNICODE)


def normalize(text: str) -> str:
    # Read in the standard form (`core.hanzi`): 電梯壞了 and 部𨋢坏咗 repeat 电梯坏了.
    return _STRIP.sub("", standard(text or "").lower())


def shingles(text: str) -> set[str]:
    clean = normalize(text)
    if len(clean) < 2:
        return {clean} if clean else set()
    return {clean[i : i + 2] for i in range(len(clean) - 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def score(a: set[str], b: set[str]) -> float:
    """Mean of Jaccard and the overlap coefficient: paraphrases of different lengths
    ("工地半夜打桩吵得睡不着" / a long story around the same complaint) still score."""
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return (shared / len(a | b) + shared / min(len(a), len(b))) / 2


@cache
def _coefficients() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(
        411700
    )  # fixed: signatures must be stable across processes and releases
    a = rng.integers(1, _PRIME - 1, size=PERMUTATIONS, dtype=np.uint64)
    b = rng.integers(0, _PRIME - 1, size=PERMUTATIONS, dtype=np.uint64)
    return a, b


def signature(grams: set[str]) -> np.ndarray:
    if not grams:
        return np.zeros(PERMUTATIONS, dtype=np.uint64)
    base = np.fromiter((zlib.crc32(g.encode()) for g in grams), dtype=np.uint64, count=len(grams))
    a, b = _coefficients()
    # (a*x + b) mod p on 64-bit ints: x < 2^32 and a < 2^61 would overflow, so mix in two
    # 32-bit halves of a; exactness is not needed, only a stable, well-spread hash.
    hashed = (np.outer(base, a & _MASK32) + b) % _PRIME
    hashed ^= np.outer(base, a >> np.uint64(32)) % _PRIME
    return hashed.min(axis=0)


def band_hashes(grams: set[str]) -> list[int]:
    """One signed 63-bit hash per band (fits a BigIntegerField on every database)."""
    sig = signature(grams)
    out = []
    for band in range(BANDS):
        chunk = sig[band * ROWS : (band + 1) * ROWS].tobytes()
        value = zlib.crc32(chunk, band) | (zlib.adler32(chunk, band + 1) << 32)
        out.append(value & ((1 << 62) - 1))
    return out
