"""Vote matrices with planted opinion groups, for the tests, the bench and the demo: each
group has a stance on every statement; a few statements every group agrees with
(consensus) and, per group, a few only that group agrees with (its representatives)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Planted:
    participant_ids: np.ndarray
    statement_ids: np.ndarray
    matrix: np.ndarray  # float32, NaN where not voted
    truth: np.ndarray  # planted group of each participant
    consensus: list[int]  # statement ids every group agrees with
    own: dict[int, list[int]]  # group → statement ids only it agrees with


def planted(
    participants: int,
    statements: int,
    shares: tuple[float, ...] = (0.5, 0.3, 0.2),
    *,
    density: float = 1.0,
    fidelity: float = 0.8,
    planted_fidelity: float = 0.95,
    pass_rate: float = 0.08,
    consensus: int = 3,
    own: int = 3,
    seed: int = 0,
) -> Planted:
    """`fidelity`: how often a person votes their group's stance (`planted_fidelity` on
    the planted consensus and own statements, which are meant to stand out); `density`:
    the share of statements each person saw."""
    rng = np.random.default_rng(seed)
    groups = len(shares)
    truth = rng.choice(groups, size=participants, p=np.asarray(shares) / sum(shares))
    # +1 / -1 stance of each group on each statement.
    stance = rng.choice(np.array([1.0, -1.0], dtype=np.float32), size=(groups, statements))
    consensus_cols = list(range(consensus))
    stance[:, consensus_cols] = 1.0
    own_cols: dict[int, list[int]] = {}
    start = consensus
    for g in range(groups):
        cols = list(range(start, start + own))
        stance[:, cols] = -1.0
        stance[g, cols] = 1.0
        own_cols[g] = cols
        start += own
    wanted = stance[truth]
    keep = np.full(statements, fidelity)
    keep[:start] = planted_fidelity
    flip = rng.random((participants, statements)) > keep
    matrix = np.where(flip, -wanted, wanted).astype(np.float32)
    matrix[rng.random((participants, statements)) < pass_rate] = 0.0
    if density < 1.0:
        matrix[rng.random((participants, statements)) > density] = np.nan
    pids = np.arange(1, participants + 1, dtype=np.int64)
    sids = np.arange(1, statements + 1, dtype=np.int64)
    return Planted(
        participant_ids=pids,
        statement_ids=sids,
        matrix=matrix,
        truth=truth,
        consensus=[int(sids[c]) for c in consensus_cols],
        own={g: [int(sids[c]) for c in cols] for g, cols in own_cols.items()},
    )
