"""The finance DomainSpec: prompts, knowledge, tools, adapter, fusion policy, data, eval."""

from __future__ import annotations

from typing import Any

from react_core import DomainSpec, FusionPolicy

from react_finance.builder import build_training_data
from react_finance.evaluation import TASKS

NAME = "finance"
VERSION = "0.1.0"

DESCRIPTION = ("Financial news analysis: whether a news sentence or tweet is positive, negative or neutral for "
               "investors, which companies, people and places it names, and what the news archive says about "
               "a company (earnings, guidance, layoffs, mergers, fines, share price moves).")
EXAMPLE_QUERIES = [
    "Is this headline good or bad for the stock: Northwind Metals cuts output guidance after smelter fire",
    "What is the sentiment of: Operating profit rose to EUR 13.1 mn from EUR 8.7 mn",
    "Which companies are mentioned in this news article?",
    "What does the news say about Kestrel Pharmaceuticals?",
    "Is the market reaction to the merger positive?",
    "Extract the people and organisations from: Reuters reported that Nokia CEO Pekka Lundmark met investors",
    "Has there been negative news about Aurora Grid Energy?",
    "Shares fell 9% after the profit warning: bearish or bullish?",
]
# Chosen on the validation split (docs/domains/finance.md has the sweep).
FUSION = FusionPolicy(alpha=0.25, retrieval_k=2)


def build_tools(index: Any | None = None, analyzer: Any | None = None) -> list[Any]:
    """The agent's tools: ``search_news`` over the news index (built and cached on first use with the
    default embedder unless ``index`` is given), ``sentiment`` and ``entities`` on ``analyzer``
    (default: the rule-based fallback, because the core calls this factory without a model)."""
    from react_core.retrieval import load_or_build

    from react_finance.tools import make_tools

    if index is None:
        index = load_or_build(SPEC)
    return make_tools(index, analyzer, k=SPEC.fusion.retrieval_k)


SPEC = DomainSpec.from_package(  # prompts/, adapter/ and knowledge/ come from the package folder
    "react_finance",
    name=NAME,
    description=DESCRIPTION,
    example_queries=EXAMPLE_QUERIES,
    tools=build_tools,
    fusion=FUSION,
    build_training_data=build_training_data,
    eval_tasks=TASKS,
    version=VERSION,
)
