"""What a run produces: one ``Step`` per Thought/Action/Observation, and the ``AgentResult``.

Everything here is a plain dataclass with ``to_dict``/``from_dict`` so a trace is JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

#: Why a run ended. ``final_answer`` is the only one that carries an answer.
STOP_REASONS = (
    "final_answer",     # the model gave a Final Answer (or called finish[...])
    "max_steps",        # AgentConfig.max_steps steps ran without an answer
    "timeout",          # the wall-clock limit AgentConfig.max_seconds passed
    "parse_error",      # the model's output could not be parsed within the retry budget
    "repeated_action",  # the same tool was called with the same input too often
    "backend_error",    # the generation backend raised
    "cancelled",        # the caller stopped consuming the stream
    "guard_error",      # a guard (react_core.agent.guard) raised: the answer is withheld
)

FINISH = "finish"
"""The reserved action name of a final answer: ``finish[answer]`` is the paper's syntax."""


@dataclass
class Step:
    """One turn of the loop: the model's thought and action, and what the tool returned.

    A final step has ``action == "finish"`` and the answer as ``action_input``. ``error``
    says what went wrong in this step (unknown tool, tool error, timeout, unparseable
    output); the same text, for tool problems, is the observation the model sees.

    ``kind`` is ``"react"`` for the loop's steps, ``"policy"`` for a tool call a guard's policy
    required (``react_core.agent.policy``), ``"rewrite"`` for a step written with another
    adapter (``react_core.agent.rewrite``; ``adapter`` names it) and ``"guard"`` for a guard's
    screen or review, and for the grounding repair (``react_core.agent.repair``).
    """

    index: int
    thought: str = ""
    action: str | None = None
    action_input: str | dict[str, Any] | None = None
    observation: str | None = None
    error: str | None = None
    raw_output: str = ""  # what the model generated for this step (after stop cuts)
    parse_retries: int = 0
    seconds: float = 0.0  # the whole step
    model_seconds: float = 0.0
    tool_seconds: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    kind: str = "react"
    adapter: str | None = None
    stated: bool = False  # a policy step whose result the answer must state (Guard.state_required)

    @property
    def is_final(self) -> bool:
        return self.action == FINISH

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Step:
        return cls(**_known(cls, data))


@dataclass
class Usage:
    """Model usage of a run: calls to the backend and the tokens it reported."""

    generations: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def add(self, prompt_tokens: int, completion_tokens: int) -> None:
        self.generations += 1
        self.prompt_tokens += prompt_tokens
        self.completion_tokens += completion_tokens

    def to_dict(self) -> dict[str, int]:
        return {**asdict(self), "total_tokens": self.total_tokens}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Usage:
        return cls(**_known(cls, data))


@dataclass
class AgentResult:
    """The outcome of one run. ``answer`` is ``None`` unless ``stop_reason == "final_answer"``;
    ``stop_detail`` explains any other stop in one sentence. ``grounding`` is the check of the
    model's answer against the run's evidence (``react_core.agent.repair``): the facts it found
    supported and unsupported, the repair made and what remained; None when the model wrote no
    answer (a guard answered, or the run stopped) or the check is off."""

    query: str
    answer: str | None
    stop_reason: str
    steps: list[Step] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    stop_detail: str = ""
    domain: str | None = None
    adapter: str | None = None
    seconds: float = 0.0
    grounding: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.stop_reason == "final_answer"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["usage"] = self.usage.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AgentResult:
        data = _known(cls, data)
        data["steps"] = [Step.from_dict(s) for s in data.get("steps", [])]
        data["usage"] = Usage.from_dict(data.get("usage", {}))
        return cls(**data)

    def summary(self) -> dict[str, Any]:
        """The compact form ``react chat --json`` prints."""
        return {
            "answer": self.answer,
            "domain": self.domain,
            "stop_reason": self.stop_reason,
            "stop_detail": self.stop_detail,
            "steps": [{"thought": s.thought, "action": s.action, "action_input": s.action_input,
                       "observation": s.observation, "kind": s.kind} for s in self.steps],
            "grounding": self.grounding,
            "usage": self.usage.to_dict(),
        }


def _known(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    """Keep the keys ``cls`` declares (traces written by a newer version still load)."""
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names}
