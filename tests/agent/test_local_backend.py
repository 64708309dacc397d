"""The loop over the real LocalBackend with a tiny random model: it must end cleanly."""

from __future__ import annotations

from react_core.agent import Agent, AgentConfig, STOP_REASONS, Tool, TokenDelta
from react_core.engine.backend import LocalBackend


def _agent(tiny_lm) -> Agent:
    model, tokenizer = tiny_lm
    config = AgentConfig(max_steps=3, max_new_tokens=24, max_parse_retries=1, max_seconds=60)
    return Agent(LocalBackend(model, tokenizer), [Tool("search", "Search.", lambda query: "Paris")], config=config,
                 system_prompt="Answer.")


def test_random_model_run_ends_cleanly(tiny_lm) -> None:
    agent = _agent(tiny_lm)
    result = agent.run("capital of France?")
    assert result.stop_reason in STOP_REASONS and result.stop_reason != "backend_error", result.stop_detail
    assert result.stop_detail or result.ok
    assert result.usage.generations >= 1
    # a constrained step may take up to the grammar's bound, whatever max_new_tokens says
    assert 0 < result.usage.completion_tokens <= result.usage.generations * max(24, agent.step_budget())


def test_random_model_stream_with_tokens(tiny_lm) -> None:
    events = list(_agent(tiny_lm).stream("capital of France?", tokens=True))
    assert any(isinstance(e, TokenDelta) for e in events)
    assert events[-1].kind == "final" and events[-1].result.stop_reason != "backend_error"
