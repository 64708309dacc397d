"""Vector index over faiss with stable 64-bit ids, chosen by corpus size through a factory string.

Vectors are unit-length and compared by inner product (= cosine). IVF indexes store the
caller's ids themselves; every other kind is wrapped in ``IDMap2`` so ids survive
deletions. Flat and IVF indexes delete in place; HNSW cannot
remove nodes, so deleted ids are tombstoned (excluded from every search by an id
selector) and the graph is rebuilt from its own stored vectors once tombstones pass
``COMPACT_FRACTION`` of it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

FLAT_MAX = 100_000
"""Corpora below this size get an exact flat index (one query over 100k 64-d vectors: ~1 ms).

Larger ones get IVF: on the scale benchmark (docs/benchmarks.md) it reached recall@10
>= 0.95 at a fraction of HNSW32's build time and memory, and it deletes in place."""
COMPACT_FRACTION = 0.2
DEFAULT_EF_SEARCH = 64


class IndexConfigError(ValueError):
    """A factory string or search setting that faiss cannot use here."""


def choose_factory(n: int) -> str:
    """The factory string for ``n`` vectors: exact ``Flat``, else ``IVF<nlist>,Flat``.

    HNSW (``HNSW32``) is available by passing the factory string explicitly.
    """
    return "Flat" if n < FLAT_MAX else f"IVF{ivf_nlist(n)},Flat"


def ivf_nlist(n: int) -> int:
    """IVF list count: about 4·sqrt(n), rounded to a power of two (4096 at 1M vectors)."""
    return 2 ** max(4, round(math.log2(4 * math.sqrt(max(n, 1)))))


