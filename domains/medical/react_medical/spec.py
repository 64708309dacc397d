"""The medical DomainSpec: prompts, guides, tools, adapter, fusion policy, training data, eval tasks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from react_core import DomainSpec, FusionPolicy

from react_medical.builder import build_training_data
from react_medical.evaluation import TASKS
from react_medical.guards import GUARDS

NAME = "medical"
VERSION = "0.1.0"

DESCRIPTION = ("Biomedical and clinical questions answered from the research literature with PubMed citations: "
               "whether a treatment works, what a study found, risk factors, diagnosis and prognosis evidence, "
               "medical exam questions; safe handling of emergencies and medication doses.")
EXAMPLE_QUERIES = [
    "Do statins reduce the risk of dementia?",
    "Is laparoscopic surgery better than open surgery for appendicitis?",
    "Does vitamin D supplementation prevent fractures in older adults?",
    "What does the evidence say about telephone counselling for mammography screening?",
    "Is obesity a risk factor for complications after knee replacement?",
    "Which test should be ordered first for a patient with suspected pulmonary embolism?",
    "I have crushing chest pain, what should I do?",
    "How much oxycodone can I take?",
]
# Chosen on the PubMedQA validation split (docs/domains/medical.md has the sweep).
FUSION = FusionPolicy(alpha=0.0, retrieval_k=3)


def build_tools(data_dir: Path | str | None = None, literature_index: Any | None = None,
                guides_index: Any | None = None) -> list[Any]:
    """``search_literature`` over the PubMedQA abstracts (read from the data directory, indexed and
    cached on first use with the default embedder), ``search_guides`` and ``check_safety``."""
    from react_core import data_dir as find_data_dir
    from react_core.retrieval import load_or_build

    from react_medical import literature
    from react_medical.tools import make_tools

    if literature_index is None:
        literature_index = literature.load_or_build(find_data_dir(data_dir))
    if guides_index is None:
        guides_index = load_or_build(SPEC)
    return make_tools(literature_index, guides_index, k=SPEC.fusion.retrieval_k)


SPEC = DomainSpec.from_package(  # prompts/, adapter/ and knowledge/ come from the package folder
    "react_medical",
    name=NAME,
    description=DESCRIPTION,
    example_queries=EXAMPLE_QUERIES,
    tools=build_tools,
    fusion=FUSION,
    build_training_data=build_training_data,
    eval_tasks=TASKS,
    version=VERSION,
    guards=GUARDS,
)
