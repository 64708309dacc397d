"""The finance DomainSpec: prompts, knowledge, tools, adapter, fusion policy, data, eval."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from react_core import DomainSpec, FusionPolicy

from react_finance.builder import build_training_data
from react_finance.evaluation import TASKS

NAME = "finance"
VERSION = "0.1.0"
PACKAGE = Path(str(resources.files("react_finance")))

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


def system_prompt() -> str:
    return (PACKAGE / "prompts" / "system.md").read_text(encoding="utf-8").strip()


def few_shot() -> list[str]:
    return [p.read_text(encoding="utf-8").strip() for p in sorted((PACKAGE / "prompts" / "few_shot").glob("*.txt"))]


def adapter_path() -> Path | None:
    path = PACKAGE / "adapter"
    return path if (path / "react_adapter.json").is_file() else None


def build_tools(index: Any | None = None, analyzer: Any | None = None) -> list[Any]:
    """The agent's tools: ``search_news`` over the news index (built and cached on first use with the
    default embedder unless ``index`` is given), ``sentiment`` and ``entities`` on ``analyzer``
    (default: the rule-based fallback, because the core calls this factory without a model)."""
    from react_core.retrieval import load_or_build

    from react_finance.tools import make_tools

    if index is None:
        index = load_or_build(SPEC)
    return make_tools(index, analyzer, k=SPEC.fusion.retrieval_k)


SPEC = DomainSpec(
    name=NAME,
    description=DESCRIPTION,
    example_queries=EXAMPLE_QUERIES,
    system_prompt=system_prompt(),
    few_shot=few_shot(),
    adapter_path=adapter_path(),
    knowledge_paths=[PACKAGE / "knowledge"],
    tools=build_tools,
    fusion=FUSION,
    build_training_data=build_training_data,
    eval_tasks=TASKS,
    version=VERSION,
)
