"""Events ``Agent.stream()`` yields as a run happens.

Order within a step: ``TokenDelta``* (only with ``tokens=True``), ``ThoughtEvent``, then
either ``ActionEvent`` and ``ObservationEvent``, or nothing more for a final answer, then
``StepEvent`` with the finished step. The last event of every run is ``FinalEvent``,
whatever the stop reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Union

from react_core.agent.steps import AgentResult, Step


@dataclass(frozen=True)
class TokenDelta:
    """Text the model just produced for step ``step`` (it may still be cut at a stop)."""

    kind: ClassVar[str] = "token"
    step: int
    text: str


@dataclass(frozen=True)
class ThoughtEvent:
    kind: ClassVar[str] = "thought"
    step: int
    text: str


@dataclass(frozen=True)
class ActionEvent:
    """The model chose ``tool`` with ``input`` (a string, or the JSON object's dict)."""

    kind: ClassVar[str] = "action"
    step: int
    tool: str
    input: str | dict[str, Any]


@dataclass(frozen=True)
class ObservationEvent:
    """What the model will see; ``error`` is set when the tool call failed."""

    kind: ClassVar[str] = "observation"
    step: int
    text: str
    error: str | None = None


@dataclass(frozen=True)
class StepEvent:
    """A step is complete (its timings and token counts are final)."""

    kind: ClassVar[str] = "step"
    step: Step


@dataclass(frozen=True)
class FinalEvent:
    """The run is over; ``result.stop_reason`` says why."""

    kind: ClassVar[str] = "final"
    result: AgentResult


AgentEvent = Union[TokenDelta, ThoughtEvent, ActionEvent, ObservationEvent, StepEvent, FinalEvent]
