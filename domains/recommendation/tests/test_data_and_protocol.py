"""Reading MovieLens files, the leave-one-out protocol, metrics and the collaborative baselines."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from react_recommendation.collaborative import ItemKNN, Popularity
from react_recommendation.movielens import (
    DataFormatError,
    MovieLens,
    evaluate_rankings,
    hit_and_ndcg,
    order,
    read_movies,
    read_ratings,
    readable_title,
)
from react_recommendation.ranker import RankerWeights, fit_grid, ndcg_at_10, stage2_scores, zscore

from .conftest import N_USERS


def test_titles_are_made_readable() -> None:
    assert readable_title("English Patient, The (1996)") == "The English Patient (1996)"
    assert readable_title("Star Wars (1977)") == "Star Wars (1977)"
    assert readable_title("Usual Suspects, The") == "The Usual Suspects"


def test_leave_one_out_by_time_with_ties_broken_by_item_id(data_dir: Path) -> None:
    ml = MovieLens.load(data_dir)
    seq = ml.sequences[1]
    test, val = ml.cases("test")[0], ml.cases("validation")[0]
    assert test.target == seq[-1].item and val.target == seq[-2].item
    assert test.history == tuple(r.item for r in seq[:-1]) and val.history == test.history[:-1]
    # the fake data gives pairs of ratings the same timestamp: the smaller item id comes first
    assert all((a.timestamp, a.item) < (b.timestamp, b.item) for a, b in zip(seq, seq[1:]))
    assert seq[0].timestamp == seq[1].timestamp and seq[0].item < seq[1].item


def test_candidates_are_the_target_and_99_unseen_seeded_negatives(data_dir: Path) -> None:
    ml = MovieLens.load(data_dir)
    for split in ("validation", "test"):
        for case in ml.cases(split):
            rated = {r.item for r in ml.sequences[case.user]}
            assert len(case.candidates) == 100 and len(set(case.candidates)) == 100
            negatives = set(case.candidates) - {case.target}
            assert case.target in case.candidates and len(negatives) == 99 and not negatives & rated
    again = MovieLens(ml.movies, [r for s in ml.sequences.values() for r in s])
    assert again.cases("test") == ml.cases("test")  # same seed, same negatives and order
    assert ml.cases("test")[0].candidates != ml.cases("validation")[0].candidates
    positions = {c.candidates.index(c.target) for c in ml.cases("test")}
    assert len(positions) > 1  # the target is not always at the same place


def test_metrics_and_tie_order() -> None:
    assert hit_and_ndcg(1) == (1.0, 1.0)
    assert hit_and_ndcg(3)[1] == pytest.approx(0.5)
    assert hit_and_ndcg(11) == (0.0, 0.0)
    assert order([7, 8, 9], [0.0, 1.0, 0.0]) == [8, 7, 9]  # ties keep the candidate order
    m = evaluate_rankings([[5, 6], [6, 5]], [5, 5])
    assert m["hr@10"] == 1.0 and m["ndcg@10"] == pytest.approx((1 + 1 / np.log2(3)) / 2)
    scores = np.array([[0.0, 1.0, 1.0], [3.0, 1.0, 2.0]])
    assert ndcg_at_10(scores, np.array([2, 0]))[0] == pytest.approx((1 / np.log2(3) + 1) / 2)


def test_malformed_files_name_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "u.data"
    bad.write_text("1\t2\t5\t880000000\n1\t2\tfive\t880000001\n")
    with pytest.raises(DataFormatError, match=r"u.data:2: fields must be integers"):
        read_ratings(bad)
    bad.write_text("1\t2\t9\t880000000\n")
    with pytest.raises(DataFormatError, match=r"u.data:1: rating 9"):
        read_ratings(bad)
    item = tmp_path / "u.item"
    item.write_text("1|Toy Story (1995)|01-Jan-1995||url|0|0\n")
    with pytest.raises(DataFormatError, match=r"u.item:1: expected 24"):
        read_movies(item)
    with pytest.raises(FileNotFoundError, match="movielens_100k"):
        MovieLens.load(tmp_path)


def test_popularity_and_item_knn_learn_only_from_the_split_histories(data_dir: Path) -> None:
    ml = MovieLens.load(data_dir)
    inter = ml.train_interactions("test")
    held_out = {(c.user, c.target) for c in ml.cases("test")}
    assert not held_out & set(inter)
    pop = Popularity(ml.items, inter)
    assert pop.scores([1])[0] == N_USERS  # everyone watched item 1 first
    knn = ItemKNN(ml.items, inter, neighbours=5)
    assert knn.similar(1, 1)[0][0] == 2  # the two Star Wars films are watched together
    assert (np.count_nonzero(knn.sim, axis=1) <= 5).all()
    assert knn.scores([], [1, 2]).tolist() == [0.0, 0.0]


def test_ranker_weights_round_trip_and_fit(tmp_path: Path) -> None:
    w = RankerWeights(stage1={"knn": 1.0, "popularity": 0.2, "text": 0.5}, lm_weight=0.7)
    path = w.save(tmp_path / "ranker.json")
    assert RankerWeights.load(path) == w
    path.write_text('{"stage1": {"knn": 1.0}}')
    with pytest.raises(ValueError, match="lack"):
        RankerWeights.load(path)
    path.write_text('{"stage1": ')
    with pytest.raises(ValueError, match=r"ranker.json:1"):
        RankerWeights.load(path)
    rng = np.random.default_rng(0)
    feats = rng.normal(size=(40, 10, 2))
    targets = np.argmax(feats[..., 0] + 0.5 * feats[..., 1], axis=1)
    assert fit_grid(feats, targets)[1] > 0  # the second feature helps, so it gets weight
    assert zscore(np.array([2.0, 2.0])).tolist() == [0.0, 0.0]


def test_stage2_keeps_non_top_candidates_below_and_reorders_by_lm() -> None:
    stage1 = np.array([3.0, 2.0, 1.0, 0.0])
    final = stage2_scores(stage1, np.array([0.0, 5.0]), np.array([0, 1]), lm_weight=10.0)
    assert order([10, 11, 12, 13], final) == [11, 10, 12, 13]
