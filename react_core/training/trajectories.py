"""The trajectory loop (FireAct): successful agent traces become fine-tuning data.

A run that ended with a final answer (and, when gold answers are given, the right one) and
whose steps had no errors is written as a chat record: the question, then per step the
model's ``Thought``/``Action`` (trained) and the tool's ``Observation`` (masked), in the same
text the agent prompts with, so an adapter trained on it reads its own prompts.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from typing import Any

from react_core.agent.steps import FINISH
from react_core.agent.prompt import format_input, quote_observation
from react_core.agent.steps import AgentResult


def normalize_answer(text: str) -> str:
    """SQuAD/HotpotQA answer normalization: lower case, no punctuation, articles or extra spaces."""
    text = text.lower()
    text = "".join(ch for ch in text if ch not in set(string.punctuation))
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def run_to_record(run: AgentResult) -> dict[str, Any]:
    """The run as the loop's adapter saw it: a rewritten question replaces the original, and
    steps written with another adapter (``kind == "rewrite"``) and guard steps are left out. A
    call a policy made (``kind == "policy"``) is context the model read, not text it wrote: it is
    kept as a masked (user) turn, action and observation together."""
    question = next((s.observation for s in run.steps if s.kind == "rewrite" and s.index == 0 and s.observation),
                    run.query)
    messages: list[dict[str, str]] = [{"role": "user", "content": question}]
    for step in (s for s in run.steps if s.kind in ("react", "policy")):
        if step.kind == "policy":
            messages.append({"role": "user", "content": f"Thought: {step.thought}\nAction: {step.action}"
                             f"[{format_input(step.action_input)}]\nObservation: {quote_observation(step.observation or '')}"})
            continue
        messages.append({"role": "assistant",
                         "content": f"Thought: {step.thought}\nAction: {step.action}[{format_input(step.action_input)}]"})
        if step.action != FINISH:
            messages.append({"role": "user", "content": f"Observation: {quote_observation(step.observation or '')}"})
    return {"messages": messages, "meta": {"domain": run.domain, "source": "agent trace"}}


def with_prompt_head(records: Iterable[dict[str, Any]], head: str) -> list[dict[str, Any]]:
    """``records`` with the agent's prompt head (``agent.prompt.head``: system prompt, tool list,
    few-shot examples) as a leading, masked system turn of every trajectory.

    An adapter trained on these reads exactly the prompt the agent will write at inference;
    one trained without it sees a different context than it will be run in. Records that
    already start with a system turn, and prompt/completion pairs, are returned unchanged.
    Training runs the shared head once per batch (``share_prefix``), so it costs little.
    """
    system = {"role": "system", "content": head}
    out = []
    for record in records:
        messages = record.get("messages")
        if isinstance(messages, list) and not (messages and messages[0].get("role") == "system"):
            record = {**record, "messages": [system, *messages]}
        out.append(record)
    return out


def export_trajectories(runs: Iterable[AgentResult], *, gold: Mapping[str, str] | None = None,
                        allow_step_errors: bool = False) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Training records from successful runs, and counts of what was kept and why others were not."""
    kept: list[dict[str, Any]] = []
    counts = {"runs": 0, "kept": 0, "no_final_answer": 0, "step_errors": 0, "wrong_answer": 0}
    for run in runs:
        counts["runs"] += 1
        if run.stop_reason != "final_answer" or run.answer is None:
            counts["no_final_answer"] += 1
            continue
        if not allow_step_errors and any(step.error for step in run.steps):
            counts["step_errors"] += 1
            continue
        if gold is not None:
            expected = gold.get(run.query)
            if expected is None or normalize_answer(run.answer) != normalize_answer(expected):
                counts["wrong_answer"] += 1
                continue
        kept.append(run_to_record(run))
        counts["kept"] += 1
    return kept, counts
