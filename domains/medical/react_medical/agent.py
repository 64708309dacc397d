"""``MedicalAgent``: the domain's ReAct agent with the safety policy applied to every answer.

The core's ``Agent`` has no hook to post-process a final answer (nor ``Runtime`` or the
server), so the policy is enforced here: ``MedicalAgent.run`` screens the question first
(emergencies and prescription dosing requests never reach the model), runs the agent
otherwise, and passes its answer through :func:`react_medical.safety.apply_policy` with the
sources the run actually retrieved. ``react chat --domain medical`` and the HTTP server use
the core's plain agent and therefore do NOT apply this policy (see docs/domains/medical.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from react_core import Agent, AgentResult

from react_medical import safety
from react_medical.literature import cited_pmids

SOURCE_TOOLS = ("search_literature", "search_guides")


@dataclass(frozen=True)
class SafeAnswer:
    """The answer to show, the policy's verdict, and the agent's run (``None`` when screened out)."""

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
    found: list[str] = []
    for step in result.steps:
        if step.action in SOURCE_TOOLS and step.observation and not step.error:
            found += cited_pmids(step.observation)
            found += re.findall(r"^\s*\[([\w./-]+\.md#\d+)\]", step.observation, flags=re.M)
    return list(dict.fromkeys(found))


def safe_answer(query: str, result: AgentResult | None) -> SafeAnswer:
    """Apply the policy to one run of any agent (``result=None``: the model was not asked)."""
    retrieved = retrieved_sources(result) if result is not None else []
    policy = safety.apply_policy(query, result.answer if result is not None else None, retrieved)
    return SafeAnswer(query, policy.text, policy, result, tuple(retrieved))


class MedicalAgent:
    """Wraps a core ``Agent`` so that every answer goes through the safety policy."""

    def __init__(self, agent: Agent) -> None:
        self.agent = agent

    @classmethod
    def from_domain(cls, backend: Any, spec: Any = None, **kwargs: Any) -> MedicalAgent:
        """The medical domain's agent (its prompt, few-shot examples and tools) over ``backend``."""
        if spec is None:
            from react_medical.spec import SPEC as spec  # noqa: N811
        return cls(Agent.from_domain(backend, spec, **kwargs))

    def run(self, query: str) -> SafeAnswer:
        screened = safety.screen(query)
        if screened is not None:
            return SafeAnswer(query, screened.text, screened, None)
        return safe_answer(query, self.agent.run(query))