def default_nprobe(nlist: int) -> int:
    """Lists visited per query: 1/32 of them, at least 32 (128 of 4096 at 1M vectors)."""
    return max(32, nlist // 32)


def _faiss():  # imported lazily: faiss pulls in OpenMP at import time
    import faiss

    return faiss


def _owned_downcast(index: object) -> object:
    """``faiss.downcast_index`` that moves ownership to the new wrapper (the old one may be freed)."""
    down = _faiss().downcast_index(index)
    if down is not index and getattr(index, "thisown", False):
        index.thisown = False
        down.thisown = True
    return down


def _build(dimension: int, factory: str) -> object:
    """A fresh inner-product index for ``factory``; IVF keeps its own ids, others get ``IDMap2``."""
    faiss = _faiss()
    try:
        plain = faiss.index_factory(dimension, factory, faiss.METRIC_INNER_PRODUCT)
        if faiss.try_extract_index_ivf(plain) is not None or factory.startswith("IDMap"):
            return plain
        return faiss.index_factory(dimension, f"IDMap2,{factory}", faiss.METRIC_INNER_PRODUCT)
    except RuntimeError as exc:
        raise IndexConfigError(f"faiss cannot build factory {factory!r}: {str(exc).splitlines()[0]}. "
                               "Examples: Flat, HNSW32, IVF1024,Flat, IVF1024,PQ16") from None


class VectorIndex:
    """A faiss index of unit vectors with caller-chosen int64 ids; add, remove, search, serialize."""

    def __init__(self, dimension: int, factory: str = "Flat", *, ef_search: int = DEFAULT_EF_SEARCH,
                 nprobe: int | None = None, _index: object | None = None) -> None:
        faiss = _faiss()
        self.dimension = dimension
        self.factory = factory
        if _index is None:
            _index = _build(dimension, factory)
        self.index = _owned_downcast(_index)
        self.inner = faiss.downcast_index(self.index.index) if hasattr(self.index, "id_map") else self.index
        self.ivf = faiss.try_extract_index_ivf(self.index)
        self.ef_search = ef_search
        self.nprobe = nprobe or (default_nprobe(self.ivf.nlist) if self.is_ivf else 1)
        self.tombstones: set[int] = set()

    # -- kind -----------------------------------------------------------------------------

    @property
    def is_hnsw(self) -> bool:
        return hasattr(self.inner, "hnsw")

    @property
    def is_ivf(self) -> bool:
        return self.ivf is not None

    @property
    def can_remove(self) -> bool:
        return not self.is_hnsw

    @property
    def ntotal(self) -> int:
        return int(self.index.ntotal)

    def ids(self) -> np.ndarray:
        """Every id stored in faiss, tombstoned ones included."""
        faiss = _faiss()
        if hasattr(self.index, "id_map"):
            return faiss.vector_to_array(self.index.id_map).astype(np.int64)
        invlists = self.ivf.invlists
        parts = [faiss.rev_swig_ptr(invlists.get_ids(i), invlists.list_size(i)).copy()
                 for i in range(self.ivf.nlist) if invlists.list_size(i)]
        return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)

    # -- changes --------------------------------------------------------------------------

    def train(self, vectors: np.ndarray) -> None:
        """Train a quantizer (IVF, PQ); a no-op for Flat and HNSW."""
        if self.index.is_trained:
            return
        if self.ivf is not None and len(vectors) < self.ivf.nlist:
            raise IndexConfigError(
                f"factory {self.factory!r} needs at least {self.ivf.nlist} vectors to train, got {len(vectors)}; "
                "use a smaller IVF list count or the automatic choice (--factory auto)")
        self.index.train(np.ascontiguousarray(vectors, dtype=np.float32))

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Add ``vectors`` under ``ids`` (training first if the index needs it)."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dimension:
            raise ValueError(f"expected vectors of shape (n, {self.dimension}), got {vectors.shape}")
        if not self.index.is_trained:
            self.train(vectors)
        self.index.add_with_ids(vectors, np.ascontiguousarray(ids, dtype=np.int64))

    def remove(self, ids: Iterable[int]) -> None:
        """Remove ``ids``: in place where faiss can, else tombstone them (then compact when many)."""
        ids = np.fromiter(ids, dtype=np.int64)
        if ids.size == 0:
            return
        if self.can_remove:
            self.index.remove_ids(ids)
            return
        self.tombstones.update(int(i) for i in ids)
        if len(self.tombstones) > COMPACT_FRACTION * max(self.ntotal, 1):
            self.compact()

    def compact(self) -> None:
        """Rebuild an HNSW graph without its tombstoned vectors (reusing the stored vectors)."""
        if not self.tombstones:
            return
        ids = self.ids()
        vectors = self.inner.reconstruct_n(0, self.ntotal)
        keep = ~np.isin(ids, np.fromiter(self.tombstones, dtype=np.int64))
        fresh = VectorIndex(self.dimension, self.factory, ef_search=self.ef_search, nprobe=self.nprobe)
        if keep.any():
            fresh.add(ids[keep], vectors[keep])
        self.index, self.inner, self.tombstones = fresh.index, fresh.inner, set()

    # -- search ---------------------------------------------------------------------------

    def _params(self, k: int, allowed: np.ndarray | None) -> tuple[object | None, list[object]]:
        faiss = _faiss()
        keep_alive: list[object] = []
        selector = None
        if allowed is not None:
            selector = faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64))
        elif self.tombstones:
            excluded = faiss.IDSelectorBatch(np.fromiter(self.tombstones, dtype=np.int64))
            keep_alive.append(excluded)
            selector = faiss.IDSelectorNot(excluded)
        if self.is_hnsw:
            params = faiss.SearchParametersHNSW()
            params.efSearch = max(self.ef_search, k)
        elif self.is_ivf:
            params = faiss.SearchParametersIVF()
            params.nprobe = self.nprobe
        elif selector is None:
            return None, keep_alive
        else:
            params = faiss.SearchParameters()
        if selector is not None:
            params.sel = selector
            keep_alive.append(selector)
        return params, keep_alive

    def search(self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """``(scores, ids)``, each ``(n_queries, k)``; missing results have id -1.

        ``allowed`` restricts the search to those ids (metadata filters); tombstoned ids
        never come back.
        """
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        if self.ntotal == 0 or k <= 0 or (allowed is not None and len(allowed) == 0):
            n = len(queries)
            return np.zeros((n, max(k, 0)), np.float32), np.full((n, max(k, 0)), -1, np.int64)
        params, keep_alive = self._params(k, allowed)
        scores, ids = self.index.search(queries, k, params=params)
        del keep_alive  # the selectors had to outlive the search call
        return scores, ids

    # -- bytes ----------------------------------------------------------------------------

    def write(self, path: str) -> None:
        """Write the faiss index (faiss's own format: no pickle)."""
        _faiss().write_index(self.index, path)

    @classmethod
    def read(cls, path: str, *, factory: str, ef_search: int = DEFAULT_EF_SEARCH,
             nprobe: int | None = None) -> VectorIndex:
        index = _faiss().read_index(path)
        return cls(index.d, factory, ef_search=ef_search, nprobe=nprobe, _index=index)
