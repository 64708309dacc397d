"""``MedicalAgent``: the domain's agent, with the policy's verdict on every exchange.

The safety policy itself is enforced by the core: the medical DomainSpec carries it as guards
(:mod:`react_medical.guards`), so ``react chat``, ``react serve`` and any
``Agent.from_domain(backend, SPEC)`` apply it. ``MedicalAgent`` adds what the benchmarks and a
careful integrator want to see: the policy's verdict (emergency, dosing refused, answer;
sentences redacted or marked unsourced) and the sources the run retrieved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from react_core import Agent, AgentResult
from react_core.agent import review_steps

from react_medical import safety
from react_medical.guards import POLICY, SOURCE_TOOLS, sources_in

__all__ = ["SOURCE_TOOLS", "MedicalAgent", "SafeAnswer", "retrieved_sources", "safe_answer"]


@dataclass(frozen=True)
class SafeAnswer:
    """The answer to show, the policy's verdict, and the agent's run (``None``: no run was given)."""

    query: str
    answer: str
    policy: safety.PolicyResult
    result: AgentResult | None
    retrieved: tuple[str, ...] = ()

    @property
    def outcome(self) -> str:
        return self.policy.outcome


def retrieved_sources(result: AgentResult) -> list[str]:
    """PMIDs and guide passage ids that the run's search tools returned (in order, no repeats)."""
    return sources_in(result.steps)


def _draft(result: AgentResult) -> str | None:
    """What the model answered before the policy reviewed it (the answer when nothing reviewed it)."""
    reviewed = [result.steps[i] for i in review_steps(result.steps) if result.steps[i].action == POLICY.name]
    return str(reviewed[0].action_input) if reviewed else result.answer


def safe_answer(query: str, result: AgentResult | None) -> SafeAnswer:
    """The policy's verdict on one run of any agent (``result=None``: the model was not asked).

    The text is the policy applied to the model's draft, i.e. the run's answer when the agent
    carries the domain's guards, and the policy's own answer when it does not."""
    retrieved = retrieved_sources(result) if result is not None else []
    policy = safety.apply_policy(query, _draft(result) if result is not None else None, retrieved)
    return SafeAnswer(query, policy.text, policy, result, tuple(retrieved))


class MedicalAgent:
    """Wraps a core ``Agent`` built with the domain's guards; ``run`` returns the verdict too."""

    def __init__(self, agent: Agent) -> None:
        self.agent = agent

    @classmethod
    def from_domain(cls, backend: Any, spec: Any = None, **kwargs: Any) -> MedicalAgent:
        """The medical domain's agent (its prompt, few-shot examples and tools) over ``backend``."""
        if spec is None:
            from react_medical.spec import SPEC as spec  # noqa: N811
        return cls(Agent.from_domain(backend, spec, **kwargs))

    def run(self, query: str) -> SafeAnswer:
        return safe_answer(query, self.agent.run(query))
