"""Guards: a domain's policy enforced in code on every run, whatever runs the agent.

A prompt can ask a model to behave; a guard makes sure. A ``Guard`` may *screen* the question
(return the answer itself, and the model is never asked: an emergency gets the emergency
number), *review* the answer (return the text to show, given the question and the run's
steps, e.g. remove dosing instructions, add a disclaimer, mark claims no retrieved source
covers) and *rescue* a run that ended without an answer (the model never wrote a parseable
one, ran out of steps or time, or repeated itself) when its steps already decided the answer,
e.g. a tool handed the customer to a person. Because the agent applies them, ``react chat``,
``react serve`` and the Python API all enforce the same policy.

A guard may also *require* tool calls: ``require(question)`` returns the (tool, input) pairs the
question calls for ("a message that names a card id gets ``card_status`` for that id"); the loop
makes them before the model's first step (``react_core.agent.policy``), so the facts an answer
needs are in the run whatever the model would have chosen. With ``state_required=True`` the
answer must also state what those calls returned: an answer that leaves out a record's facts
gets the record added, cited by its call (``react_core.agent.repair``).

Order in a run: query rewrite, screens (first one that answers wins), required calls, the ReAct loop,
rescues (only when the loop ended without an answer; first text wins), reviews (in order; a
rescued answer is reviewed too), answer rewrite. Every screen, rescue or review that changes
something is recorded in the result as a ``Step`` with ``kind="guard"``: ``action`` is the
guard's name, ``action_input`` the question (screen), the stop reason it answered (rescue) or
the draft answer (review), ``observation`` the text it gave; a rescued run's ``stop_reason`` is
``"final_answer"`` and its ``stop_detail`` names the guard and the original reason. A guard
that raises fails closed: the run ends with ``stop_reason "guard_error"`` and no answer, never
with an unreviewed one.

A domain's guards apply to that domain's agents. ``everywhere=True`` makes a guard apply to
every agent the core builds (any domain, routed or not, and the base model): for what must
never be missed, such as emergencies, and only for screens that answer rarely.

    Guard("emergency", screen=lambda q: EMERGENCY_TEXT if is_emergency(q) else None, everywhere=True)
    Guard("policy", review=lambda question, answer, steps: answer + "\\n\\n" + DISCLAIMER)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from react_core.agent.steps import Step

Screen = Callable[[str], "str | None"]
Require = Callable[[str], "Sequence[tuple[str, str | dict[str, Any]]]"]
Review = Callable[[str, str, "Sequence[Step]"], str]
Rescue = Callable[[str, "Sequence[Step]"], "str | None"]


@dataclass(frozen=True)
class Guard:
    """A policy step: ``screen(question) -> answer | None``, ``review(question, answer, steps) -> answer``,
    ``rescue(question, steps) -> answer | None`` and ``require(question) -> [(tool, input), ...]``."""

    name: str
    screen: Screen | None = None
    review: Review | None = None
    everywhere: bool = False
    rescue: Rescue | None = None
    require: Require | None = None
    state_required: bool = False

    def __post_init__(self) -> None:
        if not self.name or not isinstance(self.name, str):
            raise ValueError("a Guard needs a name (it is the step's action in the trace)")
        if self.screen is None and self.review is None and self.rescue is None and self.require is None:
            raise ValueError(f"Guard {self.name!r} needs a screen, a review, a rescue or a require")
        for what in ("screen", "review", "rescue", "require"):
            fn = getattr(self, what)
            if fn is not None and not callable(fn):
                raise ValueError(f"Guard {self.name!r}: {what} must be callable")


def review_steps(steps: Sequence[Step]) -> list[int]:
    """Indexes (into ``steps``) of the guard steps that came after the loop: rescues and reviews.

    A screen's step comes before the loop's first step; a review's ``action_input`` is the draft
    it got, a rescue's the stop reason it answered."""
    started = False
    found = []
    for i, step in enumerate(steps):
        if step.kind == "guard" and started:
            found.append(i)
        started = started or step.kind in ("react", "policy")
    return found


def holds_answer(guards: Sequence[Guard]) -> bool:
    """Whether the final answer may differ from what the model wrote (so it must not be streamed early)."""
    return any(g.review is not None for g in guards)
