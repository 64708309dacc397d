"""Embedders: text to L2-normalized float32 vectors, queries and documents apart.

``Embedder`` is the protocol every index uses. ``SentenceTransformerEmbedder`` wraps
sentence-transformers (default: the packaged all-MiniLM-L6-v2); it calls
``encode_query`` / ``encode_document``, which apply the model's own query and document
prompts where it defines them. ``HashingEmbedder`` is a tiny deterministic embedder
(hashed word and CJK tokens) for tests and plugins that must not load a model.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from react_core.retrieval.keyword import tokenize

DEFAULT_EMBEDDER = "all-MiniLM-L6-v2"
HASHING_PREFIX = "hashing-"


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit vectors; ``fingerprint`` changes whenever the vectors would."""

    name: str
    fingerprint: str
    dimension: int

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """``(len(texts), dimension)`` float32, each row of norm 1."""
        ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Like ``embed_documents``, with the model's query prompt where it has one."""
        ...


def normalize(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to norm 1 (zero rows stay zero), as contiguous float32."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.ascontiguousarray(vectors / np.where(norms == 0, 1.0, norms), dtype=np.float32)


class HashingEmbedder:
    """Deterministic bag-of-tokens embedder: each token hashed to a signed coordinate.

    Texts sharing words get similar vectors, so retrieval behaves sensibly in tests; it
    loads nothing and is the same on every machine.
    """

    def __init__(self, dimension: int = 64) -> None:
        if dimension < 2:
            raise ValueError("dimension must be at least 2")
        self.dimension = dimension
        self.name = f"{HASHING_PREFIX}{dimension}"
        self.fingerprint = f"hashing:v1:{dimension}"

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in tokenize(text):
                h = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "little")
                out[row, h % self.dimension] += 1.0 if (h >> 63) & 1 else -1.0
        return normalize(out)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded on first use, batched and normalized.

    ``model`` is a model source name (``all-MiniLM-L6-v2``), a local directory or a hub id
    already cached; it is resolved offline through ``react_core.models.sources``.
    """

    def __init__(self, model: str = DEFAULT_EMBEDDER, *, device: str | None = None, batch_size: int = 64,
                 registry: Any = None) -> None:
        from react_core.models.sources import resolve_model

        self.resolved = resolve_model(model, kind="embedder", registry=registry)
        self.name = self.resolved.name
        self.fingerprint = self.resolved.fingerprint
        self.device = device
        self.batch_size = batch_size
        self._model: Any = None
        self._dimension: int | None = None
        self._loading = threading.Lock()

    @property
    def model(self) -> Any:
        """The model, loaded on first use; threads that all use it first wait for one load."""
        if self._model is None:
            with self._loading:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self) -> Any:
        from sentence_transformers import SentenceTransformer

        device = self.device
        if device is None:
            from react_core.models import choose_device

            device = choose_device().device
        return SentenceTransformer(self.resolved.path, device=device, **self.resolved.load_kwargs)

    @property
    def dimension(self) -> int:
        if self._dimension is None:
            getter = getattr(self.model, "get_embedding_dimension", None) or \
                self.model.get_sentence_embedding_dimension
            self._dimension = int(getter())
        return self._dimension

    def _encode(self, encode: Callable[..., Any], texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                         convert_to_numpy=True, show_progress_bar=False)
        return normalize(vectors)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(self.model.encode_document, texts)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(self.model.encode_query, texts)


_SHARED: dict[str, Embedder] = {}
_SHARED_LOCK = threading.Lock()


def load_embedder(name: str = DEFAULT_EMBEDDER, **kwargs: Any) -> Embedder:
    """The embedder called ``name``: ``hashing-N`` is a ``HashingEmbedder``, anything else a model.

    Without ``kwargs`` a model embedder is shared per name in the process (it loads lazily
    and is safe to use from several threads), so an index and a classifier on MiniLM hold
    one copy of it."""
    if name.startswith(HASHING_PREFIX) and name[len(HASHING_PREFIX):].isdigit():
        return HashingEmbedder(int(name[len(HASHING_PREFIX):]))
    if kwargs:
        return SentenceTransformerEmbedder(name, **kwargs)
    with _SHARED_LOCK:
        if name not in _SHARED:
            _SHARED[name] = SentenceTransformerEmbedder(name)
        return _SHARED[name]
