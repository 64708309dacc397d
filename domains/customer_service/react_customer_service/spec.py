"""The customer-service DomainSpec: prompts, knowledge, tools, adapter, fusion policy, data, eval."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from react_core import DomainSpec, FusionPolicy

from react_customer_service.builder import build_training_data
from react_customer_service.evaluation import TASKS

NAME = "customer_service"
VERSION = "0.1.0"

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


def build_tools(db_path: Path | str | None = None, index: Any | None = None,
                classifier: Any | None = None) -> list[Any]:
    """The agent's tools: ``search_faq`` over the FAQ index (built and cached on first use with the
    default embedder unless ``index`` is given) and the account tools on the demo database.

    ``classifier`` (an ``IntentClassifier``, or a callable returning one on first use, e.g.
    ``lambda: load_classifier(data_dir())``) adds ``classify_intent``. It is off by default: the
    shipped adapter was not trained with it, and an adapter trained on trajectories that start
    with it ignored its answer (docs/domains/customer_service.md)."""
    from react_core.retrieval import load_or_build

    from react_customer_service.db import Bank
    from react_customer_service.tools import make_tools

    if index is None:
        index = load_or_build(SPEC)
    return make_tools(Bank(db_path), index, k=SPEC.fusion.retrieval_k, classifier=classifier)


SPEC = DomainSpec.from_package(  # prompts/, adapter/ and knowledge/ come from the package folder
    "react_customer_service",
    name=NAME,
    description=DESCRIPTION,
    example_queries=EXAMPLE_QUERIES,
    tools=build_tools,
    fusion=FUSION,
    build_training_data=build_training_data,
    eval_tasks=TASKS,
    version=VERSION,
)
