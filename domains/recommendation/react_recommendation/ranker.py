"""The final ranker: weighted sums of per-user standardized features, fitted on the validation split.

Stage 1 scores all 100 candidates with ``w . z(features)`` (features: log(1 + item-kNN),
log(1 + popularity), text similarity to the profile; ``z`` standardizes within the user's
candidates); the weights (item-kNN's fixed at 1) are the grid point with the best NDCG@10 on
the validation split. Stage 2
takes stage 1's ``top_k`` and adds ``lm_weight * z(lm)``, the language model's standardized
"Yes" minus "No" log-probability; ``lm_weight`` is chosen by NDCG@10 on validation users.
Weights live in ``ranker.json`` (shipped in the package; written atomically).
"""

from __future__ import annotations

import itertools
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

FEATURES = ("knn", "popularity", "text")
GRID = tuple(round(0.1 * i, 1) for i in range(16))  # 0.0 ... 1.5
DEFAULT_PATH = Path(str(resources.files("react_recommendation"))) / "ranker.json"


def zscore(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Standardize along ``axis`` (constant rows become zeros)."""
    x = np.asarray(x, dtype=np.float64)
    sd = x.std(axis=axis, keepdims=True)
    return (x - x.mean(axis=axis, keepdims=True)) / np.where(sd == 0, 1.0, sd)


@dataclass
class RankerWeights:
    stage1: dict[str, float] = field(default_factory=lambda: {"knn": 1.0, "popularity": 0.3, "text": 0.2})
    top_k: int = 20
    lm_weight: float = 0.5
    knn_neighbours: int = 50
    profile_items: int = 5
    history_items: int = 5
    notes: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | str = DEFAULT_PATH) -> RankerWeights:
        path = Path(path)
        if not path.is_file():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from exc
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"{path}: unknown ranker keys {sorted(unknown)}")
        weights = cls(**data)
        missing = set(FEATURES) - set(weights.stage1)
        if missing:
            raise ValueError(f"{path}: stage1 weights lack {sorted(missing)}")
        return weights

    def save(self, path: Path | str = DEFAULT_PATH) -> Path:
        path = Path(path)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(asdict(self), fh, indent=2, sort_keys=True)
            fh.write("\n")
        os.replace(tmp, path)
        return path

    def vector(self) -> np.ndarray:
        return np.array([self.stage1[f] for f in FEATURES], dtype=np.float64)


def stage1_scores(features: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``features``: ``[..., candidates, len(FEATURES)]`` raw values -> weighted sum of z-scores."""
    return (zscore(features, axis=-2) * weights).sum(axis=-1)


def ndcg_at_10(scores: np.ndarray, targets: np.ndarray) -> tuple[float, float]:
    """Mean NDCG@10 and HR@10 of ``scores`` (``[users, candidates]``) whose target positions are
    ``targets``; ties rank in candidate order, as the stable sort of ``movielens.order`` does."""
    rows = np.arange(len(targets))
    st = scores[rows, targets][:, None]
    before = np.arange(scores.shape[1])[None, :] < targets[:, None]
    rank = 1 + (scores > st).sum(axis=1) + ((scores == st) & before).sum(axis=1)
    hit = rank <= 10
    return float(np.where(hit, 1.0 / np.log2(rank + 1), 0.0).mean()), float(hit.mean())


def fit_grid(features: np.ndarray, targets: np.ndarray, grid: Sequence[float] = GRID) -> np.ndarray:
    """Weights (the first fixed at 1) maximizing NDCG@10 over every combination of ``grid`` for
    the others. ``features``: ``[users, candidates, n]`` raw; ``targets``: target positions."""
    z = zscore(features, axis=1)
    best, best_w = -1.0, np.ones(z.shape[-1])
    for rest in itertools.product(grid, repeat=z.shape[-1] - 1):
        w = np.array([1.0, *rest])
        value = ndcg_at_10((z * w).sum(axis=-1), targets)[0]
        if value > best + 1e-12:
            best, best_w = value, w
    return best_w


def stage2_scores(stage1: np.ndarray, lm: np.ndarray | None, top: np.ndarray, lm_weight: float) -> np.ndarray:
    """Final scores of one user's candidates: stage 1 everywhere, plus ``lm_weight * z(lm)`` on
    the ``top`` positions (stage 1's best); the rest stay below every top candidate."""
    final = stage1.astype(np.float64).copy()
    floor = final[top].min() if len(top) else 0.0
    rest = np.ones(len(final), dtype=bool)
    rest[top] = False
    final[rest] = floor - 1e3 + final[rest]
    if lm is not None and len(top):
        final[top] = final[top] + lm_weight * zscore(np.asarray(lm, dtype=np.float64))
    return final
