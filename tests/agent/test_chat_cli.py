"""``react chat`` through the Typer app, with a scripted backend injected."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from react_core import DomainSpec, Tool, hookimpl, new_registry
from react_core.agent import chat, read_traces
from react_core.agent.testing import ScriptedBackend
from react_core.cli import build_app

SEARCH = " I should search.\nAction: search[capital of France]"
ANSWER = " I know it now.\nFinal Answer: Paris"


class GeoPlugin:
    @hookimpl
    def react_register_domains(self, register) -> None:
        register(DomainSpec(name="geo", description="Geography questions.", system_prompt="You are a geographer.",
                            tools=[Tool("capital", "Capital of a country.", lambda country: "Paris")]))

    @hookimpl
    def react_register_tools(self, register) -> None:
        register(Tool("search", "Search the web.", lambda query: "Paris is the capital of France."))


@pytest.fixture
def cli(monkeypatch):
    """``cli(responses, *args)`` -> (result, backend, factory calls)."""
    registry = new_registry([("geo_plugin", GeoPlugin())])
    app = build_app(registry)

    def invoke(responses, *args, input=None):
        backend = ScriptedBackend(responses)
        made = []

        def factory(model, device, dtype, reg):
            made.append((model, device, dtype, reg))
            return chat.StaticRuntime(backend)

        monkeypatch.setattr(chat, "runtime_factory", factory)
        result = CliRunner().invoke(app, ["chat", *args], input=input)
        return result, backend, made

    return invoke


def test_chat_json(cli) -> None:
    result, backend, made = cli([SEARCH, ANSWER], "--json", "--model", "tiny", "--dtype", "fp32",
                                "What is the capital of France?")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"answer", "domain", "stop_reason", "steps", "usage", "grounding"}
    assert (data["answer"], data["domain"], data["stop_reason"]) == ("Paris", None, "final_answer")
    assert data["steps"][0] == {"thought": "I should search.", "action": "search",
                                "action_input": "capital of France",
                                "observation": "Paris is the capital of France.", "kind": "react"}
    assert data["grounding"] == {"supported": [], "unsupported": [], "repair": "none", "remaining": [], "added": []}
    assert data["usage"]["generations"] == 2
    assert made[0][:3] == ("tiny", None, "fp32")


def test_chat_in_a_domain_uses_its_tools_and_prompt(cli) -> None:
    result, backend, _ = cli([" t\nAction: capital[France]", ANSWER], "--domain", "geo", "--json", "q")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["domain"], data["steps"][0]["observation"]) == ("geo", "Paris")
    prompt = backend.calls[0].prompt
    assert prompt.startswith("You are a geographer.")
    assert "- capital[country]" in prompt and "- search[query]" in prompt  # domain + global tools


def test_chat_human_output_shows_the_steps(cli) -> None:
    result, _, _ = cli([SEARCH, ANSWER], "q")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Thought: I should search." in out
    assert "Action: search[capital of France]" in out
    assert "Observation: Paris is the capital of France." in out
    assert "Final Answer: Paris" in out


def test_chat_without_answer_exits_1_and_says_why(cli) -> None:
    result, _, _ = cli([" rambling", " more", " still"], "q")
    assert result.exit_code == 1
    assert "No answer (parse_error)" in result.stdout


def test_chat_unknown_domain(cli) -> None:
    result, _, made = cli([], "--domain", "nope", "q")
    assert result.exit_code == 2
    assert "unknown domain 'nope'; available: geo" in result.stderr
    assert made == []  # fails before loading a model


def test_chat_trace_file(cli, tmp_path) -> None:
    trace = tmp_path / "t.jsonl"
    result, _, _ = cli([SEARCH, ANSWER], "--json", "--trace-file", str(trace), "q")
    assert result.exit_code == 0
    (run,) = read_traces(trace)
    assert (run.answer, len(run.steps)) == ("Paris", 2)


def test_chat_interactive_answers_each_line_until_exit(cli, tmp_path) -> None:
    trace = tmp_path / "t.jsonl"
    responses = [" a\nFinal Answer: one", " b\nFinal Answer: two", " c\nFinal Answer: three"]
    result, backend, _ = cli(responses, "--trace-file", str(trace), input="first\n\nsecond\nexit\nthird\n")
    assert result.exit_code == 0, result.output
    assert [r.query for r in read_traces(trace)] == ["first", "second"]
    assert "Final Answer: one" in result.stdout and "Final Answer: two" in result.stdout
    assert len(backend.calls) == 2


def test_chat_in_a_domain_with_knowledge_gets_a_search_tool(tmp_path, monkeypatch) -> None:
    import react_core.retrieval.domain_index as domain_index

    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "fees.md").write_text("# Card fees\n\nForeign card payments cost 2% of the amount.\n")
    monkeypatch.setattr(domain_index, "DEFAULT_EMBEDDER", "hashing-32")
    monkeypatch.setenv("REACT_CACHE_DIR", str(tmp_path / "cache"))

    class BankPlugin:
        @hookimpl
        def react_register_domains(self, register) -> None:
            register(DomainSpec(name="bank", description="Banking.", knowledge_paths=(kb,)))

    backend = ScriptedBackend([" Look it up.\nAction: search[foreign card fee]", " Found.\nFinal Answer: 2%"])
    monkeypatch.setattr(chat, "runtime_factory", lambda *a: chat.StaticRuntime(backend))
    result = CliRunner().invoke(build_app(new_registry([("bank", BankPlugin())])),
                                ["chat", "--domain", "bank", "--json", "What is the foreign card fee?"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["answer"] == "2%"
    assert "Foreign card payments cost 2%" in out["steps"][0]["observation"]
    assert (tmp_path / "cache" / "indexes" / "bank" / "manifest.json").is_file()


def test_chat_auto_routes_each_question(monkeypatch) -> None:
    from react_core.routing import Route

    class RoutingRuntime(chat.StaticRuntime):
        def route(self, query):
            if "capital" in query:
                return Route(query, {"geo": 0.9}, ("geo",), (1.0,), 0.8)
            return Route(query, {"geo": 0.1}, (), (), 0.05)

        def adapter_for(self, domain, query=""):
            return "geo;alpha=0.2" if domain == "auto" else None

    backend = ScriptedBackend([" t\nAction: capital[France]", ANSWER, " I know.\nFinal Answer: 4"])
    monkeypatch.setattr(chat, "runtime_factory", lambda *a: RoutingRuntime(backend))
    app = build_app(new_registry([("geo_plugin", GeoPlugin())]))
    result = CliRunner().invoke(app, ["chat", "--domain", "auto", "--json", "What is the capital of France?"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["domain"] == "geo"
    assert backend.calls[0].adapter == "geo;alpha=0.2"
    assert backend.calls[0].prompt.startswith("You are a geographer.")
    result = CliRunner().invoke(app, ["chat", "--domain", "auto", "--json", "What is 2 + 2?"])
    assert json.loads(result.stdout)["domain"] is None and backend.calls[-1].adapter is None


def test_chat_runs_on_the_real_runtime_with_a_tiny_model(tiny_lm_path, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("REACT_CACHE_DIR", str(tmp_path))
    result = CliRunner().invoke(build_app(new_registry()), ["chat", "--json", "--model", str(tiny_lm_path),
                                                            "--dtype", "fp32", "--max-steps", "1",
                                                            "--max-new-tokens", "8", "Hello?"])
    data = json.loads(result.stdout)
    assert data["stop_reason"] in {"parse_error", "max_steps", "final_answer"}  # random weights, clean end
    assert result.exit_code == (0 if data["stop_reason"] == "final_answer" else 1)
