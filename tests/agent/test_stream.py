"""Events as they happen: stream(), token deltas, and the async twins."""

from __future__ import annotations

import asyncio

import pytest

from react_core.agent import (
    ActionEvent,
    Agent,
    AgentConfig,
    FinalEvent,
    ObservationEvent,
    StepEvent,
    ThoughtEvent,
    Tool,
    TokenDelta,
)
from react_core.agent.testing import ScriptedBackend

SEARCH = " I should search.\nAction: search[capital of France]"
ANSWER = " I know it now.\nFinal Answer: Paris"


def _kinds(events) -> list[str]:
    return [e.kind for e in events if e.kind != "token"]


def test_stream_yields_events_in_order(make_agent) -> None:
    agent, _ = make_agent([SEARCH, ANSWER])
    events = list(agent.stream("q"))
    assert _kinds(events) == ["thought", "action", "observation", "step", "thought", "step", "final"]
    thought, action, observation, step = events[:4]
    assert isinstance(thought, ThoughtEvent) and thought.text == "I should search."
    assert isinstance(action, ActionEvent) and (action.tool, action.input) == ("search", "capital of France")
    assert isinstance(observation, ObservationEvent) and observation.error is None
    assert isinstance(step, StepEvent) and step.step.observation == observation.text
    assert isinstance(events[-1], FinalEvent) and events[-1].result.answer == "Paris"


def test_the_tool_runs_between_the_action_and_observation_events(make_agent) -> None:
    seen: list[str] = []
    tool = Tool("search", "Search.", lambda query: seen.append("tool ran") or "ok")
    agent, _ = make_agent([SEARCH, ANSWER], tools=[tool])
    for event in agent.stream("q"):
        seen.append(event.kind)
    assert seen[:4] == ["thought", "action", "tool ran", "observation"]


def test_token_deltas_reassemble_the_model_output(make_agent) -> None:
    agent, _ = make_agent([SEARCH, ANSWER])
    events = list(agent.stream("q", tokens=True))
    deltas = [e for e in events if isinstance(e, TokenDelta)]
    assert len(deltas) > 2
    assert "".join(d.text for d in deltas if d.step == 1) == SEARCH
    assert "".join(d.text for d in deltas if d.step == 2) == ANSWER
    # the deltas of a step come before its thought
    first_thought = next(i for i, e in enumerate(events) if isinstance(e, ThoughtEvent))
    assert all(isinstance(e, TokenDelta) for e in events[:first_thought])
    assert events[-1].result.answer == "Paris"


async def test_arun(make_agent) -> None:
    agent, _ = make_agent([SEARCH, ANSWER])
    result = await agent.arun("q")
    assert (result.answer, len(result.steps)) == ("Paris", 2)


async def test_astream_matches_stream(make_agent) -> None:
    agent, _ = make_agent([SEARCH, ANSWER])
    events = [e async for e in agent.astream("q", tokens=True)]
    assert _kinds(events) == ["thought", "action", "observation", "step", "thought", "step", "final"]
    assert any(isinstance(e, TokenDelta) for e in events)


async def test_astream_keeps_the_event_loop_free(make_agent) -> None:
    """A slow tool runs in the worker thread while other tasks on this loop make progress."""
    import time

    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.005)
            ticks += 1

    slow = Tool("search", "Slow.", lambda query: time.sleep(0.2) or "ok")
    agent, _ = make_agent([SEARCH, ANSWER], tools=[slow])
    task = asyncio.create_task(ticker())
    try:
        result = await agent.arun("q")
    finally:
        task.cancel()
    assert result.answer == "Paris"
    assert ticks >= 5


async def test_leaving_astream_early_cancels_the_run() -> None:
    backend = ScriptedBackend([f" t\nAction: search[q{i}]" for i in range(100)])
    agent = Agent(backend, [Tool("search", "S.", lambda query: "ok")], config=AgentConfig(max_steps=100))
    stream = agent.astream("q")
    async for event in stream:
        if isinstance(event, StepEvent):
            break
    await stream.aclose()
    await asyncio.sleep(0.2)
    assert len(backend.calls) < 100


async def test_astream_reraises_programming_errors() -> None:
    agent = Agent(ScriptedBackend([SEARCH]), [])
    agent.prompt = None  # a bug inside the loop must surface in the caller, not hang
    with pytest.raises(AttributeError):
        async for _ in agent.astream("q"):
            pass


def test_streamed_runs_count_tokens_like_plain_runs(make_agent) -> None:
    from react_core.agent import FinalEvent

    plain, _ = make_agent([SEARCH, ANSWER])
    streamed, _ = make_agent([SEARCH, ANSWER])
    expected = plain.run("q").usage
    result = [e for e in streamed.stream("q", tokens=True) if isinstance(e, FinalEvent)][0].result
    assert result.usage == expected and result.usage.completion_tokens > 0
