"""The ReAct prompt: templates shipped as data (prompts/react.yaml) and how a run is written.

A prompt is::

    <system prompt>

    <format instructions with the tool list>

    Examples:
    <few-shot trajectories, each "Question: ... Thought: ... Action: ... Observation: ...">

    Question: <query>
    Thought: <step 1 thought>
    Action: <tool>[<input>]
    Observation: <quoted tool output>
    Thought:

Observations are quoted: every line after the first is indented by two spaces, so no
line of tool output starts at column 0, where the parser reads step markers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

import yaml

from react_core.agent.steps import Step
from react_core.agent.tools import Tool

OBSERVATION_STOP = "\nObservation:"
"""Generation stops here, so a model can never write its own observation."""

STOP_SEQUENCES: tuple[str, ...] = (OBSERVATION_STOP, "\nObservation ", "\nQuestion:")


@dataclass(frozen=True)
class PromptTemplates:
    """The texts of the prompt (see prompts/react.yaml for what each one is)."""

    system: str
    format: str
    tool_line: str
    no_tools: str
    examples: str
    question: str
    unknown_tool: str
    bad_input: str
    repeated_action: str
    policy_thought: str
    repair_thought: str
    extracted: str
    ungrounded: str
    records: str
    general_examples: str

    @classmethod
    def load(cls, path: str | Path | None = None) -> PromptTemplates:
        """Read templates from a YAML file (default: the packaged prompts/react.yaml).

        Keys missing from ``path`` keep their packaged default; unknown keys are an error.
        """
        data = _packaged()
        if path is not None:
            custom = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
            unknown = sorted(set(custom) - {f.name for f in fields(cls)})
            if unknown:
                raise ValueError(f"{path}: unknown template keys {unknown}")
            data = {**data, **custom}
        return cls(**{f.name: str(data[f.name]) for f in fields(cls)})

    def fill(self, template: str, /, **values: Any) -> str:
        """Template ``template`` with ``values`` substituted (unknown placeholders stay as written)."""
        return Template(getattr(self, template)).safe_substitute(values)


_PACKAGED: dict[str, Any] | None = None


def _packaged() -> dict[str, Any]:
    global _PACKAGED
    if _PACKAGED is None:
        text = resources.files("react_core.agent").joinpath("prompts/react.yaml").read_text(encoding="utf-8")
        _PACKAGED = yaml.safe_load(text)
    return dict(_PACKAGED)


def quote_observation(text: str) -> str:
    """Tool output as written after ``Observation:``: continuation lines indented."""
    lines = text.strip().splitlines() or [""]
    return lines[0].strip() + "".join("\n  " + line.rstrip() for line in lines[1:])


def format_input(value: str | dict[str, Any] | None) -> str:
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


@dataclass(frozen=True)
class PromptBuilder:
    """Writes the prompt of a run: a fixed head (built once) and the steps so far."""

    head: str
    question: str

    @classmethod
    def create(cls, templates: PromptTemplates, tools: Sequence[Tool], *, system_prompt: str | None,
               few_shot: Sequence[str]) -> PromptBuilder:
        lines = [templates.fill("tool_line", name=t.name, input=t.example_input(),
                                description=" ".join(t.description.split())) for t in tools]
        parts = [(system_prompt or templates.system).strip(),
                 templates.fill("format", tools="\n".join(lines) or templates.no_tools).strip()]
        examples = [e.strip() for e in few_shot if e.strip()]
        if examples:
            parts.append(templates.examples + "\n" + "\n\n".join(examples))
        return cls(head="\n\n".join(parts) + "\n\n", question=templates.question)

    def render(self, query: str, steps: Sequence[Step]) -> str:
        """The prompt for the next step: it ends with ``Thought:``."""
        out = [self.head, Template(self.question).safe_substitute(query=query.strip()), "\n"]
        for step in steps:
            out.append(render_step(step))
        out.append("Thought:")
        return "".join(out)


def render_step(step: Step) -> str:
    """One finished step as it appears in the prompt (and in a training trajectory)."""
    return (f"Thought: {step.thought}\nAction: {step.action}[{format_input(step.action_input)}]\n"
            f"Observation: {quote_observation(step.observation or '')}\n")
