"""Framework overhead per ReAct step: react-core against LangGraph and smolagents.

Every framework gets the same scripted model (four tool calls, then the answer; each
response in the framework's own format, returned instantly) and the same two tools, so
what is timed is the framework: prompt/message building, parsing, tool dispatch,
bookkeeping. Frameworks run interleaved in one process; each figure is the median over
many runs, divided by the five model calls of a run.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/agent_overhead.py [--runs 300]

The adapters at the top are shared with benchmarks/agent_robustness.py.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import uuid
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

QUERY = "What is the population of Paris plus 3?"


def lookup(query: str) -> str:
    """Look a fact up.

    Args:
        query: What to look up.
    """
    return f"Result for {query}: 2.1 million"


def add(a: int, b: int) -> int:
    """Add two integers.

    Args:
        a: The first number.
        b: The second number.
    """
    return a + b


@dataclass(frozen=True)
class Call:
    """A move of the script: a thought and a tool call."""

    thought: str
    tool: str
    args: dict[str, Any]


@dataclass(frozen=True)
class Final:
    thought: str
    answer: str


@dataclass(frozen=True)
class Raw:
    """A malformed move: the text (or message) each framework's model returns, by framework."""

    by_framework: dict[str, Any]


#: The overhead script: four tool calls and the answer (five model calls).
SCRIPT: list[Any] = [
    Call("I need the population.", "lookup", {"query": "population of Paris"}),
    Call("Now add.", "add", {"a": 2, "b": 3}),
    Call("Check the figure.", "lookup", {"query": "population of Paris 2024"}),
    Call("Add again.", "add", {"a": 5, "b": 7}),
    Final("I know it.", "2.1 million"),
]


@dataclass
class Outcome:
    """How a run ended: ``answer``, ``clean_stop`` (the framework's own stop), ``loop_limit`` or ``crash``."""

    kind: str
    answer: str | None = None
    detail: str = ""
    model_calls: int = 0


Responder = Callable[[Any], Any]  # the framework's context (prompt or messages) -> a response


class _Script:
    """Replays responses; ``reset()`` starts over; a callable response gets the model input."""

    def __init__(self, responses: Sequence[Any], repeat_last: bool) -> None:
        self.responses, self.repeat_last, self.calls = list(responses), repeat_last, 0

    def reset(self) -> None:
        self.calls = 0

    def next(self, context: Any) -> Any:
        i = self.calls
        self.calls += 1
        if i >= len(self.responses):
            if not self.repeat_last:
                raise RuntimeError(f"script exhausted after {len(self.responses)} responses")
            i = len(self.responses) - 1
        r = self.responses[i]
        return r(context) if callable(r) else r


# --- react-core ------------------------------------------------------------------------


class ReactCore:
    name = "react-core"

    def __init__(self, limits: bool = True, label: str | None = None) -> None:
        self.limits = limits  # False: no tool timeout and no wall-clock limit (tools run inline, as in the peers)
        if label:
            self.name = label

    def render(self, move: Any) -> Any:
        if isinstance(move, Raw):
            return move.by_framework["react-core"]
        if isinstance(move, Final):
            return f" {move.thought}\nFinal Answer: {move.answer}"
        arg = next(iter(move.args.values())) if len(move.args) == 1 else json.dumps(move.args)
        action = f"{move.tool}[{arg}]"
        full = f" {move.thought}\nAction: {action}"
        # a model re-prompted with "...Action:" continues with the action only
        return lambda prompt: f" {action}" if prompt.endswith("Action:") else full

    def build(self, moves: Sequence[Any], *, max_steps: int, honor_stop: bool = True, repeat_last: bool = False,
              tools: Sequence[Callable[..., Any]] = (lookup, add)) -> Callable[[], Outcome]:
        from react_core.agent import Agent, AgentConfig, tool
        from react_core.engine.backend import Generation, cut_at_stop

        script = _Script([self.render(m) for m in moves], repeat_last)

        class Backend:
            def generate(self, prompt: str, *, stop=(), max_new_tokens=256, temperature=0.0, adapter=None):
                text = script.next(prompt)
                if honor_stop:
                    text, _ = cut_at_stop(text, stop)
                return Generation(text, "stop")

            def stream(self, prompt: str, **kwargs: Any):
                yield self.generate(prompt, **kwargs).text

        agent = Agent(Backend(), [tool(t) for t in tools],
                      config=AgentConfig(max_steps=max_steps) if self.limits else
                      AgentConfig(max_steps=max_steps, tool_timeout=None, max_seconds=None))

        def run() -> Outcome:
            script.reset()
            result = agent.run(QUERY)
            if result.ok:
                return Outcome("answer", result.answer, model_calls=script.calls)
            return Outcome("clean_stop", None, f"{result.stop_reason}: {result.stop_detail}", script.calls)

        return run


# --- smolagents ------------------------------------------------------------------------


