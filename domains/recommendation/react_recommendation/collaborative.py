"""Collaborative features in numpy: popularity and item-kNN, fitted on one split's histories.

``ItemKNN``: cosine similarity between items' binary user vectors (diagonal zeroed, each
item keeps its ``neighbours`` most similar items); a user's score for an item is the sum of
its similarities to the items in the user's history.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np


class ItemIndex:
    """Item id <-> column position."""

    def __init__(self, items: Sequence[int]) -> None:
        self.items = np.asarray(items, dtype=np.int64)
        self.pos = {int(i): p for p, i in enumerate(self.items)}

    def columns(self, items: Iterable[int]) -> np.ndarray:
        return np.fromiter((self.pos[int(i)] for i in items), dtype=np.int64)


class Popularity:
    """How many users interacted with each item in the training histories."""

    def __init__(self, items: Sequence[int], interactions: Iterable[tuple[int, int]]) -> None:
        self.index = ItemIndex(items)
        self.counts = np.zeros(len(self.index.items), dtype=np.float64)
        for _, item in interactions:
            self.counts[self.index.pos[item]] += 1

    def scores(self, candidates: Sequence[int]) -> np.ndarray:
        return self.counts[self.index.columns(candidates)]

    def top(self, n: int, exclude: Iterable[int] = ()) -> list[int]:
        skip = set(exclude)
        ranked = np.argsort(-self.counts, kind="stable")
        return [int(self.index.items[p]) for p in ranked if int(self.index.items[p]) not in skip][:n]


class ItemKNN:
    """Item-based k-nearest-neighbours on binary interactions (cosine similarity)."""

    def __init__(self, items: Sequence[int], interactions: Iterable[tuple[int, int]], *,
                 neighbours: int = 100) -> None:
        self.index = ItemIndex(items)
        pairs = list(interactions)
        users = {u: k for k, u in enumerate(sorted({u for u, _ in pairs}))}
        x = np.zeros((len(users), len(self.index.items)), dtype=np.float32)
        for u, i in pairs:
            x[users[u], self.index.pos[i]] = 1.0
        co = x.T @ x
        norms = np.sqrt(np.diag(co)).copy()
        norms[norms == 0] = 1.0
        sim = co / norms[:, None] / norms[None, :]
        np.fill_diagonal(sim, 0.0)
        if 0 < neighbours < sim.shape[1]:
            # keep exactly each item's ``neighbours`` strongest neighbours (per row)
            keep = np.argpartition(-sim, neighbours - 1, axis=1)[:, :neighbours]
            pruned = np.zeros_like(sim)
            rows = np.arange(sim.shape[0])[:, None]
            pruned[rows, keep] = sim[rows, keep]
            sim = pruned
        self.sim = sim.astype(np.float32)

    def scores(self, history: Sequence[int], candidates: Sequence[int]) -> np.ndarray:
        """Sum over the history of each candidate's similarity to the history item."""
        if not len(history):
            return np.zeros(len(candidates), dtype=np.float64)
        h = self.index.columns(history)
        c = self.index.columns(candidates)
        return self.sim[np.ix_(h, c)].sum(axis=0).astype(np.float64)

    def similar(self, item: int, n: int = 5) -> list[tuple[int, float]]:
        row = self.sim[self.index.pos[item]]
        best = np.argsort(-row, kind="stable")[:n]
        return [(int(self.index.items[p]), float(row[p])) for p in best if row[p] > 0]
