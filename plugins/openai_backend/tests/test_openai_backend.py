"""The remote backend, for real: a ``react serve`` subprocess on 127.0.0.1 over a tiny model."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from react_core import Agent, new_registry
from react_openai_backend import OpenAIBackend, RemoteError

KEY = "test-key"
PROMPT = "Thought: I should search for the answer."


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from react_core.testing import tiny_causal_lm

    return tiny_causal_lm(tmp_path_factory.mktemp("tiny-remote"))


@pytest.fixture(scope="module")
def served(model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``react serve`` in a subprocess; yields its /v1 URL."""
    port = _free_port()
    env = {**os.environ, "REACT_LOAD_PLUGINS": "", "REACT_CACHE_DIR": str(tmp_path_factory.mktemp("cache")),
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    cmd = [sys.executable, "-m", "react_core.cli", "serve", "--model", str(model_dir), "--dtype", "fp32",
           "--device", "cpu", "--port", str(port), "--api-key", KEY, "--log-level", "warning"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"react serve exited with {proc.returncode}:\n{proc.stdout.read()}")
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("react serve did not start within 90 s")
            time.sleep(0.2)
        yield url + "/v1"
    finally:
        proc.terminate()
        proc.wait(30)


@pytest.fixture(scope="module")
def local(model_dir: Path):
    """The same model in this process, through the same batched engine, for comparison."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from react_core.engine.engine import Engine

    model = AutoModelForCausalLM.from_pretrained(model_dir).eval()
    engine = Engine(model, AutoTokenizer.from_pretrained(model_dir), max_batch=4)
    yield engine
    engine.close()


def test_generate_matches_the_local_engine(served: str, local) -> None:
    backend = OpenAIBackend(served, api_key=KEY)
    remote = backend.generate(PROMPT, max_new_tokens=12)
    here = local.generate(PROMPT, max_new_tokens=12)
    assert remote.text == here.text and remote.completion_tokens == 12 and remote.finish_reason == "length"
    assert "".join(backend.stream(PROMPT, max_new_tokens=12)) == here.text


def test_stop_strings_cut_the_text(served: str, local) -> None:
    full = local.generate(PROMPT, max_new_tokens=16).text
    stop = full[5:8]
    assert stop and stop not in full[:5]
    backend = OpenAIBackend(served, api_key=KEY)
    assert backend.generate(PROMPT, max_new_tokens=16, stop=[stop]).text == full[:full.index(stop)]
    assert "".join(backend.stream(PROMPT, max_new_tokens=16, stop=[stop])) == full[:full.index(stop)]


def test_errors_carry_the_servers_message(served: str) -> None:
    with pytest.raises(RemoteError, match="404.*not installed|404.*unknown") as info:
        OpenAIBackend(served, api_key=KEY).generate(PROMPT, adapter="no-such-adapter")
    assert info.value.status == 404
    with pytest.raises(RemoteError, match="401"):
        OpenAIBackend(served, api_key="wrong").generate(PROMPT)


def test_an_agent_runs_over_the_remote_backend(served: str) -> None:
    agent = Agent(OpenAIBackend(served, api_key=KEY), [])
    result = agent.run("What is the capital of France?")
    assert result.stop_reason in ("final_answer", "parse_error", "max_steps", "repeated_action")
    assert result.usage.generations >= 1 and result.usage.completion_tokens > 0  # real tokens came back


def test_structured_outputs_constrain_the_remote_agent_end_to_end(served: str) -> None:
    """With structured_outputs=true the grammar travels to the server (``react serve`` honours
    vLLM's field): a random remote model writes only valid steps and never a parse error."""
    from react_core.agent import AgentConfig, tool
    from react_core.agent.grammar import step_grammar
    from react_core.agent.parser import parse_step

    @tool
    def lookup(key: str) -> str:
        """Look a key up.

        Args:
            key: The key.
        """
        return f"{key}: found"

    backend = OpenAIBackend(served, api_key=KEY, structured_outputs=True)
    assert backend.supports_grammar and not OpenAIBackend(served, api_key=KEY).supports_grammar
    out = backend.generate("Question: go\nThought:", max_new_tokens=300, temperature=1.5,
                           grammar=step_grammar([lookup]))
    step = parse_step(out.text)
    assert step.answer is not None or step.action == "lookup"
    agent = Agent(backend, [lookup], config=AgentConfig(max_steps=2, temperature=1.5))
    assert {agent.run(f"question {i}").stop_reason for i in range(3)} == {"final_answer"}
    bad = httpx.post(f"{served}/completions", headers={"Authorization": f"Bearer {KEY}"},
                     json={"model": "base", "prompt": "x", "structured_outputs": {"grammar": "start: nope"}})
    assert bad.status_code == 400 and "does not compile" in bad.json()["error"]["message"]


def test_the_plugin_registers_the_backend(served: str) -> None:
    from react_openai_backend import plugin

    registry = new_registry([("openai_backend", plugin)], defaults=False)
    backend = registry.backends["openai"](base_url=served, api_key=KEY)
    assert backend.generate(PROMPT, max_new_tokens=3).completion_tokens == 3


def _openai_app():
    from react_core.cli import build_app
    from react_openai_backend import plugin

    return build_app(new_registry([("openai_backend", plugin)], defaults=True))


def test_react_chat_over_the_remote_backend(served: str) -> None:
    import json

    from typer.testing import CliRunner

    result = CliRunner().invoke(_openai_app(), ["chat", "--json", "--max-steps", "2", "--backend", "openai",
                                                "--backend-option", f"base_url={served}",
                                                "--backend-option", f"api_key={KEY}", "What is 2 + 2?"])
    summary = json.loads(result.stdout)
    assert summary["usage"]["completion_tokens"] > 0 and summary["stop_reason"]  # the remote model answered


def test_bad_backend_names_and_options_are_explained() -> None:
    from typer.testing import CliRunner

    runner = CliRunner()
    unknown = runner.invoke(_openai_app(), ["chat", "--backend", "nope", "q"])
    assert unknown.exit_code == 2 and "no backend named 'nope'" in unknown.output and "openai" in unknown.output
    bad = runner.invoke(_openai_app(), ["chat", "--backend", "openai", "--backend-option", "base_url", "q"])
    assert bad.exit_code == 2 and "is not key=value" in bad.output
    wrong = runner.invoke(_openai_app(), ["serve", "--backend", "openai", "--backend-option", "colour=blue"])
    assert wrong.exit_code == 2 and "backend 'openai' takes" in wrong.output


def test_react_serve_in_front_of_a_remote_backend(served: str, local) -> None:
    """A second ``react serve`` that generates through the first: same text, end to end over HTTP."""
    port = _free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "REACT_LOAD_PLUGINS": "openai_backend"}
    cmd = [sys.executable, "-m", "react_core.cli", "serve", "--port", str(port), "--log-level", "warning",
           "--backend", "openai", "--backend-option", f"base_url={served}", "--backend-option", f"api_key={KEY}"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the front react serve exited with {proc.returncode}:\n{proc.stdout.read()}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the front react serve did not start within 60 s"
            time.sleep(0.2)
        front = OpenAIBackend(f"http://127.0.0.1:{port}/v1")
        assert front.generate(PROMPT, max_new_tokens=12).text == local.generate(PROMPT, max_new_tokens=12).text
    finally:
        proc.terminate()
        proc.wait(30)
