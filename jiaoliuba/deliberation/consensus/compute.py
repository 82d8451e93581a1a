"""The opinion map of a question, computed the way Pol.is does, from the vote matrix
alone (participants × statements; +1 agree, -1 disagree, 0 pass, NaN not seen). Pure
numpy / scikit-learn: no database, so the tests plant groups in synthetic matrices and
the bench times exactly what the worker runs.

1. Participants with fewer than `min_votes` votes are left out of the map (too little to
   place them); everyone's votes still count in the per-statement totals.
2. Missing votes are imputed with the statement's mean vote (Pol.is' column-mean
   imputation), which after centring is 0: a participant contributes nothing on a
   statement they have not seen, instead of being read as "pass".
3. PCA to two components (randomised SVD of the centred matrix). Each projection is
   scaled by sqrt(statements / votes of the participant), as Pol.is does, so that people
   who voted on few statements are not all squeezed into the middle.
4. k-means for k = 2…5, keeping the k with the best silhouette (on a sample of at most
   `silhouette_sample` points, which is what keeps 10,000 participants fast).
5. Representative statements per group (Pol.is "repness"): with Laplace-smoothed agree
   and disagree probabilities in the group and in everyone else, a statement represents
   the group when the group leans that way (p > ½, one-proportion z > z90) and leans that
   way more than the rest (two-proportion z > z90); ranked by ratio × z × p × z.
6. Group-informed consensus: the product over groups of P(agree | group) (Laplace
   smoothed); a consensus statement is one every group leans to agree on (each > ½).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.utils.extmath import randomized_svd

AGREE, PASS, DISAGREE = 1, 0, -1
Z90 = 1.2816  # one-sided 90 %: the significance Pol.is uses for repness
K_RANGE = (2, 3, 4, 5)
GRID = 24  # density cells per side of the map


@dataclass(frozen=True)
class Settings:
    min_votes: int = 3
    # Groups with fewer members are neither drawn nor described (privacy rule).
    min_group: int = 5
    # A density cell is drawn only with at least this many people in it.
    min_cell: int = 3
    silhouette_sample: int = 1500
    representatives: int = 5
    consensus: int = 10
    seed: int = 0


@dataclass
class Outcome:
    """What the worker stores; `data` is JSON-ready, `placements` are (participant index
    in `participants`, x, y, group) for the own-marker of each person and nothing else."""

    participants: np.ndarray  # participant ids that were placed on the map
    coords: np.ndarray  # normalised to [0, 1]², same order
    labels: np.ndarray  # group of each placed participant (-1: none)
    data: dict[str, Any] = field(default_factory=dict)


def matrix_from_votes(
    voters: np.ndarray, statements: np.ndarray, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(participant ids, statement ids, float32 matrix with NaN where not voted) from three
    equal-length arrays of vote rows."""
    pids, rows = np.unique(voters, return_inverse=True)
    sids, cols = np.unique(statements, return_inverse=True)
    matrix = np.full((len(pids), len(sids)), np.nan, dtype=np.float32)
    matrix[rows, cols] = values
    return pids, sids, matrix


def _prop_z(successes: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Pol.is' one-proportion test against ½, with a pseudo-count."""
    return 2.0 * np.sqrt(n + 1.0) * ((successes + 1.0) / (n + 1.0) - 0.5)


def _two_prop_z(s1: np.ndarray, n1: np.ndarray, s2: np.ndarray, n2: np.ndarray) -> np.ndarray:
    """Pol.is' two-proportion test (group vs rest), with a pseudo-count each."""
    s1, n1, s2, n2 = s1 + 1.0, n1 + 1.0, s2 + 1.0, n2 + 1.0
    p1, p2 = s1 / n1, s2 / n2
    pooled = (s1 + s2) / (n1 + n2)
    spread = np.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
    return np.divide(p1 - p2, spread, out=np.zeros_like(p1), where=spread > 0)


def _project(
    matrix: np.ndarray, voted: np.ndarray, agree: np.ndarray, disagree: np.ndarray, seed: int
) -> np.ndarray:
    counts = voted.sum(axis=0)
    # A pass is 0, so a statement's sum of votes is its agrees less its disagrees.
    sums = (agree.sum(axis=0) - disagree.sum(axis=0)).astype(np.float64)
    means = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0).astype(np.float32)
    centred = matrix - means
    np.nan_to_num(centred, copy=False, nan=0.0)  # imputed with the mean, then centred: 0
    u, s, _vt = randomized_svd(centred, n_components=2, n_iter=4, random_state=seed)
    coords = (u * s).astype(np.float64)
    seen = np.maximum(voted.sum(axis=1), 1)
    return coords * np.sqrt(matrix.shape[1] / seen)[:, None]


