"""The customer-service DomainSpec: prompts, knowledge, tools, adapter, fusion policy, data, eval."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from react_core import DomainSpec, FusionPolicy

from react_customer_service.builder import build_training_data
from react_customer_service.evaluation import TASKS

NAME = "customer_service"
VERSION = "0.1.0"
PACKAGE = Path(str(resources.files("react_customer_service")))

DESCRIPTION = ("Bank customer support: cards, card payments, top-ups, transfers, exchange and fees, cash "
               "withdrawals, identity checks and account security; looks up and acts on the customer's records.")
EXAMPLE_QUERIES = [
    "My new card still hasn't arrived, where is it?",
    "Why was I charged a fee for my transfer?",
    "I lost my card, please freeze it",
    "My top-up is still pending",
    "How do I verify my identity?",
    "What is the exchange rate for euros?",
    "The ATM didn't give me all my cash",
    "Cancel my transfer TR-3002",
]
# Chosen on the validation split (docs/domains/customer_service.md has the sweep).
FUSION = FusionPolicy(alpha=0.0, retrieval_k=2)


def system_prompt() -> str:
    return (PACKAGE / "prompts" / "system.md").read_text(encoding="utf-8").strip()


def few_shot() -> list[str]:
    return [p.read_text(encoding="utf-8").strip() for p in sorted((PACKAGE / "prompts" / "few_shot").glob("*.txt"))]


def adapter_path() -> Path | None:
    path = PACKAGE / "adapter"
    return path if (path / "react_adapter.json").is_file() else None


def build_tools(db_path: Path | str | None = None, index: Any | None = None) -> list[Any]:
    """The agent's tools: ``search_faq`` over the FAQ index (built and cached on first use with the
    default embedder unless ``index`` is given) and the account tools on the demo database."""
    from react_core.retrieval import load_or_build

    from react_customer_service.db import Bank
    from react_customer_service.tools import make_tools

    if index is None:
        index = load_or_build(SPEC)
    return make_tools(Bank(db_path), index, k=SPEC.fusion.retrieval_k)


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
