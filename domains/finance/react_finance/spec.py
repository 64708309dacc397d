"""The finance DomainSpec: prompts, knowledge, tools, adapter, fusion policy, data, eval."""

from __future__ import annotations

from typing import Any

from react_core import AdapterSpec, DomainSpec, FusionPolicy, Guard, ToolContext

from react_finance.builder import build_training_data
from react_finance.evaluation import TASKS
from react_finance.review import SENTIMENT_RECORD_GUARD
from react_finance.tools import required_sentiment

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
FUSION = FusionPolicy(alpha=0.0, retrieval_k=2)


def build_tools(index: Any | None = None, analyzer: Any | None = None,
                context: ToolContext | None = None) -> list[Any]:
    """The agent's tools: ``search_news`` over the news index (built and cached on first use with the
    default embedder unless ``index`` is given), ``sentiment`` and ``entities`` on ``analyzer``.

    Without ``analyzer`` they run the finance adapter (under this domain's fusion policy) on the
    agent's backend, which the core passes in ``context``, when the agent runs with an adapter that
    includes this domain's, so the backend has it installed; otherwise (no backend, the base model,
    another domain's adapter) the rule-based fallback answers. Every observation says which did."""
    from react_core.retrieval import load_or_build

    from react_finance.tools import make_tools

    if index is None:
        index = load_or_build(SPEC)
    if analyzer is None:
        analyzer = agent_analyzer(context)
    return make_tools(index, analyzer, k=SPEC.fusion.retrieval_k)


def agent_analyzer(context: ToolContext | None) -> Any | None:
    """The finance adapter on the agent's backend, if the agent's adapter includes it; else None."""
    from react_finance.analyzer import ModelAnalyzer

    if context is None or context.backend is None or context.adapter is None:
        return None
    try:
        names = AdapterSpec.parse(context.adapter).names
    except ValueError:  # not an adapter spec the runtime wrote
        return None
    if NAME not in names:
        return None
    return ModelAnalyzer(context.backend, AdapterSpec.single(NAME, FUSION).key())


SPEC = DomainSpec.from_package(  # prompts/, adapter/ and knowledge/ come from the package folder
    "react_finance",
    name=NAME,
    description=DESCRIPTION,
    example_queries=EXAMPLE_QUERIES,
    tools=build_tools,
    fusion=FUSION,
    build_training_data=build_training_data,
    eval_tasks=TASKS,
    guards=[Guard("sentiment_lookup", require=required_sentiment), SENTIMENT_RECORD_GUARD],
    version=VERSION,
)
