"""Reciprocal rank fusion (Cormack et al., 2009): merge ranked lists by ``sum(w / (k + rank))``.

Used for hybrid retrieval (dense + BM25 in one index) and to fuse several domains'
indexes into one list. Hits are identified by ``Hit.key`` = ``(domain, id)``, so equal
chunk ids from two domains stay apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from react_core.retrieval.documents import Filters, Hit

DEFAULT_RRF_K = 60


class Retriever(Protocol):
    """Anything with ``search(query, k=..., ...)`` returning ranked ``Hit``s."""

    def search(self, query: str, k: int = 5, **kwargs: Any) -> list[Hit]: ...


def reciprocal_rank_fusion(rankings: Sequence[Sequence[Hit]], *, k: int = DEFAULT_RRF_K,
                           weights: Sequence[float] | None = None, limit: int | None = None) -> list[Hit]:
    """Fuse ranked lists: each hit scores ``sum over lists of weight / (k + rank)``, rank from 1.

    Ties keep the order of first appearance (earlier list, higher rank first). The returned
    hits carry the fused score and ``method="rrf"``.
    """
    if k <= 0:
        raise ValueError(f"RRF k must be positive, got {k}")
    if weights is not None and len(weights) != len(rankings):
        raise ValueError(f"{len(weights)} weights for {len(rankings)} rankings")
    scores: dict[tuple[str, str], float] = {}
    first: dict[tuple[str, str], Hit] = {}
    for i, ranking in enumerate(rankings):
        weight = 1.0 if weights is None else float(weights[i])
        for rank, hit in enumerate(ranking, start=1):
            scores[hit.key] = scores.get(hit.key, 0.0) + weight / (k + rank)
            first.setdefault(hit.key, hit)
    order = sorted(scores, key=lambda key: -scores[key])  # stable: ties keep first appearance
    fused = [Hit(chunk=first[key].chunk, score=scores[key], method="rrf") for key in order]
    return fused if limit is None else fused[:limit]


def fuse_indexes(retrievers: Mapping[str, Retriever], query: str, *, k: int = 5,
                 weights: Mapping[str, float] | None = None, rrf_k: int = DEFAULT_RRF_K,
                 filters: Filters | None = None, **search_kwargs: Any) -> list[Hit]:
    """Search every retriever (e.g. one per domain) for ``query`` and fuse their rankings by RRF.

    ``weights`` (by retriever name, default 1) lets a router favour some domains.
    """
    names = list(retrievers)
    rankings = [retrievers[n].search(query, k=k, filters=filters, **search_kwargs) for n in names]
    w = [1.0 if weights is None else float(weights.get(n, 1.0)) for n in names]
    return reciprocal_rank_fusion(rankings, k=rrf_k, weights=w, limit=k)
