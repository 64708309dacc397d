"""Grounded final answers: check the model's answer against the run's evidence and repair it.

The evidence is what the run can vouch for: the question (with the conversation's earlier
turns) and the observations of the tool calls that were made, whoever made them (the model or
a policy). The prompt's system text and few-shot examples are not evidence: a record an
example shows is not the customer's record.

``ground`` checks the draft (``react_core.agent.grounding``). A draft whose facts are all
supported is only tidied (repeated sentences, dangling labels). Otherwise:

1. the model writes the answer again, shown the evidence (the run's prompt) and told which
   facts were unsupported; that answer is checked the same way;
2. if it still states an unsupported fact, the answer is composed from the observations:
   the sentences of the rewrite that hold no unsupported fact, then the observations that
   hold facts, each cited by its tool call.

Either way, no fact the run did not look up reaches the caller. Then the records a policy
looked up with ``state_required`` (``react_core.agent.guard``) must be in the answer: one whose
facts the answer leaves out is added, cited by its call. The result records what was found
and done: ``{"supported": [...], "unsupported": [...], "repair": "none" | "regenerated" |
"extracted", "remaining": [...], "added": [...]}`` (``remaining``: unsupported facts of the
returned answer, always empty; ``added``: the calls whose records were added).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from react_core.agent.grounding import GroundingCheck, check_grounding, extract_facts, remove_facts, tidy_answer
from react_core.agent.prompt import STOP_SEQUENCES, format_input
from react_core.agent.steps import Step, Usage
from react_core.engine.backend import cut_at_stop

if TYPE_CHECKING:
    from react_core.agent.agent import Agent

_ANSWER_STOP = (*STOP_SEQUENCES, "\nThought:", "\nAction:")
TOOL_KINDS = ("react", "policy")
"""Steps whose observations are evidence: the model's tool calls and the policies'."""


def evidence(question: str, steps: Sequence[Step]) -> list[str]:
    """The texts a run's answer may take facts from: the question and the tools' observations."""
    return [question, *(s.observation for s in steps if s.kind in TOOL_KINDS and not s.is_final and s.observation)]


def ground(agent: Agent, question: str, draft: str, steps: list[Step], usage: Usage) -> tuple[str, dict[str, Any]]:
    """The answer to return for the model's ``draft`` and the grounding record; a repair adds a
    step (``kind="guard"``, ``action="grounding"``) to ``steps``."""
    names = agent.record_names()
    texts = evidence(question, steps)
    check = check_grounding(draft, texts, names)
    record: dict[str, Any] = {**check.to_dict(), "repair": "none", "remaining": [], "added": []}
    if check.ok:
        answer = tidy_answer(draft)
    else:
        answer = _repair(agent, question, draft, check, steps, usage, record, names, texts)
    missing = unstated(question, answer, steps, names)
    if missing:
        answer = " ".join([answer, agent.templates.records, *(_cite(s, names) for s in missing)])
        record["added"] = [f"{s.action}[{format_input(s.action_input)}]" for s in missing]
    record["remaining"] = [f.text for f in check_grounding(answer, texts, names).unsupported]
    return answer, record


def unstated(question: str, answer: str, steps: Sequence[Step], names: Sequence[str]) -> list[Step]:
    """The policy steps (``stated``) whose record facts, beyond those the question gives, the
    answer does not all state."""
    asked = {(f.kind, f.value) for f in extract_facts(question, names)}
    said = {(f.kind, f.value) for f in extract_facts(answer, names)}
    out = []
    for s in steps:
        if s.kind != "policy" or not s.stated or s.error or not s.observation:
            continue
        facts = {(f.kind, f.value) for f in extract_facts(s.observation, names)} - asked
        if facts and not facts <= said:
            out.append(s)
    return out


def _repair(agent: Agent, question: str, draft: str, check: GroundingCheck, steps: list[Step], usage: Usage,
            record: dict[str, Any], names: list[str], texts: list[str]) -> str:
    """Rewrite, else extract (the module docstring); the repair's step is appended to ``steps``.
    ``names`` and ``texts`` are the record names and the evidence ``ground`` already read."""
    started = time.perf_counter()
    step = Step(index=len(steps) + 1, kind="guard", action="grounding", action_input=draft)
    answer = _rewrite(agent, question, steps, [f.text for f in check.unsupported], step, usage)
    again = check_grounding(answer, texts, names) if answer else None
    if again is not None and again.ok:
        record["repair"] = "regenerated"
        answer = tidy_answer(answer)
    else:
        kept = tidy_answer(remove_facts(answer, again.unsupported)) if again is not None else ""
        answer = " ".join(p for p in (kept, extracted(agent, steps, names)) if p) or agent.templates.ungrounded
        record["repair"] = "extracted"
    step.observation = answer
    step.seconds = time.perf_counter() - started
    steps.append(step)
    return answer


def _rewrite(agent: Agent, question: str, steps: Sequence[Step], facts: list[str], step: Step, usage: Usage) -> str:
    """The model's second answer, written after a thought that names the unsupported facts ("" on failure)."""
    shown = [s for s in steps if s.kind in TOOL_KINDS and not s.is_final]
    thought = agent.templates.fill("repair_thought", facts=", ".join(facts))
    prompt = f"{agent.prompt.render(question, shown)} {thought}\nFinal Answer:"
    started = time.perf_counter()
    try:
        out = agent.backend.generate(prompt, stop=_ANSWER_STOP, max_new_tokens=agent.config.max_new_tokens,
                                     temperature=0.0, adapter=agent.adapter)
    except Exception as exc:  # noqa: BLE001 - the extractive answer follows
        step.error = f"the rewrite failed ({type(exc).__name__}: {exc}); the answer is composed from the observations"
        return ""
    usage.add(out.prompt_tokens, out.completion_tokens)
    step.prompt_tokens, step.completion_tokens, step.raw_output = out.prompt_tokens, out.completion_tokens, out.text
    step.model_seconds = time.perf_counter() - started
    text = cut_at_stop(out.text, _ANSWER_STOP)[0]
    return text.rsplit("Final Answer:", 1)[-1].strip()  # a model that wrote a whole step again


def extracted(agent: Agent, steps: Sequence[Step], names: Sequence[str], limit: int = 3) -> str:
    """An answer made of the observations that hold facts (at most ``limit``), each cited by its
    call: ``Here is what I found: CARD-2001: ... (card_status[CARD-2001]).``"""
    parts: list[str] = []
    for s in steps:
        if s.kind not in TOOL_KINDS or s.is_final or s.error or not s.observation:
            continue
        cited = _cite(s, names)
        if cited and cited not in parts:
            parts.append(cited)
        if len(parts) == limit:
            break
    return agent.templates.extracted + " " + " ".join(parts) if parts else ""


def _cite(step: Step, names: Sequence[str], lines: int = 5, width: int = 300) -> str:
    """The lines of ``step``'s observation that hold facts (at most ``lines``, ``width`` characters
    each), joined by "; " and cited by the call; "" when none holds a fact."""
    kept = []
    for line in (step.observation or "").strip().splitlines():
        line = line.strip()
        if extract_facts(line, names):
            kept.append(line if len(line) <= width else line[: width - 3].rstrip() + "...")
        if len(kept) == lines:
            break
    if not kept:
        return ""
    return "; ".join(k.rstrip(".") for k in kept) + f" ({step.action}[{format_input(step.action_input)}])."
