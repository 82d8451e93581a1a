"""The map's mathematics on synthetic vote matrices with planted groups: the right number
of groups, the right members, the planted representative and consensus statements."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import silhouette_score

from jiaoliuba.deliberation.consensus import compute, synthetic


def _agreement(found: np.ndarray, truth: np.ndarray) -> float:
    """Share of participants in the found group that most of their planted group is in."""
    right = 0
    for g in np.unique(truth):
        members = truth == g
        right += np.bincount(found[members]).max()
    return right / len(truth)


def _group_of(found: np.ndarray, truth: np.ndarray, planted_group: int) -> int:
    return int(np.bincount(found[truth == planted_group]).argmax())


@pytest.mark.parametrize(
    ("shares", "density", "seed"),
    [
        ((0.5, 0.5), 1.0, 1),
        ((0.5, 0.3, 0.2), 1.0, 2),
        ((0.4, 0.3, 0.3), 0.3, 3),  # people saw 30 % of the statements
        ((0.3, 0.25, 0.25, 0.2), 0.6, 4),
    ],
)
def test_planted_groups_are_found(shares, density, seed):
    planted = synthetic.planted(600, 60, shares, density=density, seed=seed)
    outcome = compute.compute(planted.participant_ids, planted.statement_ids, planted.matrix)
    assert outcome.data["k"] == len(shares)
    assert _agreement(outcome.labels, planted.truth) > 0.95
    groups = outcome.data["groups"]
    # Group 0 is the largest.
    assert [g["size"] for g in groups] == sorted((g["size"] for g in groups), reverse=True)
    for g, own in planted.own.items():
        found = groups[_group_of(outcome.labels, planted.truth, g)]
        agreed = {r["statement"] for r in found["representative"] if r["direction"] == "agree"}
        assert len(agreed & set(own)) >= 2, (g, found["representative"], own)
    consensus = [c["statement"] for c in outcome.data["consensus"]]
    assert set(consensus[: len(planted.consensus)]) == set(planted.consensus)
    for row in outcome.data["consensus"]:
        assert all(p > 0.5 for p in row["p_groups"])


def test_no_statement_is_consensus_when_groups_are_opposed():
    """Two groups that disagree on everything have no consensus statement."""
    rng = np.random.default_rng(5)
    truth = rng.integers(0, 2, 200)
    stance = np.where(truth[:, None] == 0, 1.0, -1.0) * np.ones((200, 20))
    noise = rng.random((200, 20)) < 0.1
    matrix = np.where(noise, -stance, stance).astype(np.float32)
    outcome = compute.compute(np.arange(200), np.arange(20), matrix)
    assert outcome.data["k"] == 2
    assert _agreement(outcome.labels, truth) > 0.95
    assert outcome.data["consensus"] == []
    assert len(outcome.data["divisive"]) == 10  # the limit: every statement divides


def test_missing_votes_are_not_read_as_pass():
    """Mean imputation: a person who saw half the statements sits with their group, not
    in the middle of the map."""
    planted = synthetic.planted(400, 40, (0.5, 0.5), density=1.0, seed=7)
    matrix = planted.matrix.copy()
    matrix[:40, 20:] = np.nan  # the first forty saw only half the statements
    outcome = compute.compute(planted.participant_ids, planted.statement_ids, matrix)
    assert _agreement(outcome.labels[:40], planted.truth[:40]) > 0.9


def test_too_few_participants_make_no_groups():
    planted = synthetic.planted(8, 10, (0.5, 0.5), seed=1)
    outcome = compute.compute(planted.participant_ids, planted.statement_ids, planted.matrix)
    assert outcome.data["k"] == 0 and outcome.data["groups"] == []
    assert len(outcome.participants) == 0
    # The per-statement totals are still there.
    assert sum(sum(s.values()) for s in outcome.data["statements"].values()) == 80


def test_people_with_too_few_votes_are_not_placed():
    planted = synthetic.planted(100, 20, (0.5, 0.5), seed=2)
    matrix = planted.matrix.copy()
    matrix[:10, 2:] = np.nan  # two votes each: below min_votes=3
    outcome = compute.compute(planted.participant_ids, planted.statement_ids, matrix)
    assert outcome.data["placed"] == 90
    assert set(outcome.participants.tolist()) == set(planted.participant_ids[10:].tolist())


def test_small_groups_are_not_drawn_or_described():
    planted = synthetic.planted(200, 30, (0.5, 0.5), seed=3)
    settings = compute.Settings(min_group=150)
    outcome = compute.compute(
        planted.participant_ids, planted.statement_ids, planted.matrix, settings
    )
    for group in outcome.data["groups"]:
        assert not group["shown"]
        assert group["ellipse"] is None and group["cells"] == [] and group["representative"] == []


def test_density_cells_hide_sparse_places():
    planted = synthetic.planted(300, 30, (0.5, 0.5), seed=4)
    outcome = compute.compute(planted.participant_ids, planted.statement_ids, planted.matrix)
    for group in outcome.data["groups"]:
        assert all(cell[2] >= compute.Settings().min_cell for cell in group["cells"])
        assert sum(cell[2] for cell in group["cells"]) <= group["size"]


def test_the_same_votes_give_the_same_map():
    planted = synthetic.planted(300, 30, (0.4, 0.3, 0.3), density=0.5, seed=6)
    first = compute.compute(planted.participant_ids, planted.statement_ids, planted.matrix)
    second = compute.compute(planted.participant_ids, planted.statement_ids, planted.matrix)
    assert first.data == second.data
    assert np.array_equal(first.labels, second.labels)


def test_matrix_from_vote_rows():
    pids, sids, matrix = compute.matrix_from_votes(
        np.array([7, 7, 3]), np.array([20, 10, 20]), np.array([1.0, -1.0, 0.0])
    )
    assert pids.tolist() == [3, 7] and sids.tolist() == [10, 20]
    assert np.isnan(matrix[0, 0]) and matrix[0, 1] == 0.0
    assert matrix[1].tolist() == [-1.0, 1.0]


def test_silhouette_matches_scikit_learn():
    rng = np.random.default_rng(0)
    points = rng.normal(size=(300, 2))
    labels = rng.integers(0, 3, 300)
    distance = np.sqrt(((points[:, None] - points[None]) ** 2).sum(axis=2))
    assert compute._silhouette(distance, labels, 3) == pytest.approx(
        silhouette_score(points, labels)
    )
