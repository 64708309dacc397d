"""The OpenAI-compatible endpoints over a real uvicorn server on 127.0.0.1 (ephemeral port)."""

from __future__ import annotations

import json

import httpx
import pytest

from react_core.serving import Service

from .conftest import ANSWER, start

CHAT = {"model": "guide", "messages": [{"role": "user", "content": "What is the answer?"}]}


def sse_events(text: str) -> list:
    lines = [line[len("data: "):] for line in text.splitlines() if line.startswith("data: ")]
    assert lines[-1] == "[DONE]"
    return [json.loads(line) for line in lines[:-1]]


def test_models_healthz_and_page(client: httpx.Client) -> None:
    models = client.get("/v1/models").json()
    assert models["object"] == "list"
    assert [m["id"] for m in models["data"]] == ["auto", "guide", "other"]
    assert all(m["object"] == "model" for m in models["data"])
    assert client.get("/healthz").json()["status"] == "ok"
    page = client.get("/")
    assert page.status_code == 200 and "<title>ReAct Core" in page.text


def test_chat_completion_follows_the_openai_schema(client: httpx.Client) -> None:
    body = client.post("/v1/chat/completions", json=CHAT).json()
    assert body["object"] == "chat.completion" and body["id"].startswith("chatcmpl-")
    assert body["model"] == "guide" and isinstance(body["created"], int)
    choice = body["choices"][0]
    assert choice["message"] == {"role": "assistant", "content": ANSWER} and choice["finish_reason"] == "stop"
    assert body["usage"]["total_tokens"] == body["usage"]["prompt_tokens"] + body["usage"]["completion_tokens"] > 0
    react = body["react"]
    assert react["stop_reason"] == "final_answer" and react["domain"] == "guide"
    assert [s["action"] for s in react["steps"]] == ["lookup", "finish"]
    assert react["citations"][0]["id"] == "d1"


def test_chat_stream_sends_the_answer_and_steps(client: httpx.Client) -> None:
    response = client.post("/v1/chat/completions", json={**CHAT, "stream": True,
                                                         "stream_options": {"include_usage": True}})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
    chunks = sse_events(response.text)
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    content = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    assert content == ANSWER
    steps = [c["react"]["event"]["type"] for c in chunks if "event" in c.get("react", {})]
    assert steps == ["thought", "action", "observation", "thought"]
    final = [c for c in chunks if c.get("react", {}).get("type") == "final"][0]
    assert final["choices"][0]["finish_reason"] == "stop" and final["react"]["citations"][0]["id"] == "d1"
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["completion_tokens"] > 0


def test_a_run_without_answer_says_why(client: httpx.Client) -> None:
    body = client.post("/v1/chat/completions", json={**CHAT, "react": {"max_steps": 1}}).json()
    assert body["choices"][0]["finish_reason"] == "length"
    assert body["choices"][0]["message"]["content"].startswith("(no answer: max_steps)")


def test_completions_generate_raw_text(client: httpx.Client, scripted_service: Service) -> None:
    body = client.post("/v1/completions", json={"model": "base", "prompt": "Question: x\nThought:",
                                                "max_tokens": 20, "stop": ["\nAction:"]}).json()
    assert body["object"] == "text_completion" and body["choices"][0]["text"] == " I should look this up."
    assert scripted_service.backend.calls[-1].adapter is None
    client.post("/v1/completions", json={"model": "finance;alpha=0.5", "prompt": "x"})
    assert scripted_service.backend.calls[-1].adapter == "finance;alpha=0.5"
    streamed = client.post("/v1/completions", json={"model": "base", "prompt": "x", "stream": True})
    chunks = sse_events(streamed.text)
    assert "".join(c["choices"][0]["text"] for c in chunks).startswith(" I should look")
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"


def test_metrics_count_requests_tokens_and_runs(client: httpx.Client) -> None:
    client.post("/v1/chat/completions", json=CHAT)
    client.post("/v1/chat/completions", json={**CHAT, "model": "nope"})
    text = client.get("/metrics").text
    assert 'react_http_requests_total{route="/v1/chat/completions",status="200"} 1' in text
    assert 'react_http_requests_total{route="/v1/chat/completions",status="404"} 1' in text
    assert 'react_agent_runs_total{stop_reason="final_answer"} 1' in text
    assert 'react_tokens_total{kind="completion"}' in text
    assert 'react_request_duration_seconds_bucket{route="/v1/chat/completions",le="+Inf"} 2' in text
    assert "react_queue_depth 0" in text and "react_requests_running" in text


def test_api_keys(scripted_service: Service) -> None:
    server = start(scripted_service, api_keys=frozenset({"k1", "k2"}))
    try:
        with httpx.Client(base_url=server.url, timeout=10) as c:
            missing = c.post("/v1/chat/completions", json=CHAT)
            assert missing.status_code == 401 and missing.json()["error"]["code"] == "invalid_api_key"
            assert missing.headers["www-authenticate"] == "Bearer"
            assert c.get("/v1/models", headers={"Authorization": "Bearer wrong"}).status_code == 401
            assert c.get("/v1/models", headers={"Authorization": "Bearer k2"}).status_code == 200
            assert c.get("/v1/models", headers={"x-api-key": "k1"}).status_code == 200
            assert c.get("/healthz").status_code == 200 and c.get("/").status_code == 200  # open
    finally:
        server.stop()


def test_api_keys_from_env_and_file(tmp_path) -> None:
    from react_core.serving.settings import load_api_keys

    (tmp_path / "keys").write_text("# team keys\nfile-key\n\n")
    keys = load_api_keys(["arg"], tmp_path / "keys", env={"REACT_API_KEYS": "a, b"})
    assert keys == {"arg", "file-key", "a", "b"}


def test_the_openai_client_works_against_the_server(server) -> None:
    openai = pytest.importorskip("openai", reason="the openai client is not installed (pip install openai)")
    client = openai.OpenAI(base_url=server.url + "/v1", api_key="unused", max_retries=0)
    assert [m.id for m in client.models.list()] == ["auto", "guide", "other"]
    done = client.chat.completions.create(model="guide", messages=[{"role": "user", "content": "What?"}])
    assert done.choices[0].message.content == ANSWER and done.usage.total_tokens > 0
    assert done.model_extra["react"]["stop_reason"] == "final_answer"
    stream = client.chat.completions.create(model="guide", messages=[{"role": "user", "content": "What?"}],
                                            stream=True)
    assert "".join(c.choices[0].delta.content or "" for c in stream if c.choices) == ANSWER
    text = client.completions.create(model="base", prompt="x", max_tokens=8, stop=["\n"])
    assert text.choices[0].text == " I should look this up."
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="cooking", messages=[{"role": "user", "content": "x"}])
