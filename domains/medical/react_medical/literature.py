"""The literature index: the 1,000 PubMedQA abstracts, searchable by PMID-cited passages.

The abstracts are data (PubMedQA, MIT; PubMed abstracts), read from the data directory when
the index is built, never copied into this package. Each abstract is one document with id
``PMID:<pmid>``; it holds the context paragraphs only (never the question, which is often
the article's title, nor the authors' conclusion, which would give the answer away).
The index is saved under ``<cache>/indexes/medical_literature`` and rebuilt only when the
data files or the embedder change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from react_medical.pubmedqa import FILES, Item, all_items, dataset_dir

INDEX_NAME = "medical_literature"
PREFIX = "PMID:"
SNIPPET_CHARS = 600
# abstracts average 1,306 characters: most become two overlapping chunks (1,735 for the 1,000)
CHUNKING = {"max_chars": 1200, "overlap": 150, "markdown": True}


def doc_id(pmid: str) -> str:
    return f"{PREFIX}{pmid}"


def pmid_of(doc: str) -> str:
    """``PMID:123#1`` or ``PMID:123`` -> ``123``."""
    return doc.split("#", 1)[0].removeprefix(PREFIX)


def documents(items: Sequence[Item]) -> list[Any]:
    from react_core.retrieval import Document

    return [Document(id=doc_id(i.pmid), text=i.abstract, source="pubmedqa",
                     metadata={"pmid": i.pmid, "year": i.year}) for i in items]


def data_hash(data_dir: Path) -> str:
    root = dataset_dir(data_dir)
    digest = hashlib.sha256()
    for name in sorted(FILES.values()):
        digest.update(name.encode())
        digest.update(hashlib.sha256((root / name).read_bytes()).digest())
    return "sha256:" + digest.hexdigest()


def build(items: Sequence[Item], embedder: Any) -> Any:
    """A ``KnowledgeIndex`` over ``items`` (one document per abstract, chunked by the core)."""
    from react_core import KnowledgeIndex
    from react_core.retrieval import ChunkingOptions

    return KnowledgeIndex.from_documents(documents(items), embedder, domain="medical",
                                         chunking=ChunkingOptions(**CHUNKING))


def load_or_build(data_dir: Path, *, embedder: Any = None, path: Path | None = None, rebuild: bool = False) -> Any:
    """The saved index when it is current (same data files, embedder and chunking), else built and saved."""
    from react_core import KnowledgeIndex
    from react_core.retrieval import IndexLoadError, default_index_dir, load_embedder, read_manifest

    path = Path(path) if path is not None else default_index_dir(INDEX_NAME)
    embedder = embedder or load_embedder()
    wanted = data_hash(data_dir)
    if not rebuild:
        try:
            manifest = read_manifest(path)
        except IndexLoadError:
            manifest = None
        if (manifest is not None and manifest.get("sources_hash") == wanted
                and manifest["embedder"]["fingerprint"] == embedder.fingerprint
                and manifest.get("chunking") == CHUNKING):
            return KnowledgeIndex.load(path, embedder)
    index = build(all_items(data_dir), embedder)
    index.save(path, sources=[str(dataset_dir(data_dir))], sources_hash=wanted)
    return index


def search(index: Any, query: str, k: int = 3, *, mode: str = "hybrid") -> list[Any]:
    """The ``k`` best abstracts for ``query`` as ``Hit``s, one per abstract, each named by its document
    id (``PMID:123``) even when the abstract was cut into several chunks."""
    from dataclasses import replace

    seen: dict[str, Any] = {}
    for hit in index.search(query, k=max(3 * k, 10), mode=mode):
        if hit.chunk.doc not in seen:
            seen[hit.chunk.doc] = replace(hit, chunk=replace(hit.chunk, id=hit.chunk.doc))
        if len(seen) == k:
            break
    return list(seen.values())


def search_pmids(index: Any, query: str, k: int = 3, *, mode: str = "hybrid") -> list[str]:
    """The PMIDs of the ``k`` best abstracts for ``query``, best first."""
    return [pmid_of(hit.chunk.doc) for hit in search(index, query, k, mode=mode)]


def format_results(hits: Sequence[Any], query: str, *, max_chars: int = SNIPPET_CHARS) -> str:
    """One line per abstract, ``[PMID:123] (score 0.03): passage ...`` (the core's ``format_hits``)."""
    from react_core.retrieval import format_hits

    if not hits:
        return f"No abstracts found for {query!r}. Try other words (a condition, a treatment, an outcome)."
    return format_hits(hits, query, max_chars=max_chars)


def cited_pmids(text: str) -> list[str]:
    """PMIDs cited as ``[PMID:123]`` (or ``PMID 123``) in ``text``, in order, without repeats."""
    import re

    found = re.findall(r"PMID[:\s]\s*(\d{1,9})", text)
    return list(dict.fromkeys(found))
