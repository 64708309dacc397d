"""The recommendation DomainSpec: prompts, knowledge, tools, adapter, fusion policy, data, eval."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from react_core import DomainSpec, FusionPolicy

from react_recommendation.builder import build_training_data
from react_recommendation.evaluation import TASKS

NAME = "recommendation"
VERSION = "0.1.0"

DESCRIPTION = ("Movie recommendations: what a user should watch next from the movies they rated, movies "
               "similar to a given film, recommendations for a new viewer from their taste in words, and "
               "why a user may like a movie (MovieLens catalogue).")
EXAMPLE_QUERIES = [
    "What should user 42 watch next?",
    "Recommend me a movie like Fargo",
    "I loved Alien and The Terminator, what else would I like?",
    "Suggest a light romantic comedy for tonight",
    "Why would user 7 like Star Wars?",
    "Which films are similar to Toy Story?",
    "Give me some classic science fiction movie recommendations",
    "Any good crime thrillers to watch?",
]
# Chosen on the validation split (docs/domains/recommendation.md has the sweep).
FUSION = FusionPolicy(alpha=0.0, retrieval_k=3)


def build_tools(data_dir: Path | str | None = None, embedder: Any | None = None) -> list[Any]:
    """``recommend``, ``similar_items`` and ``explain`` on MovieLens-100k from the data directory
    (``react_core.data_dir``), with the item index embedded by ``embedder`` (default MiniLM)."""
    from react_core import cache_dir
    from react_core import data_dir as find_data_dir

    from react_recommendation.items import ItemSpace, default_embedder
    from react_recommendation.movielens import MovieLens
    from react_recommendation.service import Service
    from react_recommendation.tools import make_tools

    ml = MovieLens.load(find_data_dir(data_dir))
    space = ItemSpace(ml.movies, embedder or default_embedder(), cache=cache_dir() / "recommendation")
    return make_tools(Service(ml, space))


SPEC = DomainSpec.from_package(  # prompts/, adapter/ and knowledge/ come from the package folder
    "react_recommendation",
    name=NAME,
    description=DESCRIPTION,
    example_queries=EXAMPLE_QUERIES,
    tools=build_tools,
    fusion=FUSION,
    build_training_data=build_training_data,
    eval_tasks=TASKS,
    version=VERSION,
)
