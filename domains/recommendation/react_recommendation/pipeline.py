"""The recommendation pipeline: text retrieval and collaborative features (stage 1), then the
language model's interest score on stage 1's best candidates, combined by the fitted ranker.

``Recommender(ml, space, split=...)`` fits popularity and item-kNN on the split's histories
only (``validation``: everything before each user's validation item; ``test``: everything
before the test item; ``None``: every rating, for the tools).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from react_recommendation.collaborative import ItemKNN, Popularity
from react_recommendation.items import ItemSpace
from react_recommendation.lm import interest_prompt, interest_scores
from react_recommendation.movielens import Case, MovieLens, order
from react_recommendation.ranker import RankerWeights, stage1_scores, stage2_scores


@dataclass
class Prepared:
    """One case after stage 1: features of its candidates, their scores, the top-k positions."""

    case: Case
    features: np.ndarray  # [candidates, len(FEATURES)] raw
    stage1: np.ndarray
    top: np.ndarray  # positions (into case.candidates) of stage 1's top_k, best first
    prompts: list[str]  # one per top position

    def rankings(self, lm: Sequence[float] | None, lm_weight: float) -> dict[str, list[int]]:
        """``final`` (stage 1 + LM), ``stage1``, and ``lm_only`` (top-k reordered by the LM alone)."""
        c = self.case.candidates
        out = {"stage1": order(c, self.stage1)}
        if lm is not None:
            lm = np.asarray(lm, dtype=np.float64)
            out["final"] = order(c, stage2_scores(self.stage1, lm, self.top, lm_weight))
            only = np.full(len(c), -np.inf)
            only[self.top] = lm
            rest = np.ones(len(c), dtype=bool)
            rest[self.top] = False
            only[rest] = -1e9 + self.stage1[rest]
            out["lm_only"] = order(c, only)
        else:
            out["final"] = out["stage1"]
        return out


class Recommender:
    def __init__(self, ml: MovieLens, space: ItemSpace, *, split: str | None,
                 weights: RankerWeights | None = None) -> None:
        self.ml, self.space, self.split = ml, space, split
        self.weights = weights or RankerWeights.load()
        if split is None:
            interactions = [(u, r.item) for u, seq in ml.sequences.items() for r in seq]
        else:
            interactions = ml.train_interactions(split)
        self.popularity = Popularity(ml.items, interactions)
        self.knn = ItemKNN(ml.items, interactions, neighbours=self.weights.knn_neighbours)

    # -- features ---------------------------------------------------------------------------

    def features(self, case: Case, profile: np.ndarray | None = None) -> np.ndarray:
        """Raw features of the case's candidates: log(1 + item-kNN), log(1 + popularity), text
        similarity to ``profile`` (default: the mean vector of the user's latest liked movies)."""
        cand = case.candidates
        knn = np.log1p(self.knn.scores(case.history, cand))
        pop = np.log1p(self.popularity.scores(cand))
        if profile is None:
            profile = self.space.profile(case.liked(self.weights.profile_items))
        text = self.space.scores(profile, cand)
        return np.stack([knn, pop, text], axis=1)

    def prepare(self, case: Case, *, profile: np.ndarray | None = None, taste: str = "") -> Prepared:
        feats = self.features(case, profile)
        s1 = stage1_scores(feats, self.weights.vector())
        top = np.argsort(-s1, kind="stable")[: self.weights.top_k]
        titles = [self.ml.title(i) for i in case.liked(self.weights.history_items)]
        prompts = [interest_prompt(titles, self.ml.movies[case.candidates[p]], taste) for p in top]
        return Prepared(case, feats, s1, top, prompts)

    # -- ranking ----------------------------------------------------------------------------

    def rank(self, cases: Sequence[Case], model: Any = None, tokenizer: Any = None, *, batch_size: int = 16,
             progress: Callable[[int], None] | None = None) -> list[dict[str, list[int]]]:
        """Rankings of each case's candidates; the LM stage runs when a model is given (one
        forward per top-k candidate, batched across users)."""
        prepared = [self.prepare(c) for c in cases]
        if model is None:
            return [p.rankings(None, 0.0) for p in prepared]
        prompts = [q for p in prepared for q in p.prompts]
        per_user = {id(p): len(p.prompts) for p in prepared}
        scores = interest_scores(model, tokenizer, prompts, batch_size=batch_size)
        out, at = [], 0
        for p in prepared:
            n = per_user[id(p)]
            out.append(p.rankings(scores[at:at + n], self.weights.lm_weight))
            at += n
            if progress is not None:
                progress(1)
        return out
