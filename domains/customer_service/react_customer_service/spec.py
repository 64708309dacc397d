"""The customer-service DomainSpec: prompts, knowledge, tools, adapter, fusion policy, data, eval."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from react_core import DomainSpec, FusionPolicy

from react_customer_service.actions import ACTION_RECORD_GUARD
from react_customer_service.builder import build_training_data
from react_customer_service.candidates import default_classifier
from react_customer_service.evaluation import TASKS
from react_customer_service.policy import CONSULT_GUARD, RECORDS_GUARD
from react_customer_service.scope import HAND_OVER_GUARD, out_of_scope_guard

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


# One classifier per process, shared by the classify_intent tool and the out-of-scope guard:
# trained on the data directory's Banking77 on first use and cached (candidates.load_classifier).
CLASSIFIER = default_classifier()


def build_tools(db_path: Path | str | None = None, index: Any | None = None,
                classifier: Any | None = CLASSIFIER) -> list[Any]:
    """The agent's tools: ``classify_intent`` (the intent classifier), ``search_faq`` over the FAQ
    index (built and cached on first use with the default embedder unless ``index`` is given)
    and the account tools on the demo database.

    ``classifier`` is an ``IntentClassifier``, a loader or a ``LazyClassifier``; the default
    trains on the data directory's Banking77 on first use (a minute or two, then cached), and
    without it the tool tells the agent to name the intent itself. ``None`` leaves the tool out:
    for adapters trained before it (docs/domains/customer_service.md). A lazily loaded classifier
    is loaded here, when the agent is built: trained inside the first run, it took about two
    minutes of that run's 120-second limit."""
    from react_core.retrieval import load_or_build

    from react_customer_service.candidates import LazyClassifier
    from react_customer_service.db import Bank
    from react_customer_service.tools import make_tools

    if isinstance(classifier, LazyClassifier):
        classifier.warm()
    if index is None:
        index = load_or_build(SPEC)
    return make_tools(Bank(db_path), index, k=SPEC.fusion.retrieval_k, classifier=classifier)


def _bank() -> Any:
    from react_customer_service.db import Bank

    return Bank()


SPEC = DomainSpec.from_package(  # prompts/, adapter/ and knowledge/ come from the package folder
    "react_customer_service",
    name=NAME,
    description=DESCRIPTION,
    example_queries=EXAMPLE_QUERIES,
    tools=build_tools,
    fusion=FUSION,
    guards=[out_of_scope_guard(CLASSIFIER), CONSULT_GUARD, RECORDS_GUARD, HAND_OVER_GUARD, ACTION_RECORD_GUARD],
    record_names=lambda: _bank().names(),
    build_training_data=build_training_data,
    eval_tasks=TASKS,
    version=VERSION,
)
