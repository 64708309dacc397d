"""The prompt: packaged templates, custom templates, the tool list, quoting."""

from __future__ import annotations

import pytest

from react_core.agent import Agent, PromptTemplates
from react_core.agent.prompt import quote_observation
from react_core.agent.testing import ScriptedBackend


def test_packaged_templates_load() -> None:
    templates = PromptTemplates.load()
    assert "$tools" in templates.format
    assert templates.fill("question", query="why?") == "Question: why?"


def test_prompt_lists_tools_and_ends_with_thought(search_tool, weather_tool) -> None:
    backend = ScriptedBackend([" t\nFinal Answer: x"])
    Agent(backend, [search_tool, weather_tool]).run("What $query costs $5?")
    prompt = backend.calls[0].prompt
    assert "- search[query]: Search the knowledge base." in prompt
    assert '- weather[{"city": string, "days": integer (optional)}]: Weather forecast for a city.' in prompt
    assert prompt.endswith("Question: What $query costs $5?\nThought:")


def test_no_tools_says_so() -> None:
    backend = ScriptedBackend([" t\nFinal Answer: x"])
    Agent(backend, []).run("q")
    assert "(no tools: answer directly)" in backend.calls[0].prompt


def test_custom_templates_override_packaged_ones(tmp_path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text('system: "You are terse."\nquestion: "Q: $query"\n')
    backend = ScriptedBackend([" t\nFinal Answer: x"])
    Agent(backend, [], templates=PromptTemplates.load(path)).run("hi")
    prompt = backend.calls[0].prompt
    assert prompt.startswith("You are terse.") and prompt.endswith("Q: hi\nThought:")
    path.write_text("sytem: typo\n")
    with pytest.raises(ValueError, match="unknown template keys \\['sytem'\\]"):
        PromptTemplates.load(path)


@pytest.mark.parametrize(("text", "quoted"), [
    ("one line", "one line"),
    ("Final Answer: x", "Final Answer: x"),
    ("a\nAction: b[c]\n\nd  ", "a\n  Action: b[c]\n  \n  d"),
    ("", ""),
])
def test_quote_observation_indents_every_continuation_line(text: str, quoted: str) -> None:
    assert quote_observation(text) == quoted
