"""What a domain plugin supplies: the DomainSpec and its evaluation tasks."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from react_core.adapters.policy import FusionPolicy
from react_core.agent.guard import Guard

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class EvalTask:
    """One evaluation task of a domain: how to load examples and how to score predictions.

    ``load(data_dir, split, limit)`` returns examples (dicts with at least ``prompt`` and
    ``reference``); ``score(predictions, examples)`` returns the metric's value, or a mapping
    of metric names to values (``metric`` names the headline one, e.g. ``accuracy`` next to
    ``macro_f1``).

    By default the predictions are greedy generations of up to ``max_new_tokens`` from each
    example's ``prompt``. A task that predicts otherwise (by likelihood over options with
    ``react_core.choose``, by ranking, by running the agent) supplies
    ``predict(model, tokenizer, examples, batch_size, progress)`` returning one prediction
    per example; ``progress(n)``, when given, is called as examples finish.

    ``published`` is the published reference for the headline metric, in the same units as
    the task's value, with its source: ``(0.9366, "BERT-large, Casanueva et al. 2020")``;
    ``react report`` puts it next to the measured figures.

    ``uses_model=False`` marks a task whose ``predict`` does not use the language model (a
    classifier, a retrieval metric): ``react eval`` then does not load the base model for it,
    and ``predict`` gets ``None`` for model and tokenizer.
    """

    name: str
    metric: str
    load: Callable[[Path, str, int | None], list[dict[str, Any]]]
    score: Callable[[list[Any], list[dict[str, Any]]], float | Mapping[str, float]]
    max_new_tokens: int = 16
    predict: Callable[..., list[Any]] | None = None
    published: tuple[float, str] | None = None
    uses_model: bool = True

    def __post_init__(self) -> None:
        if not self.uses_model and self.predict is None:
            raise ValueError(f"task {self.name!r}: uses_model=False needs a predict function "
                             "(the default prediction is the model's generation)")


def evenly_spread(rows: Sequence[Any], limit: int | None) -> list[Any]:
    """``limit`` rows taken evenly over ``rows`` (every k-th, from the first), or all rows.

    What an ``EvalTask.load`` does with its ``limit``: the subset covers the whole split, so
    its mix of labels (and of the split's sort order) stays close to the full split's.
    ``None`` or a limit of at least ``len(rows)`` gives every row.
    """
    rows = list(rows)
    if limit is None or limit >= len(rows):
        return rows
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    step = len(rows) / limit
    return [rows[int(i * step)] for i in range(limit)]


@dataclass(frozen=True)
class ToolContext:
    """What a domain's tool factory may use: the model the agent runs on and where.

    A factory that declares a ``context`` parameter (``def build_tools(context=None)``) gets
    one when the core builds an agent: ``backend`` is the agent's generation backend (a tool
    may call ``backend.generate(prompt, adapter="translation")`` instead of loading a second
    copy of the model), ``adapter`` the adapter the agent's loop runs with, ``domain`` the
    domain's name. Factories without that parameter are called with no arguments.
    """

    backend: Any = None
    adapter: str | None = None
    domain: str | None = None


@dataclass(frozen=True)
class DomainSpec:
    """Everything the core needs to know about one domain.

    Only ``name`` and ``description`` are required; a domain with no adapter runs on the
    base model, one with no knowledge sources has no search tool. ``guards`` are the domain's
    policy in code (``react_core.Guard``): every agent the core builds for the domain applies
    them, and those marked ``everywhere`` apply to every other agent too. ``record_names`` are
    the names its tools' records hold (or a function returning them): the grounding check
    refuses an answer that names one the run did not look up.
    """

    name: str
    description: str
    example_queries: Sequence[str] = ()
    system_prompt: str = ""
    few_shot: Sequence[str] = ()
    adapter_path: Path | None = None
    knowledge_paths: Sequence[Path] = ()
    tools: Callable[..., Sequence[Any]] | Sequence[Any] = ()
    fusion: FusionPolicy = field(default_factory=FusionPolicy)
    build_training_data: Callable[[Path], Iterable[dict[str, Any]]] | None = None
    eval_tasks: Sequence[EvalTask] = ()
    version: str = "0"
    guards: Sequence[Guard] = ()
    record_names: Callable[[], Iterable[str]] | Sequence[str] = ()

    def validate(self) -> None:
        """Raise ``ValueError`` naming every problem with this spec."""
        problems: list[str] = []
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            problems.append(
                f"name {self.name!r} must be 1-40 lowercase letters, digits or '_', starting with a letter"
            )
        if not isinstance(self.description, str) or not self.description.strip():
            problems.append("description must be a non-empty string (the router reads it)")
        if isinstance(self.example_queries, str):
            problems.append("example_queries must be a list of strings, not one string")
        if not isinstance(self.fusion, FusionPolicy):
            problems.append(f"fusion must be a FusionPolicy, got {type(self.fusion).__name__}")
        if self.adapter_path is not None and not Path(self.adapter_path).is_dir():
            problems.append(f"adapter_path {self.adapter_path} is not a directory")
        for p in self.knowledge_paths:
            if not Path(p).exists():
                problems.append(f"knowledge path {p} does not exist")
        if not (callable(self.tools) or isinstance(self.tools, (list, tuple))):
            problems.append("tools must be a list of tools or a callable returning one")
        if isinstance(self.guards, (str, Guard)) or not isinstance(self.guards, (list, tuple)):
            problems.append(f"guards must be a list of react_core.Guard objects, got {type(self.guards).__name__}")
        elif bad := [type(g).__name__ for g in self.guards if not isinstance(g, Guard)]:
            problems.append(f"guards must be a list of react_core.Guard objects (got {', '.join(bad)})")
        names = [t.name for t in self.eval_tasks]
        if len(set(names)) != len(names):
            problems.append(f"eval task names repeat: {names}")
        if problems:
            raise ValueError(f"invalid DomainSpec {self.name!r}: " + "; ".join(problems))

    @classmethod
    def from_package(cls, package: str, **fields: Any) -> DomainSpec:
        """A spec whose files come from an installed package's folder, by convention:

        ``prompts/system.md`` -> ``system_prompt``; ``prompts/few_shot/*.txt`` (sorted by name) ->
        ``few_shot``; ``adapter/`` holding ``react_adapter.json`` -> ``adapter_path``;
        ``knowledge/`` -> ``knowledge_paths``. What is missing keeps the default; ``fields``
        (``name`` and ``description`` at least) win over what is found::

            SPEC = DomainSpec.from_package("react_weather", name="weather", description="...", tools=make_tools)
        """
        from importlib import resources

        from react_core.adapters.manifest import MANIFEST

        root = Path(str(resources.files(package)))
        found: dict[str, Any] = {}
        system = root / "prompts" / "system.md"
        if system.is_file():
            found["system_prompt"] = system.read_text(encoding="utf-8").strip()
        shots = sorted((root / "prompts" / "few_shot").glob("*.txt"))
        if shots:
            found["few_shot"] = [p.read_text(encoding="utf-8").strip() for p in shots]
        if (root / "adapter" / MANIFEST).is_file():
            found["adapter_path"] = root / "adapter"
        if (root / "knowledge").is_dir():
            found["knowledge_paths"] = [root / "knowledge"]
        return cls(**{**found, **fields})

    def get_tools(self, context: ToolContext | None = None) -> list[Any]:
        """The domain's tools, built when ``tools`` is a factory (given ``context`` when it
        declares a ``context`` parameter, see :class:`ToolContext`)."""
        if not callable(self.tools):
            return list(self.tools)
        import inspect

        try:
            wants = "context" in inspect.signature(self.tools).parameters
        except (TypeError, ValueError):  # a builtin or C callable: no signature to read
            wants = False
        return list(self.tools(context=context or ToolContext(domain=self.name)) if wants else self.tools())
