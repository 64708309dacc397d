"""The search tool: ``search[query]`` returns citable passages."""

from __future__ import annotations

from react_core.agent.tools import Tool
from react_core.retrieval import KnowledgeIndex, format_hits, make_search_tool


def test_search_tool_lists_ids_titles_and_scores(embedder, docs) -> None:
    tool = make_search_tool(KnowledgeIndex.from_documents(docs, embedder), k=2)
    assert isinstance(tool, Tool) and tool.name == "search" and tool.single_argument == "query"
    out = tool("Guido van Rossum")
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("[python] Python (score ")
    assert "programming language created by Guido" in lines[0]


def test_search_tool_passes_mode_and_filters(embedder, docs) -> None:
    index = KnowledgeIndex.from_documents(docs, embedder)
    tool = make_search_tool(index, k=3, mode="keyword", filters={"lang": "ja"})
    assert tool("首都").splitlines()[0].startswith("[tokyo] 東京")
    assert "No passages found" in tool("capital")


def test_empty_query_and_long_passages(embedder, docs) -> None:
    tool = make_search_tool(KnowledgeIndex.from_documents(docs, embedder), max_chars=20)
    assert "needs a query" in tool("   ")
    assert tool("refunds").splitlines()[0].endswith(" ...")
    assert "No passages found for 'x'" in format_hits([], "x")
