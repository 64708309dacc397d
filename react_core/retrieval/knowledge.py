"""``KnowledgeIndex``: one domain's knowledge base: chunks, vectors, BM25, and search.

Documents are chunked, embedded in batches and added to a ``VectorIndex`` under stable
integer ids; the chunk records live beside it. ``add_documents``, ``delete`` and
``update`` change the index in place (no full rebuild); the BM25 side is rebuilt lazily
on the next keyword search (seconds even for 100k chunks). ``search`` runs dense,
keyword or hybrid (RRF of both) retrieval with optional metadata filters.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Any, Literal

import numpy as np

from react_core.retrieval.chunking import ChunkingOptions
from react_core.retrieval.documents import Chunk, Document, Filters, Hit, matches
from react_core.retrieval.embedder import Embedder
from react_core.retrieval.hybrid import DEFAULT_RRF_K, reciprocal_rank_fusion
from react_core.retrieval.index import DEFAULT_EF_SEARCH, VectorIndex, choose_factory
from react_core.retrieval.keyword import KeywordIndex
from react_core.retrieval.loaders import chunk_documents

Mode = Literal["hybrid", "dense", "keyword"]
MODES: tuple[str, ...] = ("hybrid", "dense", "keyword")
EMBED_BATCH = 256


class DuplicateIdError(ValueError):
    """A chunk id is already in the index (use ``update`` to replace a document)."""


def _progress(total: int, description: str, enabled: bool) -> Any:
    """A rich progress bar (to stderr) when ``enabled`` and the work is long, else a no-op."""
    if not enabled or total < 2 * EMBED_BATCH:
        return nullcontext(None)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=Console(stderr=True), transient=True)


class KnowledgeIndex:
    """A searchable knowledge base over one embedder.

    ``factory`` is a faiss factory string (``Flat``, ``HNSW32``, ``IVF4096,Flat`` ...) or
    ``"auto"``: chosen from the size of the first batch added (see ``choose_factory``).
    """

    def __init__(self, embedder: Embedder, *, factory: str = "auto", domain: str = "",
                 chunking: ChunkingOptions | None = None, ef_search: int = DEFAULT_EF_SEARCH,
                 nprobe: int | None = None) -> None:
        self.embedder = embedder
        self.factory = factory
        self.domain = domain
        self.chunking = chunking or ChunkingOptions()
        self.ef_search = ef_search
        self.nprobe = nprobe
        self.vectors: VectorIndex | None = None
        self._chunks: dict[int, Chunk] = {}  # vector id -> chunk
        self._vid: dict[str, int] = {}  # chunk id -> vector id
        self._next_vid = 0
        self._keyword: tuple[KeywordIndex, list[int]] | None = None
        self.manifest: dict[str, Any] | None = None  # set when loaded from disk

    # -- building -------------------------------------------------------------------------

    @classmethod
    def from_documents(cls, docs: Sequence[Document], embedder: Embedder, *, progress: bool = False,
                       **kwargs: Any) -> KnowledgeIndex:
        """A new index holding ``docs`` (chunked with ``chunking``)."""
        index = cls(embedder, **kwargs)
        index.add_documents(docs, progress=progress)
        return index

    def add_documents(self, docs: Sequence[Document], *, progress: bool = False) -> list[str]:
        """Chunk, embed and add ``docs``; returns the new chunk ids. Existing ids are an error."""
        return self.add_chunks(chunk_documents(docs, self.chunking, domain=self.domain), progress=progress)

    def add_chunks(self, chunks: Sequence[Chunk], *, progress: bool = False) -> list[str]:
        """Embed (in batches) and add ready-made chunks; returns their ids."""
        seen: set[str] = set()
        for c in chunks:
            if c.id in self._vid or c.id in seen:
                raise DuplicateIdError(f"chunk id {c.id!r} is already in the index; use update() to replace "
                                       "its document or delete() it first")
            seen.add(c.id)
        if not chunks:
            return []
        if self.vectors is None:
            factory = choose_factory(len(chunks)) if self.factory == "auto" else self.factory
            self.vectors = VectorIndex(self.embedder.dimension, factory, ef_search=self.ef_search,
                                       nprobe=self.nprobe)
            self.factory = factory
        vids = np.arange(self._next_vid, self._next_vid + len(chunks), dtype=np.int64)
        batches = []
        with _progress(len(chunks), f"embedding {len(chunks)} chunks", progress) as bar:
            task = bar.add_task(f"embedding {len(chunks)} chunks", total=len(chunks)) if bar else None
            for start in range(0, len(chunks), EMBED_BATCH):
                batch = chunks[start:start + EMBED_BATCH]
                batches.append(self.embedder.embed_documents([_embed_text(c) for c in batch]))
                if bar:
                    bar.advance(task, len(batch))
        self.vectors.add(vids, np.concatenate(batches))
        for vid, chunk in zip(vids.tolist(), chunks):
            self._chunks[vid] = chunk
            self._vid[chunk.id] = vid
        self._next_vid += len(chunks)
        self._keyword = None
        return [c.id for c in chunks]

    def delete(self, doc_ids: Iterable[str]) -> int:
        """Remove every chunk of these documents (by document id or chunk id); returns how many."""
        wanted = set(doc_ids)
        vids = [vid for vid, c in self._chunks.items() if c.doc in wanted or c.id in wanted]
        if vids and self.vectors is not None:
            self.vectors.remove(vids)
        for vid in vids:
            del self._vid[self._chunks.pop(vid).id]
        if vids:
            self._keyword = None
        return len(vids)

    def update(self, docs: Sequence[Document], *, progress: bool = False) -> list[str]:
        """Replace these documents (or add them if new): their old chunks go, new ones come in."""
        self.delete(d.id for d in docs)
        return self.add_documents(docs, progress=progress)

    # -- reading --------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._chunks)

    def __iter__(self) -> Iterator[Chunk]:
        return iter(self._chunks.values())

    def get(self, chunk_id: str) -> Chunk | None:
        vid = self._vid.get(chunk_id)
        return None if vid is None else self._chunks[vid]

    def documents(self) -> list[str]:
        """Ids of the documents in the index, in insertion order."""
        return list(dict.fromkeys(c.doc for c in self._chunks.values()))

    def items(self) -> list[tuple[int, Chunk]]:
        """``(vector id, chunk)`` pairs (what persistence writes)."""
        return list(self._chunks.items())

    # -- search ---------------------------------------------------------------------------

    def search(self, query: str, k: int = 5, *, mode: Mode = "hybrid", filters: Filters | None = None,
               rrf_k: int = DEFAULT_RRF_K, candidates: int | None = None,
               keyword_weight: float = 1.0) -> list[Hit]:
        """The ``k`` best chunks for ``query``.

        ``dense`` ranks by cosine similarity, ``keyword`` by BM25, ``hybrid`` fuses the two
        rankings (each ``candidates`` long, default ``max(4k, 20)``) by RRF. ``filters``
        keep only chunks whose fields match (see ``documents.matches``). ``keyword_weight``
        scales the BM25 ranking's RRF contribution against the dense one's (1.0).
        """
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        if mode == "dense":
            return self.dense_search(query, k, filters=filters)
        if mode == "keyword":
            return self.keyword_search(query, k, filters=filters)
        n = candidates or max(4 * k, 20)
        return reciprocal_rank_fusion([self.dense_search(query, n, filters=filters),
                                       self.keyword_search(query, n, filters=filters)],
                                      k=rrf_k, weights=[1.0, keyword_weight], limit=k)

    def dense_search(self, query: str, k: int = 5, *, filters: Filters | None = None) -> list[Hit]:
        if self.vectors is None or not self._chunks:
            return []
        return self.vector_search(self.embedder.embed_queries([query])[0], k, filters=filters)

    def vector_search(self, vector: Any, k: int = 5, *, filters: Filters | None = None,
                      among: Iterable[str] | None = None) -> list[Hit]:
        """The ``k`` chunks nearest ``vector`` by cosine similarity.

        ``vector`` lives in this index's embedding space but need not come from a query: the
        mean of several chunks' vectors (a user's profile over the items they liked) is the
        typical case; it is normalised here. ``among`` keeps only those chunk ids (unknown ids
        are ignored), ``filters`` as in :meth:`search`.
        """
        if self.vectors is None or not self._chunks:
            return []
        allowed = None
        if filters or among is not None:
            pool = (self._chunks.items() if among is None else
                    ((self._vid[c], self._chunks[self._vid[c]]) for c in among if c in self._vid))
            allowed = np.fromiter((v for v, c in pool if not filters or matches(c, filters)), dtype=np.int64)
            if not allowed.size:
                return []
            k = min(k, int(allowed.size))
        query = np.asarray(vector, dtype=np.float32).reshape(1, -1)
        norm = float(np.linalg.norm(query))
        if norm > 0:
            query = query / norm
        scores, ids = self.vectors.search(query, k, allowed)
        return [Hit(self._chunks[int(i)], float(s), "dense")
                for s, i in zip(scores[0], ids[0]) if int(i) in self._chunks]

    def keyword_search(self, query: str, k: int = 5, *, filters: Filters | None = None) -> list[Hit]:
        if not self._chunks:
            return []
        if self._keyword is None:
            vids = list(self._chunks)
            self._keyword = (KeywordIndex([_embed_text(self._chunks[v]) for v in vids]), vids)
        keyword, vids = self._keyword
        mask = None
        if filters:
            mask = np.fromiter((matches(self._chunks[v], filters) for v in vids), dtype=bool, count=len(vids))
        return [Hit(self._chunks[vids[pos]], score, "keyword") for pos, score in keyword.search(query, k, mask)]

    # -- persistence ----------------------------------------------------------------------

    def save(self, path: Path | str, **manifest_extra: Any) -> Path:
        """Save atomically to directory ``path`` (see ``react_core.retrieval.store``)."""
        from react_core.retrieval.store import save_index

        return save_index(self, Path(path), **manifest_extra)

    @classmethod
    def load(cls, path: Path | str, embedder: Embedder | None = None) -> KnowledgeIndex:
        """Load a saved index; refuses one built with another embedder than ``embedder``."""
        from react_core.retrieval.store import load_index

        return load_index(Path(path), embedder)

    def _restore(self, vectors: VectorIndex, items: Sequence[tuple[int, Chunk]]) -> None:
        """Install loaded state (used by ``store.load_index``)."""
        self.vectors = vectors
        self._chunks = dict(items)
        self._vid = {c.id: v for v, c in items}
        stored = vectors.ids()
        self._next_vid = int(stored.max()) + 1 if stored.size else 0
        if not vectors.can_remove:
            live = np.fromiter(self._chunks, dtype=np.int64, count=len(self._chunks))
            vectors.tombstones = set(stored[~np.isin(stored, live)].tolist())


def _embed_text(chunk: Chunk) -> str:
    """What is embedded and keyword-indexed: the title line, then the passage."""
    return f"{chunk.title}\n{chunk.text}" if chunk.title and chunk.title not in chunk.text[:200] else chunk.text
