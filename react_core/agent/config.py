"""``AgentConfig``: the limits of a run. Each field's metadata carries its help text."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


def _opt(default: Any, help: str) -> Any:  # noqa: A002 - the metadata key CLIs read
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class AgentConfig:
    """Limits and generation settings of an agent run."""

    max_steps: int = _opt(8, "steps (Thought/Action/Observation) before the run stops with max_steps")
    max_seconds: float | None = _opt(120.0, "wall-clock limit of a run in seconds (None: no limit)")
    max_new_tokens: int = _opt(256, "tokens the model may write per step (a constrained step gets at least "
                                    "what its grammar needs to be complete)")
    temperature: float = _opt(0.0, "sampling temperature (0: greedy)")
    max_parse_retries: int = _opt(2, "re-prompts of the Action line, per run, for output that cannot be parsed")
    max_repeats: int = _opt(2, "identical calls (same tool, same input) tolerated; one more stops the run")
    tool_timeout: float | None = _opt(30.0, "seconds a tool may take before its observation is a timeout error")
    max_observation_chars: int = _opt(2000, "tool output beyond this many characters is cut")
    constrained: bool = _opt(True, "generate actions under the tools' grammar when the backend takes one "
                                   "(no parse errors, no unknown tools, inputs that fit)")
    grounding: bool = _opt(True, "check the answer's facts against the question and observations; "
                                 "repair an answer that states one they do not support")

    def __post_init__(self) -> None:
        problems = []
        if self.max_steps < 1:
            problems.append("max_steps must be at least 1")
        if self.max_seconds is not None and self.max_seconds <= 0:
            problems.append("max_seconds must be positive or None")
        if self.max_new_tokens < 1:
            problems.append("max_new_tokens must be at least 1")
        if self.temperature < 0:
            problems.append("temperature must be >= 0")
        if self.max_parse_retries < 0:
            problems.append("max_parse_retries must be >= 0")
        if self.max_repeats < 1:
            problems.append("max_repeats must be at least 1")
        if self.tool_timeout is not None and self.tool_timeout <= 0:
            problems.append("tool_timeout must be positive or None")
        if self.max_observation_chars < 1:
            problems.append("max_observation_chars must be at least 1")
        if problems:
            raise ValueError("invalid AgentConfig: " + "; ".join(problems))

    @classmethod
    def help(cls, name: str) -> str:
        """The help text of field ``name`` (for command-line options)."""
        return next(f.metadata["help"] for f in fields(cls) if f.name == name)
