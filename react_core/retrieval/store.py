"""Saving and loading a ``KnowledgeIndex`` as a directory, with no pickle anywhere.

Layout::

    index.faiss     the faiss index (faiss.write_index)
    chunks.sqlite   the sidecar: one row per chunk (vector id, chunk id, text, metadata as JSON)
    manifest.json   embedder name + fingerprint, dimension, metric, factory string, counts,
                    corpus hash, library versions; written last

A save builds the whole directory in a staging directory and swaps it in with one
rename (``react_core.atomic.atomic_directory``): a crash mid-save leaves the previous
index untouched. Loading checks the manifest first and refuses an index built with a
different embedder, naming both.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from react_core.atomic import atomic_directory, write_json_atomic
from react_core.versions import installed_versions
from react_core.retrieval.chunking import ChunkingOptions
from react_core.retrieval.documents import Chunk
from react_core.retrieval.embedder import Embedder, load_embedder
from react_core.retrieval.index import VectorIndex

FORMAT = "react-core-index"
FORMAT_VERSION = 1
INDEX_FILE = "index.faiss"
SIDECAR_FILE = "chunks.sqlite"
MANIFEST_FILE = "manifest.json"
METRIC = "inner_product"


class IndexLoadError(RuntimeError):
    """A saved index is missing, damaged, or was written by an incompatible version."""


class EmbedderMismatchError(IndexLoadError):
    """The saved index was built with another embedder than the one offered to load it."""


def library_versions() -> dict[str, str]:
    return installed_versions(("react-core", "faiss-cpu", "numpy", "sentence-transformers", "bm25s"))


def corpus_hash(chunks: Sequence[Chunk]) -> str:
    """sha256 over the chunks' ids, texts and titles, in id order (independent of insertion order)."""
    digest = hashlib.sha256()
    for c in sorted(chunks, key=lambda c: c.id):
        for part in (c.id, c.title, c.text):
            digest.update(part.encode("utf-8"))
            digest.update(b"\x1f")
    return "sha256:" + digest.hexdigest()


def _write_sidecar(path: Path, items: Sequence[tuple[int, Chunk]]) -> None:
    db = sqlite3.connect(path)
    try:
        db.execute("CREATE TABLE chunks (vid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, doc TEXT NOT NULL, "
                   "text TEXT NOT NULL, title TEXT, source TEXT, domain TEXT, metadata TEXT)")
        db.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (
            (vid, c.id, c.doc, c.text, c.title, c.source, c.domain, json.dumps(dict(c.metadata), default=str))
            for vid, c in items))
        db.commit()
    finally:
        db.close()


def _read_sidecar(path: Path) -> list[tuple[int, Chunk]]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT vid, id, doc, text, title, source, domain, metadata FROM chunks ORDER BY vid")
        return [(vid, Chunk(id=cid, doc=doc, text=text, title=title or "", source=source or "",
                            domain=domain or "", metadata=json.loads(meta or "{}")))
                for vid, cid, doc, text, title, source, domain, meta in rows]
    finally:
        db.close()


def build_manifest(index: Any, **extra: Any) -> dict[str, Any]:
    """The manifest of ``index`` (a ``KnowledgeIndex``); ``extra`` keys are added as they are."""
    chunks = [c for _, c in index.items()]
    vectors = index.vectors
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "embedder": {"name": index.embedder.name, "fingerprint": index.embedder.fingerprint,
                     "dimension": index.embedder.dimension},
        "metric": METRIC,
        "normalized": True,
        "factory": index.factory,
        "search": {"ef_search": index.ef_search, "nprobe": vectors.nprobe if vectors else index.nprobe},
        "domain": index.domain,
        "chunking": {"max_chars": index.chunking.max_chars, "overlap": index.chunking.overlap,
                     "markdown": index.chunking.markdown},
        "chunks": len(chunks),
        "documents": len({c.doc for c in chunks}),
        "vectors": vectors.ntotal if vectors else 0,
        "tombstones": len(vectors.tombstones) if vectors else 0,
        "corpus_hash": corpus_hash(chunks),
        "versions": library_versions(),
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        **extra,
    }


def save_index(index: Any, path: Path, **manifest_extra: Any) -> Path:
    """Write ``index`` to directory ``path`` atomically (the old directory stays until the swap)."""
    if index.vectors is None:
        raise ValueError("cannot save an empty index: add documents first")
    with atomic_directory(path) as staging:
        index.vectors.write(str(staging / INDEX_FILE))
        _write_sidecar(staging / SIDECAR_FILE, index.items())
        write_json_atomic(staging / MANIFEST_FILE, build_manifest(index, **manifest_extra))
    return path


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of the index saved at ``path``, checked for format."""
    file = Path(path) / MANIFEST_FILE
    if not file.is_file():
        raise IndexLoadError(f"no index at {path} (missing {MANIFEST_FILE}); build one with `react index build`")
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise IndexLoadError(f"{file} is not valid JSON ({exc.msg}); rebuild the index") from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise IndexLoadError(f"{path} holds format {manifest.get('format')!r} v{manifest.get('format_version')}; "
                             f"this version reads {FORMAT!r} v{FORMAT_VERSION}: rebuild the index")
    return manifest


def check_embedder(manifest: dict[str, Any], embedder: Embedder, path: Path) -> None:
    """Raise ``EmbedderMismatchError`` unless ``embedder`` is the one the index was built with."""
    saved = manifest["embedder"]
    if saved["fingerprint"] != embedder.fingerprint:
        raise EmbedderMismatchError(
            f"the index at {path} was built with embedder {saved['name']!r} (fingerprint {saved['fingerprint']}, "
            f"{saved['dimension']} dims), but embedder {embedder.name!r} (fingerprint {embedder.fingerprint}) "
            f"was given. Its vectors are not comparable: load it with {saved['name']!r}, or rebuild it with "
            f"`react index build ... --embedder {embedder.name}`.")


def load_index(path: Path, embedder: Embedder | None = None) -> Any:
    """Load the index at ``path``; with no ``embedder``, the one named in the manifest is loaded."""
    from react_core.retrieval.knowledge import KnowledgeIndex

    path = Path(path)
    manifest = read_manifest(path)
    if embedder is None:
        embedder = load_embedder(manifest["embedder"]["name"])
    check_embedder(manifest, embedder, path)
    try:
        vectors = VectorIndex.read(str(path / INDEX_FILE), factory=manifest["factory"],
                                   ef_search=manifest["search"]["ef_search"], nprobe=manifest["search"]["nprobe"])
        items = _read_sidecar(path / SIDECAR_FILE)
    except (RuntimeError, sqlite3.Error) as exc:
        raise IndexLoadError(f"the index at {path} is damaged ({type(exc).__name__}: {exc}); rebuild it") from exc
    chunking = ChunkingOptions(**manifest["chunking"])
    index = KnowledgeIndex(embedder, factory=manifest["factory"], domain=manifest.get("domain", ""),
                           chunking=chunking, ef_search=manifest["search"]["ef_search"],
                           nprobe=manifest["search"]["nprobe"])
    index._restore(vectors, items)
    if len(index) != manifest["chunks"] or vectors.ntotal != manifest["vectors"]:
        raise IndexLoadError(f"the index at {path} is inconsistent: manifest says {manifest['chunks']} chunks / "
                             f"{manifest['vectors']} vectors, found {len(index)} / {vectors.ntotal}; rebuild it")
    index.manifest = manifest
    return index
