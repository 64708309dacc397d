"""Tools: the @tool schema, binding action inputs, calling with limits, composing lists."""

from __future__ import annotations

import asyncio
import threading

import pytest

from react_core.agent import Tool, ToolInputError, compose_tools, tool
from react_core.agent.calls import call_tool, to_text, truncate
from react_core.agent.tools import ToolInputSyntaxError


def test_tool_schema_comes_from_hints_and_docstring(weather_tool: Tool) -> None:
    assert weather_tool.name == "weather"
    assert weather_tool.description == "Weather forecast for a city."
    assert weather_tool.parameters["properties"] == {
        "city": {"type": "string", "description": "The city name."},
        "days": {"type": "integer", "description": "How many days ahead."},
    }
    assert weather_tool.parameters["required"] == ["city"]
    assert weather_tool.single_argument is None
    assert weather_tool.example_input() == '{"city": string, "days": integer (optional)}'


def test_tool_without_args_section_falls_back_to_the_signature() -> None:
    @tool(name="add_up")
    def add(a: int, b: int = 0) -> int:
        """Add two numbers."""
        return a + b

    assert add.name == "add_up"
    assert add.description == "Add two numbers."
    assert add.parameters["properties"] == {"a": {"type": "integer"}, "b": {"type": "integer"}}
    assert add(a=2, b=3) == 5


def test_tool_without_description_is_an_error() -> None:
    def nameless(x: str) -> str:
        return x

    with pytest.raises(ValueError, match="needs a description"):
        tool(nameless)


def test_tool_contract_of_the_plain_class() -> None:
    t = Tool("echo", "  Echo the input.  ", lambda text: text)
    assert (t.name, t.description, t.single_argument) == ("echo", "Echo the input.", "text")
    assert t("hi") == "hi"
    with pytest.raises(ValueError):
        Tool("bad name", "x", lambda: None)


@pytest.mark.parametrize(("raw", "kwargs"), [
    ('{"city": "Paris", "days": 2}', {"city": "Paris", "days": 2}),
    ('{"city": "Paris", "days": "3"}', {"city": "Paris", "days": 3}),
    ("Paris", {"city": "Paris"}),  # the only required argument takes plain text
    ('"Paris"', {"city": "Paris"}),
])
def test_bind_multi_argument_tool(weather_tool: Tool, raw: str, kwargs: dict) -> None:
    assert weather_tool.bind(raw) == kwargs


def test_bind_single_argument_tool_accepts_text_braces_and_json(search_tool: Tool) -> None:
    assert search_tool.bind("capital of France") == {"query": "capital of France"}
    assert search_tool.bind('{"query": "x"}') == {"query": "x"}
    assert search_tool.bind("{not json") == {"query": "{not json"}
    assert search_tool.bind('{"other": 1}') == {"query": '{"other": 1}'}


def test_bind_coerces_to_the_parameter_type() -> None:
    square = Tool("square", "Square a number.", lambda x: x * x, {"type": "object", "properties": {
        "x": {"type": "integer"}}, "required": ["x"]})
    assert square.bind("4") == {"x": 4}
    with pytest.raises(ToolInputError, match="x must be a integer"):
        square.bind("four")


def test_bind_errors(weather_tool: Tool) -> None:
    with pytest.raises(ToolInputSyntaxError, match="takes a JSON object"):
        weather_tool.bind('{"city": "Paris",')
    with pytest.raises(ToolInputError, match="needs \\['city'\\]"):
        weather_tool.bind('{"days": 2}')
    with pytest.raises(ToolInputError, match="no parameter"):
        weather_tool.bind('{"city": "Paris", "color": "red"}')
    both = Tool("pair", "Two.", lambda a, b: a + b)
    with pytest.raises(ToolInputSyntaxError, match="JSON object with keys"):
        both.bind("just text")


def test_call_tool_turns_errors_into_observations() -> None:
    def boom(x: str) -> str:
        raise RuntimeError("disk on fire")

    out = call_tool(Tool("boom", "Fails.", boom), {"x": "a"}, timeout=5)
    assert out.error == "boom raised RuntimeError: disk on fire"
    assert out.text.startswith("Error: ")


def test_call_tool_times_out() -> None:
    release = threading.Event()
    slow = Tool("slow", "Waits.", lambda: release.wait(10))
    try:
        out = call_tool(slow, {}, timeout=0.05)
    finally:
        release.set()
    assert out.error == "tool slow did not finish within 0.05 s"


def test_call_tool_runs_async_tools() -> None:
    async def fetch(url: str) -> str:
        await asyncio.sleep(0)
        return f"fetched {url}"

    assert call_tool(Tool("fetch", "Fetch.", fetch), {"url": "u"}, timeout=5).text == "fetched u"
    assert call_tool(Tool("fetch", "Fetch.", fetch), {"url": "u"}, timeout=None).text == "fetched u"


