"""The translation DomainSpec: prompts, knowledge, the translate tool, adapter, fusion policy, data, eval."""

from __future__ import annotations

from typing import Any

from react_core import DomainSpec, FusionPolicy, ToolContext

from react_translation.builder import build_training_data
from react_translation.evaluation import TASKS
from react_translation.model import shipped_adapter

NAME = "translation"
VERSION = "0.1.0"

DESCRIPTION = ("Translation between English, German and French: translate a sentence or a text, detect "
               "which language it is in, keep a glossary's terms; short descriptive sentences work best.")
EXAMPLE_QUERIES = [
    "Translate into German: A man rides a bicycle down the street.",
    "How do you say 'two dogs are playing in the snow' in French?",
    "Übersetze bitte ins Englische: Ein Mädchen spielt am Strand.",
    "What does 'Eine Frau mit rotem Hut' mean in English?",
    "Traduis en anglais : Un homme joue de la guitare.",
    "Which language is this sentence in?",
    "Translate this text to German using my glossary",
]
# Chosen on the validation split (docs/domains/translation.md has the sweep).
FUSION = FusionPolicy(alpha=0.0, retrieval_k=2)


def build_tools(backend: Any | None = None, glossary: Any | None = None, default_target: str = "de",
                context: ToolContext | None = None) -> list[Any]:
    """``translate[text]``: through ``backend`` (or the agent's backend, which the core passes in
    ``context``) with the ``translation`` adapter, else with the base model and the shipped adapter
    loaded in this process on first use. ``glossary`` is a
    :class:`~react_translation.glossary.Glossary` (``load_glossary(path)``)."""
    from react_translation.tools import backend_completer, make_tools

    if backend is None and context is not None:
        backend = context.backend  # the model the agent runs on: no second copy in memory

    return make_tools(backend_completer(backend) if backend is not None else None, glossary, default_target)


SPEC = DomainSpec.from_package(  # prompts/, adapter/ and knowledge/ come from the package folder
    "react_translation",
    name=NAME,
    description=DESCRIPTION,
    example_queries=EXAMPLE_QUERIES,
    adapter_path=shipped_adapter(),
    tools=build_tools,
    fusion=FUSION,
    build_training_data=build_training_data,
    eval_tasks=TASKS,
    version=VERSION,
)
