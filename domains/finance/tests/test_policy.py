"""The sentiment_lookup policy: a passage in the message is scored by the tool before any answer."""

from __future__ import annotations

from react_core.agent import Agent
from react_core.agent.testing import ScriptedBackend

from react_finance.spec import SPEC
from react_finance.tools import analysis_tools, required_sentiment


def test_a_message_with_a_passage_requires_the_sentiment_tool_on_it() -> None:
    assert required_sentiment("Is this good news? Profit rose 20 % in the quarter.") == [
        ("sentiment", "Profit rose 20 % in the quarter.")]
    assert required_sentiment("What is the outlook for Nokia?") == []
    assert required_sentiment("Is this bad? And is that bad for the stock?") == []


def test_the_agent_scores_the_passage_before_the_model_answers() -> None:
    backend = ScriptedBackend([" Done.\nFinal Answer: Sentiment: positive."])
    guards = [g for g in SPEC.guards if g.name == "sentiment_lookup"]
    result = Agent(backend, analysis_tools(), guards=guards).run("Good or bad? Operating profit rose to EUR 13.1 mn.")
    assert [(s.kind, s.action) for s in result.steps] == [("policy", "sentiment"), ("react", "finish")]
    assert "Observation: positive" in backend.calls[0].prompt
