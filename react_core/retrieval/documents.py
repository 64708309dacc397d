"""The records retrieval works on: source documents, their chunks, and search hits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: Chunk fields a metadata filter may name besides the user's own metadata keys.
BUILTIN_FIELDS = ("id", "doc", "title", "source", "domain")


@dataclass(frozen=True)
class Document:
    """One source document before chunking: ``id`` is stable and names it for updates."""

    id: str
    text: str
    title: str = ""
    source: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Chunk:
    """One searchable passage: ``id`` is what answers cite, ``doc`` the document it came from."""

    id: str
    doc: str
    text: str
    title: str = ""
    source: str = ""
    domain: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def field(self, name: str) -> Any:
        """A built-in field (id, doc, title, source, domain) or a metadata value (``None`` if absent)."""
        if name in BUILTIN_FIELDS:
            return getattr(self, name)
        return self.metadata.get(name)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "doc": self.doc, "text": self.text, "title": self.title,
                "source": self.source, "domain": self.domain, "metadata": dict(self.metadata)}


@dataclass(frozen=True)
class Hit:
    """A search result: the chunk and its score (cosine, BM25 or fused RRF, by ``method``)."""

    chunk: Chunk
    score: float
    method: str = "dense"

    @property
    def id(self) -> str:
        return self.chunk.id

    @property
    def key(self) -> tuple[str, str]:
        """Identity across several domains' indexes: ``(domain, id)``."""
        return (self.chunk.domain, self.chunk.id)

    def as_dict(self) -> dict[str, Any]:
        return {**self.chunk.as_dict(), "score": self.score, "method": self.method}


Filters = Mapping[str, Any]
"""Metadata filters: ``{field: value}`` matches equality, ``{field: [a, b]}`` any of the values."""


def matches(chunk: Chunk, filters: Filters | None) -> bool:
    """True when ``chunk`` satisfies every filter (all fields must match)."""
    if not filters:
        return True
    for name, wanted in filters.items():
        value = chunk.field(name)
        if isinstance(wanted, (list, tuple, set, frozenset)):
            if value not in wanted:
                return False
        elif value != wanted:
            return False
    return True