class Smolagents:
    name = "smolagents"

    def render(self, move: Any) -> Any:
        if isinstance(move, Raw):
            return move.by_framework["smolagents"]
        if isinstance(move, Final):
            return f"Thought: {move.thought}\n" + json.dumps({"name": "final_answer",
                                                              "arguments": {"answer": move.answer}})
        return f"Thought: {move.thought}\n" + json.dumps({"name": move.tool, "arguments": move.args})

    def build(self, moves: Sequence[Any], *, max_steps: int, honor_stop: bool = True, repeat_last: bool = False,
              tools: Sequence[Callable[..., Any]] = (lookup, add)) -> Callable[[], Outcome]:
        from smolagents import ChatMessage, Model, ToolCallingAgent, tool
        from smolagents.models import MessageRole
        from smolagents.monitoring import LogLevel, TokenUsage

        from react_core.engine.backend import cut_at_stop

        script = _Script([self.render(m) for m in moves], repeat_last)

        class ScriptedModel(Model):
            def generate(self, messages, stop_sequences=None, response_format=None, tools_to_call_from=None, **kw):
                text = script.next(messages)
                if honor_stop:
                    text, _ = cut_at_stop(text, stop_sequences or ())
                return ChatMessage(role=MessageRole.ASSISTANT, content=text,
                                   token_usage=TokenUsage(input_tokens=0, output_tokens=0))

        agent = ToolCallingAgent(tools=[tool(t) for t in tools], model=ScriptedModel(model_id="scripted"),
                                 max_steps=max_steps, verbosity_level=LogLevel.OFF)

        def run() -> Outcome:
            script.reset()
            result = agent.run(QUERY, return_full_result=True)
            if result.state == "max_steps_error":
                return Outcome("loop_limit", _str(result.output), "max_steps_error, then a forced final answer",
                               script.calls)
            return Outcome("answer", _str(result.output), model_calls=script.calls)

        return run


# --- LangGraph (prebuilt ReAct agent) -----------------------------------------------------


class LangGraph:
    name = "langgraph"

    def render(self, move: Any) -> Any:
        from langchain_core.messages import AIMessage

        if isinstance(move, Raw):
            return move.by_framework["langgraph"]
        if isinstance(move, Final):
            return AIMessage(content=move.answer)
        return lambda _messages: AIMessage(content=move.thought, tool_calls=[
            {"name": move.tool, "args": dict(move.args), "id": uuid.uuid4().hex, "type": "tool_call"}])

    def build(self, moves: Sequence[Any], *, max_steps: int, honor_stop: bool = True, repeat_last: bool = False,
              tools: Sequence[Callable[..., Any]] = (lookup, add)) -> Callable[[], Outcome]:
        from langchain_core.language_models.chat_models import BaseChatModel
        from langchain_core.outputs import ChatGeneration, ChatResult
        from langchain_core.tools import tool
        from langgraph.errors import GraphRecursionError

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from langgraph.prebuilt import create_react_agent

        script = _Script([self.render(m) for m in moves], repeat_last)

        class ScriptedChat(BaseChatModel):
            @property
            def _llm_type(self) -> str:
                return "scripted"

            def _generate(self, messages, stop=None, run_manager=None, **kwargs):
                return ChatResult(generations=[ChatGeneration(message=script.next(messages))])

            def bind_tools(self, tools, **kwargs):
                return self

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            graph = create_react_agent(ScriptedChat(), [tool(t) for t in tools])
        # one step = a model node and a tool node; the limit counts graph super-steps
        config = {"recursion_limit": 2 * max_steps + 1}

        def run() -> Outcome:
            script.reset()
            try:
                state = graph.invoke({"messages": [("user", QUERY)]}, config=config)
            except GraphRecursionError as exc:
                return Outcome("loop_limit", None, f"GraphRecursionError: {str(exc).splitlines()[0]}", script.calls)
            return Outcome("answer", _str(state["messages"][-1].content), model_calls=script.calls)

        return run


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def frameworks(include_inline: bool = False) -> list[Any]:
    """The frameworks that import here; a missing one is reported on stderr and skipped."""
    out: list[Any] = [ReactCore()]
    if include_inline:
        out.append(ReactCore(limits=False, label="react-core (no time limits)"))
    for cls, module in ((LangGraph, "langgraph.prebuilt"), (Smolagents, "smolagents")):
        try:
            __import__(module)
            out.append(cls())
        except ImportError as exc:
            print(f"skipping {cls.name}: {exc} (pip install -e '.[bench]')", file=sys.stderr)
    return out


def versions() -> dict[str, str]:
    out = {}
    for dist in ("react-core", "langchain", "langchain-core", "langgraph", "smolagents"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=300, help="timed runs per framework (after 30 warm-up runs)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the interleaving order")
    args = parser.parse_args(argv)

    fws = frameworks(include_inline=True)
    runners = {fw.name: fw.build(SCRIPT, max_steps=10) for fw in fws}
    for name, run in runners.items():  # correctness first: every framework must answer
        outcome = run()
        if outcome.kind != "answer" or outcome.model_calls != len(SCRIPT):
            raise SystemExit(f"{name} did not follow the script: {outcome}")
        for _ in range(30):
            run()
    times: dict[str, list[float]] = {name: [] for name in runners}
    rng = random.Random(args.seed)
    order = list(runners)
    for _ in range(args.runs):
        rng.shuffle(order)
        for name in order:
            start = time.perf_counter()
            runners[name]()
            times[name].append(time.perf_counter() - start)
    per_step = {name: statistics.median(t) / len(SCRIPT) * 1e6 for name, t in times.items()}
    peers = {n: v for n, v in per_step.items() if not n.startswith("react-core")}
    lightest = min(peers, key=peers.get) if peers else None
    print(f"median framework overhead per step ({args.runs} runs each, {len(SCRIPT)} steps per run)")
    print(f"{'framework':34s} {'us/step':>9s} {'vs lightest peer':>17s}")
    for name, us in sorted(per_step.items(), key=lambda kv: kv[1]):
        ratio = f"{us / peers[lightest]:.3f}" if lightest else "-"
        print(f"{name:34s} {us:9.1f} {ratio:>17s}")
    figures = {"runs": args.runs, "steps_per_run": len(SCRIPT), "us_per_step": per_step,
               "lightest_peer": lightest, "versions": versions(),
               "ratio_to_lightest_peer": {n: v / peers[lightest] for n, v in per_step.items()} if lightest else {}}
    try:
        from results_io import write_result

        print(f"written to {write_result('agent_overhead', figures)}")
    except ImportError:
        print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