def test_to_text_and_truncate() -> None:
    assert to_text({"a": [1, 2]}) == '{"a": [1, 2]}'
    assert to_text(None) == "(no output)"
    assert truncate("abcdef", 4) == "abcd ... [truncated 2 characters]"
    assert truncate("abc", 4) == "abc"


def test_compose_tools_earlier_group_wins(search_tool: Tool) -> None:
    other = Tool("search", "Another search.", lambda query: "other")

    def helper(x: str) -> str:
        """Help.

        Args:
            x: anything.
        """
        return x

    composed = compose_tools([search_tool], [other, helper])
    assert [t.name for t in composed] == ["search", "helper"]
    assert composed[0] is search_tool
    with pytest.raises(TypeError, match="not a tool"):
        compose_tools([42])


def test_a_tool_factory_with_a_context_parameter_gets_the_agent_s_backend() -> None:
    from react_core import Agent, DomainSpec, ToolContext
    from react_core.agent.testing import ScriptedBackend

    seen = []

    def factory(context: ToolContext | None = None):
        seen.append(context)
        return [Tool("ask_model", "Ask the model.",
                     lambda q: context.backend.generate(q, adapter="helper").text)]

    backend = ScriptedBackend([" Use it.\nAction: ask_model[hi]", "model says hi", " Done.\nFinal Answer: hi"])
    spec = DomainSpec("helped", "A domain whose tool asks the model.", tools=factory)
    result = Agent.from_domain(backend, spec, adapter="helped_adapter").run("Say hi")
    assert seen == [ToolContext(backend=backend, adapter="helped_adapter", domain="helped")]
    assert result.steps[0].observation == "model says hi" and backend.calls[1].adapter == "helper"
    # factories without a context parameter are called as before; lists are used as they are
    assert DomainSpec("plain", "x", tools=lambda: [Tool("t", "T.", lambda q: q)]).get_tools()[0].name == "t"
    assert spec.get_tools()[0].name == "ask_model" and seen[-1] == ToolContext(domain="helped")


def test_a_tool_can_read_the_run_s_question() -> None:
    from react_core import Agent
    from react_core.agent import current_question
    from react_core.agent.testing import ScriptedBackend

    seen = []
    slow = Tool("echo", "Echo the question.", lambda text: seen.append(current_question()) or "ok")
    backend = ScriptedBackend([" Call it.\nAction: echo[something else]", " Done.\nFinal Answer: ok"])
    Agent(backend, [slow]).run("the customer's own words")  # the default tool timeout runs it in a worker
    assert seen == ["the customer's own words"] and current_question() is None  # nothing leaks after the call


def test_a_tool_keeps_state_for_its_run_only() -> None:
    from react_core import Agent
    from react_core.agent import run_state
    from react_core.agent.testing import ScriptedBackend

    def count(text: str) -> str:
        state = run_state()
        state["calls"] = state.get("calls", 0) + 1
        return f"call {state['calls']} of this run"

    counter = Tool("count", "Count the calls.", count)
    script = [" One.\nAction: count[a]", " Two.\nAction: count[b]", " Done.\nFinal Answer: ok"]
    first = Agent(ScriptedBackend(script), [counter]).run("q")
    assert [s.observation for s in first.steps[:2]] == ["call 1 of this run", "call 2 of this run"]
    second = Agent(ScriptedBackend(script[1:]), [counter]).run("q")  # a new run starts from nothing
    assert second.steps[0].observation == "call 1 of this run"
    assert count("outside") == "call 1 of this run" and count("outside") == "call 1 of this run"  # nothing kept


def test_a_tool_reads_the_newest_message_of_a_conversation() -> None:
    from react_core import Agent
    from react_core.agent import current_message, latest_message
    from react_core.agent.conversation import compose
    from react_core.agent.testing import ScriptedBackend

    history = [{"role": "user", "content": "I want a person."}, {"role": "assistant", "content": "Handed over."}]
    question = compose("Thanks. What does a card cost?", history, max_chars=4000)
    assert question.startswith("(conversation so far)\nUser: I want a person.") and latest_message(question) == (
        "Thanks. What does a card cost?")
    assert compose("alone", history, max_chars=5) == "alone" == latest_message("alone")  # no turn fits: no history
    seen = []
    echo = Tool("echo", "Echo the message.", lambda text: seen.append(current_message()) or "ok")
    Agent(ScriptedBackend([" Call.\nAction: echo[x]", " Done.\nFinal Answer: ok"]), [echo]).run(question)
    assert seen == ["Thanks. What does a card cost?"] and current_message() is None