def _kmeans(
    points: np.ndarray, k: int, rng: np.random.Generator, *, starts: int = 4, init=None
) -> tuple[np.ndarray, np.ndarray]:
    """Lloyd's k-means with k-means++ starts, keeping the start with the least inertia.
    Points are 2-D, so plain numpy beats scikit-learn's per-call overhead here."""
    n = len(points)
    best: tuple[float, np.ndarray, np.ndarray] | None = None
    for _ in range(1 if init is not None else starts):
        if init is not None:
            centres = np.array(init, dtype=np.float64)
        else:
            chosen = [points[rng.integers(n)]]
            nearest = ((points - chosen[0]) ** 2).sum(axis=1)
            for _ in range(1, k):
                total = nearest.sum()
                pick = rng.choice(n, p=nearest / total) if total > 0 else rng.integers(n)
                chosen.append(points[pick])
                nearest = np.minimum(nearest, ((points - points[pick]) ** 2).sum(axis=1))
            centres = np.array(chosen)
        for _ in range(100):
            distance = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
            labels = distance.argmin(axis=1)
            moved = centres.copy()
            for j in range(k):
                members = labels == j
                if members.any():
                    moved[j] = points[members].mean(axis=0)
            if np.allclose(moved, centres):
                break
            centres = moved
        inertia = float(distance[np.arange(n), labels].sum())
        if best is None or inertia < best[0]:
            best = (inertia, labels, centres)
    assert best is not None
    return best[1], best[2]


def _silhouette(distance: np.ndarray, labels: np.ndarray, k: int) -> float:
    """Mean silhouette from a precomputed distance matrix (shared by every k)."""
    one_hot = np.zeros((len(labels), k))
    one_hot[np.arange(len(labels)), labels] = 1.0
    sizes = one_hot.sum(axis=0)
    sums = distance @ one_hot  # n × k: total distance to each group
    own_size = sizes[labels]
    own = sums[np.arange(len(labels)), labels] / np.maximum(own_size - 1, 1)
    others = np.where(one_hot > 0, np.inf, sums / np.maximum(sizes, 1))
    nearest = others.min(axis=1)
    score = (nearest - own) / np.maximum(np.maximum(own, nearest), 1e-12)
    score[own_size <= 1] = 0.0  # a group of one has silhouette 0 by convention
    return float(score.mean())


