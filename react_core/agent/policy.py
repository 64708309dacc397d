"""Required calls: what a domain's policy says must be looked up before any answer.

A guard with ``require`` (``react_core.agent.guard``) names tool calls the question calls for:
``Guard("card_lookup", require=lambda q: [("card_status", m) for m in CARD_ID.findall(q)])``.
Before the model writes its first step the loop makes each call itself, records it as a
``Step`` with ``kind="policy"`` (``action`` the tool, ``thought`` naming the guard) and shows it
in the prompt like any other step, so the model continues from the observation. A required
call counts as made: the model asking for it again is a repeat. A call to a tool the agent
does not have is skipped (an agent built without the account tools cannot be made to use
them); an input the tool refuses is recorded as the step's error.

``required_calls`` and ``policy_step`` are the pieces; the loop (``react_core.agent.loop``) runs
them in order after the screens.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from react_core.agent.calls import call_tool, truncate
from react_core.agent.steps import Step
from react_core.agent.tools import Tool, ToolInputError

if TYPE_CHECKING:
    from react_core.agent.agent import Agent


@dataclass(frozen=True)
class RequiredCall:
    """A call a guard's policy requires: the guard, the tool and its input (text or a JSON object)."""

    guard: str
    tool: Tool
    value: str | dict[str, Any]
    state: bool = False  # the answer must state what the call returned (Guard.state_required)

    @property
    def text(self) -> str:
        """The input as the action writes it inside ``tool[...]``."""
        return json.dumps(self.value, ensure_ascii=False) if isinstance(self.value, dict) else str(self.value)


def required_calls(agent: Agent, question: str) -> list[RequiredCall]:
    """The calls the agent's guards require for ``question``, in guard order, each once.

    Raises ``TypeError`` for a ``require`` that does not return (tool, input) pairs: a broken
    policy fails the run closed, like a broken guard."""
    out: list[RequiredCall] = []
    seen: set[tuple[str, str]] = set()
    for guard in agent.guards:
        if guard.require is None:
            continue
        for item in guard.require(question) or ():
            if not (isinstance(item, Sequence) and not isinstance(item, str) and len(item) == 2):
                raise TypeError(f"require must return (tool name, input) pairs, got {item!r}")
            name, value = item
            found = agent.find_tool(str(name))
            if found is None:
                continue
            call = RequiredCall(guard.name, found, value if isinstance(value, dict) else str(value),
                                guard.state_required)
            key = (found.name, call.text)
            if key not in seen:
                seen.add(key)
                out.append(call)
    return out


def policy_step(agent: Agent, call: RequiredCall, index: int, *, question: str, state: dict[str, Any],
                timeout: float | None) -> Step:
    """Make ``call`` and return its step (``kind="policy"``)."""
    started = time.perf_counter()
    step = Step(index=index, kind="policy", action=call.tool.name, stated=call.state,
                thought=agent.templates.fill("policy_thought", guard=call.guard, tool=call.tool.name),
                action_input=call.value if isinstance(call.value, dict) and call.tool.single_argument is None
                else call.text)
    try:
        kwargs = call.tool.bind(call.text)
    except ToolInputError as exc:
        step.error = str(exc)
        step.observation = agent.templates.fill("bad_input", error=str(exc),
                                                example=f"{call.tool.name}[{call.tool.example_input()}]")
    else:
        outcome = call_tool(call.tool, kwargs, timeout=timeout, question=question, state=state)
        step.observation = truncate(outcome.text, agent.config.max_observation_chars)
        step.error = outcome.error
    step.seconds = step.tool_seconds = time.perf_counter() - started
    return step
