"""A domain's index on disk: where it lives, and building it only when its sources changed."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from react_core.domain import DomainSpec
from react_core.retrieval.chunking import ChunkingOptions
from react_core.retrieval.embedder import DEFAULT_EMBEDDER, Embedder, load_embedder
from react_core.retrieval.knowledge import KnowledgeIndex
from react_core.retrieval.loaders import iter_files, load_documents
from react_core.retrieval.store import IndexLoadError, read_manifest


def default_index_dir(domain: str) -> Path:
    """``<cache dir>/indexes/<domain>`` (cache dir: ``REACT_CACHE_DIR`` or the user cache)."""
    from react_core.models.sources import cache_dir

    return cache_dir() / "indexes" / domain


def sources_hash(paths: Iterable[Path | str]) -> str:
    """sha256 over every knowledge file's relative name and bytes: changes when any source does."""
    digest = hashlib.sha256()
    for file, root in iter_files(paths):
        digest.update(file.relative_to(root).as_posix().encode())
        digest.update(hashlib.sha256(file.read_bytes()).digest())
    return "sha256:" + digest.hexdigest()


def build_index(paths: Iterable[Path | str], *, embedder: Embedder | None = None, out: Path | None = None,
                domain: str = "", factory: str = "auto", chunking: ChunkingOptions | None = None,
                progress: bool = False) -> KnowledgeIndex:
    """Load, chunk and embed every document under ``paths``; save to ``out`` when given."""
    paths = [Path(p) for p in paths]
    embedder = embedder or load_embedder(DEFAULT_EMBEDDER)
    docs = load_documents(paths)
    if not docs:
        raise ValueError(f"no documents found under {', '.join(map(str, paths))} (.md, .txt, .jsonl, .csv)")
    index = KnowledgeIndex.from_documents(docs, embedder, factory=factory, domain=domain, chunking=chunking,
                                          progress=progress)
    if out is not None:
        index.save(out, sources=[str(p) for p in paths], sources_hash=sources_hash(paths))
    return index


def load_or_build(spec: DomainSpec, *, embedder: Embedder | None = None, path: Path | None = None,
                  rebuild: bool = False, progress: bool = False, **build_kwargs: Any) -> KnowledgeIndex | None:
    """The domain's index: loaded from ``path`` (default ``default_index_dir``) when it is
    current (same sources, same embedder), else built from ``spec.knowledge_paths`` and saved.

    Returns ``None`` for a domain without knowledge sources (it has no search tool).
    """
    if not spec.knowledge_paths:
        return None
    path = Path(path) if path is not None else default_index_dir(spec.name)
    embedder = embedder or load_embedder(DEFAULT_EMBEDDER)
    if not rebuild:
        try:
            manifest = read_manifest(path)
        except IndexLoadError:
            manifest = None
        if (manifest is not None and manifest.get("sources_hash") == sources_hash(spec.knowledge_paths)
                and manifest["embedder"]["fingerprint"] == embedder.fingerprint):
            return KnowledgeIndex.load(path, embedder)
    return build_index(spec.knowledge_paths, embedder=embedder, out=path, domain=spec.name, progress=progress,
                       **build_kwargs)


def domain_search_tool(spec: DomainSpec, **kwargs: Any) -> Any:
    """``search[query]`` over the domain's index (``spec.fusion.retrieval_k`` passages), or ``None``."""
    from react_core.retrieval.tool import make_search_tool

    index = load_or_build(spec, **kwargs)
    return None if index is None else make_search_tool(index, k=spec.fusion.retrieval_k)
