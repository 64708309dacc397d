"""Label offsets fitted on validation scores: the rule, the grid search and its honest estimate."""

from __future__ import annotations

import random

from react_core import apply_offsets, best_offsets
from react_core.training.calibration import GRID, cross_validated_accuracy

LABELS = ["yes", "no", "maybe"]


def test_offsets_shift_the_choice_and_the_first_label_wins_a_tie() -> None:
    rows = [[-1.0, -1.5, -3.0], [-2.0, -2.0, -2.5]]
    assert apply_offsets(rows, LABELS) == ["yes", "yes"]
    assert apply_offsets(rows, LABELS, {"no": 0.75}) == ["no", "no"]
    assert apply_offsets(rows, LABELS, {"maybe": 10.0, "unknown": 99.0}) == ["maybe", "maybe"]


def test_the_smallest_offsets_that_undo_a_lean_are_chosen() -> None:
    # a model that leans to "yes" by 0.6 nats: the truth is "no" wherever "no" is within 0.6
    rows = [[0.0, -0.5, -4.0], [0.0, -0.4, -4.0], [0.0, -2.0, -4.0], [0.0, -3.0, -4.0]]
    truth = ["no", "no", "yes", "yes"]
    chosen = best_offsets(rows, truth, LABELS)
    assert chosen == {"yes": 0.0, "no": 0.75, "maybe": 0.0}  # 0.5 would tie the first row: "yes" wins ties
    assert apply_offsets(rows, LABELS, chosen) == truth
    assert best_offsets(rows, ["yes"] * 4, LABELS) == {"yes": 0.0, "no": 0.0, "maybe": 0.0}  # nothing to undo
    assert GRID[0] == -4.0 and GRID[-1] == 4.0 and len(GRID) == 33


def test_cross_validation_does_not_reward_offsets_fitted_to_noise() -> None:
    rng = random.Random(0)
    rows = [[rng.gauss(0, 1) for _ in LABELS] for _ in range(60)]
    truth = [rng.choice(LABELS) for _ in rows]  # scores carry nothing about the truth
    fitted = apply_offsets(rows, LABELS, best_offsets(rows, truth, LABELS, grid=GRID[::4]))
    in_sample = sum(p == t for p, t in zip(fitted, truth)) / len(truth)
    held_out = cross_validated_accuracy(rows, truth, LABELS, grid=GRID[::4], seeds=3)
    assert len(held_out) == 3 and sum(held_out) / 3 < in_sample  # the fit flatters itself; the folds say so