def _cluster(coords: np.ndarray, settings: Settings) -> tuple[np.ndarray, float]:
    """k is chosen on a sample (k-means and silhouette for each k), then the chosen
    k-means is refined on everyone from the sample's centres."""
    n = len(coords)
    rng = np.random.default_rng(settings.seed)
    size = min(n, settings.silhouette_sample)
    sample = coords[np.sort(rng.choice(n, size=size, replace=False))]
    distance = np.sqrt(((sample[:, None, :] - sample[None, :, :]) ** 2).sum(axis=2))
    best: tuple[float, np.ndarray] | None = None
    for k in K_RANGE:
        if k >= size:
            break
        labels, centres = _kmeans(sample, k, rng)
        if len(np.unique(labels)) < 2:
            continue
        score = _silhouette(distance, labels, k)
        if best is None or score > best[0] + 1e-9:
            best = (score, centres)
    if best is None:
        return np.zeros(n, dtype=np.int64), 0.0
    score, centres = best
    labels, _ = _kmeans(coords, len(centres), rng, init=centres)
    # Group 0 is the largest: the numbering does not depend on k-means' starting points.
    order = np.argsort(-np.bincount(labels, minlength=len(centres)), kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[labels], score


def _normalise(coords: np.ndarray) -> np.ndarray:
    """Into [0, 1]² with a margin, robust to a few far-out people (they sit on the edge)."""
    low = np.percentile(coords, 1, axis=0)
    high = np.percentile(coords, 99, axis=0)
    span = np.where(high - low > 1e-9, high - low, 1.0)
    # A margin leaves room for the groups' ellipses, which reach past their members.
    return np.clip(0.2 + 0.6 * (coords - low) / span, 0.02, 0.98)


def _ellipse(points: np.ndarray) -> dict[str, float]:
    """The 2σ ellipse of a group: a shape of the crowd, not of anyone in it."""
    centre = points.mean(axis=0)
    cov = np.cov(points.T) if len(points) > 1 else np.zeros((2, 2))
    values, vectors = np.linalg.eigh(cov)
    values = np.maximum(values, 1e-6)
    angle = math.degrees(math.atan2(vectors[1, 1], vectors[0, 1]))
    return {
        "cx": round(float(centre[0]), 4),
        "cy": round(float(centre[1]), 4),
        "rx": round(float(2 * math.sqrt(values[1])), 4),
        "ry": round(float(2 * math.sqrt(values[0])), 4),
        "angle": round(angle, 1),
    }


def _cells(points: np.ndarray, min_cell: int) -> list[list[float]]:
    """Density: [x, y, count] of each grid cell holding at least `min_cell` people."""
    index = np.minimum((points * GRID).astype(np.int64), GRID - 1)
    flat = index[:, 0] * GRID + index[:, 1]
    counts = np.bincount(flat, minlength=GRID * GRID)
    cells = []
    for cell in np.flatnonzero(counts >= min_cell):
        cells.append(
            [
                round((cell // GRID + 0.5) / GRID, 4),
                round((cell % GRID + 0.5) / GRID, 4),
                int(counts[cell]),
            ]
        )
    return cells


def _repness(
    group_counts: tuple[np.ndarray, np.ndarray, np.ndarray],
    totals: tuple[np.ndarray, np.ndarray, np.ndarray],
    statement_ids: np.ndarray,
    limit: int,
) -> list[dict[str, Any]]:
    na, nd, ns = group_counts
    ta, td, ts = totals
    ra_, rd_, rs_ = ta - na, td - nd, ts - ns
    pa, pd = (na + 1) / (ns + 2), (nd + 1) / (ns + 2)
    pa_rest, pd_rest = (ra_ + 1) / (rs_ + 2), (rd_ + 1) / (rs_ + 2)
    pat, pdt = _prop_z(na, ns), _prop_z(nd, ns)
    rat, rdt = _two_prop_z(na, ns, ra_, rs_), _two_prop_z(nd, ns, rd_, rs_)
    agree_ok = (pa > 0.5) & (pat > Z90) & (rat > Z90)
    disagree_ok = (pd > 0.5) & (pdt > Z90) & (rdt > Z90)
    agree_score = np.where(agree_ok, (pa / pa_rest) * rat * pa * pat, 0.0)
    disagree_score = np.where(disagree_ok, (pd / pd_rest) * rdt * pd * pdt, 0.0)
    score = np.maximum(agree_score, disagree_score)
    picked = [i for i in np.argsort(-score, kind="stable")[:limit] if score[i] > 0]
    out = []
    for i in picked:
        agree = agree_score[i] >= disagree_score[i]
        out.append(
            {
                "statement": int(statement_ids[i]),
                "direction": "agree" if agree else "disagree",
                "p_group": round(float(pa[i] if agree else pd[i]), 3),
                "p_rest": round(float(pa_rest[i] if agree else pd_rest[i]), 3),
                "z": round(float(rat[i] if agree else rdt[i]), 2),
                "score": round(float(score[i]), 3),
            }
        )
    return out


def compute(
    participant_ids: np.ndarray,
    statement_ids: np.ndarray,
    matrix: np.ndarray,
    settings: Settings | None = None,
) -> Outcome:
    settings = settings or Settings()
    voted_all = ~np.isnan(matrix)
    agree_all = matrix == AGREE  # NaN compares unequal: not seen is neither
    disagree_all = matrix == DISAGREE
    agree_n = agree_all.sum(axis=0)
    disagree_n = disagree_all.sum(axis=0)
    seen_n = voted_all.sum(axis=0)
    statements = {
        int(sid): {
            "agree": int(agree_n[j]),
            "disagree": int(disagree_n[j]),
            "pass": int(seen_n[j] - agree_n[j] - disagree_n[j]),
        }
        for j, sid in enumerate(statement_ids)
    }
    data: dict[str, Any] = {
        "voters": len(participant_ids),
        "statements": statements,
        "placed": 0,
        "k": 0,
        "silhouette": None,
        "groups": [],
        "consensus": [],
        "divisive": [],
        "settings": {"min_votes": settings.min_votes, "min_group": settings.min_group},
    }
    keep = voted_all.sum(axis=1) >= settings.min_votes
    placed = participant_ids[keep]
    enough = len(placed) >= 2 * settings.min_group and matrix.shape[1] >= 2
    if not enough:
        return Outcome(placed[:0], np.zeros((0, 2)), np.zeros(0, dtype=np.int64), data)

    if keep.all():  # the usual case; a copy of a 10,000 × 1,000 matrix is not free
        sub, voted, agree, disagree = matrix, voted_all, agree_all, disagree_all
    else:
        sub, voted = matrix[keep], voted_all[keep]
        agree, disagree = agree_all[keep], disagree_all[keep]
    raw = _project(sub, voted, agree, disagree, settings.seed)
    labels, silhouette = _cluster(raw, settings)
    coords = _normalise(raw)
    k = int(labels.max()) + 1
    na = np.zeros((k, sub.shape[1]))
    nd, ns = np.zeros_like(na), np.zeros_like(na)
    for g in range(k):
        members = labels == g
        na[g], nd[g], ns[g] = (
            agree[members].sum(axis=0),
            disagree[members].sum(axis=0),
            voted[members].sum(axis=0),
        )
    totals = (na.sum(axis=0), nd.sum(axis=0), ns.sum(axis=0))

    groups = []
    for g in range(k):
        members = labels == g
        size = int(members.sum())
        shown = size >= settings.min_group
        groups.append(
            {
                "id": g,
                "size": size,
                "shown": shown,
                "ellipse": _ellipse(coords[members]) if shown else None,
                "cells": _cells(coords[members], settings.min_cell) if shown else [],
                "representative": _repness(
                    (na[g], nd[g], ns[g]), totals, statement_ids, settings.representatives
                )
                if shown
                else [],
            }
        )

    p_agree = (na + 1) / (ns + 2)  # k × m, Laplace smoothed
    gac = np.prod(p_agree, axis=0)
    every = np.all(p_agree > 0.5, axis=0)
    order = [j for j in np.argsort(-gac, kind="stable") if every[j]][: settings.consensus]
    data.update(
        placed=len(placed),
        k=k,
        silhouette=round(silhouette, 4),
        groups=groups,
        consensus=[
            {
                "statement": int(statement_ids[j]),
                "score": round(float(gac[j]), 4),
                "p_groups": [round(float(p), 3) for p in p_agree[:, j]],
            }
            for j in order
        ],
        divisive=_divisive(p_agree, statement_ids, settings.consensus),
    )
    return Outcome(placed, coords, labels, data)


def _divisive(p_agree: np.ndarray, statement_ids: np.ndarray, limit: int) -> list[dict[str, Any]]:
    """Statements the groups part over most: the widest spread of agreement."""
    spread = p_agree.max(axis=0) - p_agree.min(axis=0)
    order = np.argsort(-spread, kind="stable")[:limit]
    return [
        {"statement": int(statement_ids[j]), "spread": round(float(spread[j]), 3)}
        for j in order
        if spread[j] > 0.25
    ]
