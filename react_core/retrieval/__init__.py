"""Retrieval: embeddings, FAISS indexes, BM25, hybrid fusion, persistence.

Typical use::

    from react_core.retrieval import KnowledgeIndex, load_documents, load_embedder, make_search_tool

    index = KnowledgeIndex.from_documents(load_documents(["docs/"]), load_embedder())
    index.save("my-index")                      # atomic; no pickle
    tool = make_search_tool(KnowledgeIndex.load("my-index"), k=4)
    print(tool("how do refunds work"))          # [id] Title (score): passage ...
"""

from react_core.retrieval.chunking import ChunkingOptions, chunk_text
from react_core.retrieval.documents import Chunk, Document, Hit
from react_core.retrieval.domain_index import build_index, default_index_dir, domain_search_tool, load_or_build
from react_core.retrieval.embedder import (
    DEFAULT_EMBEDDER,
    Embedder,
    HashingEmbedder,
    SentenceTransformerEmbedder,
    load_embedder,
)
from react_core.retrieval.hybrid import DEFAULT_RRF_K, fuse_indexes, reciprocal_rank_fusion
from react_core.retrieval.index import IndexConfigError, VectorIndex, choose_factory
from react_core.retrieval.keyword import KeywordIndex, tokenize
from react_core.retrieval.knowledge import DuplicateIdError, KnowledgeIndex
from react_core.retrieval.loaders import LoaderError, chunk_documents, load_documents
from react_core.retrieval.store import EmbedderMismatchError, IndexLoadError, read_manifest
from react_core.retrieval.tool import format_hits, make_search_tool

__all__ = [
    "DEFAULT_EMBEDDER",
    "DEFAULT_RRF_K",
    "Chunk",
    "ChunkingOptions",
    "Document",
    "DuplicateIdError",
    "Embedder",
    "EmbedderMismatchError",
    "HashingEmbedder",
    "Hit",
    "IndexConfigError",
    "IndexLoadError",
    "KeywordIndex",
    "KnowledgeIndex",
    "LoaderError",
    "SentenceTransformerEmbedder",
    "VectorIndex",
    "build_index",
    "choose_factory",
    "chunk_documents",
    "chunk_text",
    "default_index_dir",
    "domain_search_tool",
    "format_hits",
    "fuse_indexes",
    "load_documents",
    "load_embedder",
    "load_or_build",
    "make_search_tool",
    "read_manifest",
    "reciprocal_rank_fusion",
    "tokenize",
]
