"""The movies' texts in a FAISS index (``react_core.KnowledgeIndex``), and user profiles in that space.

Each movie is one document (``"Toy Story (1995). Genres: Animation, Children's, Comedy."``),
embedded with the default embedder (all-MiniLM-L6-v2). The vectors are cached in
``<cache dir>/recommendation/item_vectors-<key>.npz`` (atomic write; the key hashes the
embedder's fingerprint and the movie texts), so the catalogue is embedded once. A known
user's profile is the normalized mean of the vectors of their most recently liked movies;
a new user's profile is their free-text taste embedded as a query.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from react_recommendation.movielens import Movie



def embedder_name() -> str | None:
    """``REACT_RECOMMENDATION_EMBEDDER`` (e.g. ``hashing-64`` in tests), else None: the default embedder."""
    return os.environ.get("REACT_RECOMMENDATION_EMBEDDER") or None


def default_embedder() -> Any:
    from react_core.retrieval import load_embedder

    name = embedder_name()
    return load_embedder(name) if name else load_embedder()


class _Cached:
    """An embedder that answers documents from precomputed vectors and queries from the real model."""

    def __init__(self, embedder: Any, texts: Sequence[str], vectors: np.ndarray) -> None:
        self.inner = embedder
        self.name, self.fingerprint, self.dimension = embedder.name, embedder.fingerprint, vectors.shape[1]
        self.rows = {t: k for k, t in enumerate(texts)}
        self.vectors = vectors

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if all(t in self.rows for t in texts):
            return self.vectors[[self.rows[t] for t in texts]]
        return self.inner.embed_documents(texts)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed_queries(texts)


def _save_npz(path: Path, **arrays: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def item_vectors(movies: dict[int, Movie], embedder: Any, cache: Path | None = None) -> np.ndarray:
    """Unit vectors of the movies' texts, rows in ascending item id order (cached when ``cache``)."""
    ids = sorted(movies)
    texts = [movies[i].text for i in ids]
    key = hashlib.sha256("\n".join([embedder.fingerprint, *texts]).encode()).hexdigest()[:16]
    path = Path(cache) / f"item_vectors-{key}.npz" if cache is not None else None
    if path is not None and path.is_file():
        with np.load(path, allow_pickle=False) as data:
            if data["ids"].tolist() == ids:
                return data["vectors"]
    vectors = np.ascontiguousarray(embedder.embed_documents(texts), dtype=np.float32)
    if path is not None:
        _save_npz(path, ids=np.asarray(ids, dtype=np.int64), vectors=vectors)
    return vectors


class ItemSpace:
    """Movie vectors, their FAISS index, and profiles."""

    def __init__(self, movies: dict[int, Movie], embedder: Any, *, cache: Path | None = None) -> None:
        from react_core import KnowledgeIndex
        from react_core.retrieval import Document

        self.movies = movies
        self.ids = np.asarray(sorted(movies), dtype=np.int64)
        self.row = {int(i): k for k, i in enumerate(self.ids)}
        self.vectors = item_vectors(movies, embedder, cache)
        texts = [movies[int(i)].text for i in self.ids]
        docs = [Document(id=f"movie-{int(i)}", text=movies[int(i)].text, title=movies[int(i)].title,
                         source="movielens_100k/u.item", metadata={"item": int(i)}) for i in self.ids]
        self.index = KnowledgeIndex.from_documents(docs, _Cached(embedder, texts, self.vectors), factory="Flat",
                                                   domain="recommendation")
        self.chunk_of = {int(chunk.metadata["item"]): chunk.id for _, chunk in self.index.items()}
        self.embedder = embedder

    def vector(self, item: int) -> np.ndarray:
        return self.vectors[self.row[int(item)]]

    def profile(self, items: Sequence[int]) -> np.ndarray:
        """Normalized mean of the items' vectors (zeros for no items)."""
        if not len(items):
            return np.zeros(self.vectors.shape[1], dtype=np.float32)
        v = self.vectors[[self.row[int(i)] for i in items]].mean(axis=0)
        n = float(np.linalg.norm(v))
        return (v / n if n else v).astype(np.float32)

    def text_profile(self, text: str) -> np.ndarray:
        return np.asarray(self.embedder.embed_queries([text])[0], dtype=np.float32)

    def search(self, profile: np.ndarray, k: int, *, among: Sequence[int] | None = None,
               exclude: Sequence[int] = ()) -> list[tuple[int, float]]:
        """The ``k`` movies nearest ``profile`` in the FAISS index (only ``among`` when given)."""
        skip = {int(i) for i in exclude}
        pool = [self.chunk_of[int(i)] for i in (among if among is not None else self.ids.tolist())
                if int(i) not in skip]
        if not pool or k <= 0:
            return []
        return [(int(h.chunk.metadata["item"]), h.score) for h in self.index.vector_search(profile, k, among=pool)]

    def scores(self, profile: np.ndarray, candidates: Sequence[int]) -> np.ndarray:
        """Cosine similarity of each candidate to ``profile``, read from the FAISS index."""
        found = dict(self.search(profile, len(candidates), among=candidates))
        return np.array([found.get(int(c), 0.0) for c in candidates], dtype=np.float64)
