"""The agent's ``search[query]`` tool: passages with ids, titles and scores, ready to cite."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from react_core.agent.tools import Tool
from react_core.retrieval.documents import Hit
from react_core.retrieval.hybrid import Retriever

DEFAULT_MAX_CHARS = 500


def _snippet(text: str, max_chars: int) -> str:
    flat = " ".join(text.split())
    if len(flat) <= max_chars:
        return flat
    cut = flat.rfind(" ", 0, max_chars)
    return flat[:cut if cut > max_chars // 2 else max_chars].rstrip() + " ..."


def format_hits(hits: Sequence[Hit], query: str, *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """One line per passage: ``[id] Title (score 0.83): text...``; a clear line when nothing matched."""
    if not hits:
        return f"No passages found for {query!r}. Try other words or a broader query."
    lines = []
    for hit in hits:
        title = f" {hit.chunk.title}" if hit.chunk.title else ""
        lines.append(f"[{hit.id}]{title} (score {hit.score:.3g}): {_snippet(hit.chunk.text, max_chars)}")
    return "\n".join(lines)


def make_search_tool(retriever: Retriever, *, k: int = 5, name: str = "search", mode: str | None = None,
                     max_chars: int = DEFAULT_MAX_CHARS, description: str | None = None,
                     **search_kwargs: Any) -> Tool:
    """A one-argument ``Tool`` (``search[query]``) over ``retriever`` (a ``KnowledgeIndex`` or any
    object with ``search(query, k=...)``) returning the top ``k`` passages as text."""
    if mode is not None:
        search_kwargs["mode"] = mode

    def search(query: str) -> str:
        query = query.strip()
        if not query:
            return "search needs a query, e.g. search[capital of France]."
        return format_hits(retriever.search(query, k=k, **search_kwargs), query, max_chars=max_chars)

    text = description or (f"Search the knowledge base; returns up to {k} passages as "
                           "[id] title (score): text. Cite passages by their [id].")
    return Tool(name, text, search, parameters={
        "type": "object", "properties": {"query": {"type": "string", "description": "what to look for"}},
        "required": ["query"]})
