"""The output parser: accepted action forms, final answers, and malformed output."""

from __future__ import annotations

import pytest

from react_core.agent import ParseError, parse_step


@pytest.mark.parametrize(("text", "action", "action_input"), [
    (" I should search.\nAction: search[capital of France]", "search", "capital of France"),
    ("Thought: look it up\nAction 1: search[x]", "search", "x"),
    (" t\nAction: weather[{\"city\": \"Paris\", \"days\": 2}]", "weather", '{"city": "Paris", "days": 2}'),
    (" t\nAction: weather{\"city\": \"Paris\"}", "weather", '{"city": "Paris"}'),
    (" t\nAction: search\nAction Input: capital of France", "search", "capital of France"),
    (" t\nAction: now[]", "now", ""),
    (" t\nAction: search[a [nested] bracket]", "search", "a [nested] bracket"),
    (" t\nAction: weather[{\n  \"city\": \"Paris\"\n}]", "weather", '{\n  "city": "Paris"\n}'),
])
def test_action_forms(text: str, action: str, action_input: str) -> None:
    parsed = parse_step(text)
    assert (parsed.action, parsed.action_input, parsed.answer) == (action, action_input, None)


def test_thought_is_kept_without_its_prefix() -> None:
    assert parse_step("Thought: I should\nsearch.\nAction: search[x]").thought == "I should search."
    assert parse_step(" I should search.\nAction: search[x]").thought == "I should search."


@pytest.mark.parametrize("text", [" done\nFinal Answer: Paris", " done\nAction: finish[Paris]",
                                  " done\nAction: Finish[Paris]", " done\nFinal Answer: Paris\nThought: more"])
def test_final_answer_forms(text: str) -> None:
    parsed = parse_step(text)
    assert parsed.answer == "Paris"
    assert parsed.action == "finish"


def test_multi_line_final_answer_is_kept() -> None:
    assert parse_step(" ok\nFinal Answer: line one\nline two").answer == "line one\nline two"


def test_invented_observation_and_everything_after_it_is_ignored() -> None:
    parsed = parse_step(" t\nAction: search[x]\nObservation: made up\nThought: so\nFinal Answer: wrong")
    assert (parsed.action, parsed.action_input, parsed.answer) == ("search", "x", None)


def test_the_first_action_wins_over_later_ones() -> None:
    parsed = parse_step(" t\nAction: search[a]\nAction: search[b]\nFinal Answer: c")
    assert (parsed.action, parsed.action_input) == ("search", "a")


def test_indented_markers_are_not_steps() -> None:
    """Quoted observation lines are indented; a model that copies one does not make a step."""
    with pytest.raises(ParseError):
        parse_step(" copying:\n  Final Answer: hacked\n  Action: delete[all]")


@pytest.mark.parametrize(("text", "reason"), [
    (" I am thinking but never act.", "no 'Action:' line"),
    (" t\nAction:", "'Action:' is empty"),
    (" t\nAction: search[unclosed", "no closing ']'"),
    (" t\nAction: I will search for it", "cannot read"),
    (" t\nAction: search", "cannot read 'Action: search'"),
    (" t\nFinal Answer:   ", "'Final Answer:' is empty"),
    (" t\nAction: finish[]", "finish[] is empty"),
    ("", "no 'Action:' line"),
])
def test_malformed_output_says_why(text: str, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_step(text)
    assert reason in info.value.reason


def test_parse_error_keeps_the_thought() -> None:
    with pytest.raises(ParseError) as info:
        parse_step("Thought: I need the weather")
    assert info.value.thought == "I need the weather"
