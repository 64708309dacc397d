"""Abuse: each bad request gets the right status, and the server keeps serving after it."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest

from react_core.serving import Service

from .conftest import CHAT_BODY, SlowBackend, demo_registry, start


def still_serving(client: httpx.Client) -> None:
    ok = client.post("/v1/chat/completions", json=CHAT_BODY)
    assert ok.status_code == 200 and ok.json()["react"]["stop_reason"] == "final_answer"


def error(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    return response.json()["error"]


def test_malformed_json(client: httpx.Client) -> None:
    err = error(client.post("/v1/chat/completions", content=b'{"model": "guide", "messages": [',
                            headers={"content-type": "application/json"}), 400)
    assert "not valid JSON" in err["message"]
    still_serving(client)


@pytest.mark.parametrize("body, where", [
    ({"model": "guide", "messages": "hello"}, "messages"),
    ({"model": "guide", "messages": []}, "messages"),
    ({"model": 7, "messages": [{"role": "user", "content": "x"}]}, "model"),
    ({"model": "guide", "messages": [{"role": "robot", "content": "x"}]}, "messages.0.role"),
    ({"model": "guide", "messages": [{"role": "user", "content": "x"}], "max_tokens": -1}, "max_tokens"),
    ({"model": "guide", "messages": [{"role": "user", "content": "x"}], "react": {"max_steps": "many"}},
     "react.max_steps"),
    ({"model": "guide", "messages": [{"role": "assistant", "content": "x"}]}, "messages"),
    ([1, 2, 3], ""),
])
def test_wrong_types_and_shapes(client: httpx.Client, body, where: str) -> None:
    err = error(client.post("/v1/chat/completions", json=body), 400)
    assert err["type"] == "invalid_request_error" and where in (err["param"] or "")
    still_serving(client)


def test_unknown_model(client: httpx.Client) -> None:
    err = error(client.post("/v1/chat/completions", json={**CHAT_BODY, "model": "cooking"}), 404)
    assert err["code"] == "model_not_found" and "available: auto, guide, other" in err["message"]
    still_serving(client)


def test_over_the_token_limit(client: httpx.Client) -> None:
    err = error(client.post("/v1/chat/completions", json={**CHAT_BODY, "max_tokens": 10**6}), 400)
    assert err["code"] == "max_tokens_too_large"
    err = error(client.post("/v1/completions", json={"model": "base", "prompt": "x", "max_tokens": 10**6}), 400)
    still_serving(client)


def test_huge_bodies(scripted_service: Service) -> None:
    server = start(scripted_service, max_body_bytes=10_000)
    try:
        with httpx.Client(base_url=server.url, timeout=10) as c:
            big = {**CHAT_BODY, "messages": [{"role": "user", "content": "x" * 50_000}]}
            assert error(c.post("/v1/chat/completions", json=big), 413)["code"] == "body_too_large"

            def chunks():  # no Content-Length: the limit is counted as the body arrives
                for _ in range(20):
                    yield b"x" * 1000

            assert c.post("/v1/chat/completions", content=chunks()).status_code == 413
            still_serving(c)
    finally:
        server.stop()


def test_missing_key(scripted_service: Service) -> None:
    server = start(scripted_service, api_keys=frozenset({"secret"}))
    try:
        with httpx.Client(base_url=server.url, timeout=10) as c:
            assert error(c.post("/v1/chat/completions", json=CHAT_BODY), 401)["type"] == "authentication_error"
            ok = c.post("/v1/chat/completions", json=CHAT_BODY, headers={"Authorization": "Bearer secret"})
            assert ok.status_code == 200
    finally:
        server.stop()


def test_slow_client_gets_408_and_others_are_served(scripted_service: Service) -> None:
    server = start(scripted_service, body_timeout=0.5)
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 200\r\n\r\n{\"model\"")
            with httpx.Client(base_url=server.url, timeout=10) as c:
                still_serving(c)  # while the slow body trickles
            chunks = []
            while chunk := sock.recv(4096):  # headers and body may arrive apart; the server closes
                chunks.append(chunk)
            reply = b"".join(chunks).decode()
        assert reply.startswith("HTTP/1.1 408") and "body_timeout" in reply
    finally:
        server.stop()


def test_client_disconnect_mid_stream_cancels_the_run() -> None:
    backend = SlowBackend(delay=0.05)
    service = Service(backend, demo_registry())  # type: ignore[arg-type]
    server = start(service)
    try:
        with httpx.Client(base_url=server.url, timeout=10) as c:
            with c.stream("POST", "/v1/chat/completions", json={**CHAT_BODY, "stream": True}) as response:
                assert response.status_code == 200
                next(response.iter_lines())  # the first chunk arrived; now go away
            deadline = time.monotonic() + 5
            while (server.app.state.limiter.running or not backend.abandoned) and time.monotonic() < deadline:
                time.sleep(0.02)
            assert server.app.state.limiter.running == 0  # the slot was given back
            assert backend.abandoned == 1 and backend.started == 1  # generation stopped, no next step
            still_serving(c)
    finally:
        server.stop()


def test_over_the_concurrency_and_queue_limits_gets_429() -> None:
    service = Service(SlowBackend(delay=0.05), demo_registry())  # type: ignore[arg-type]
    server = start(service, max_concurrent=1, max_queue=1)
    statuses: list[int] = []
    try:
        def ask() -> None:
            with httpx.Client(base_url=server.url, timeout=20) as c:
                statuses.append(c.post("/v1/chat/completions", json=CHAT_BODY).status_code)

        threads = [threading.Thread(target=ask) for _ in range(2)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 5
        while server.app.state.limiter.waiting < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        with httpx.Client(base_url=server.url, timeout=10) as c:
            busy = c.post("/v1/chat/completions", json=CHAT_BODY)
            assert error(busy, 429)["code"] == "server_busy" and busy.headers["retry-after"] == "1"
            for t in threads:
                t.join(20)
            assert statuses == [200, 200]  # the running and the queued one both finished
            assert c.get("/healthz").status_code == 200
    finally:
        server.stop()


def test_graceful_shutdown_finishes_in_flight_requests() -> None:
    service = Service(SlowBackend(delay=0.02), demo_registry())  # type: ignore[arg-type]
    server = start(service)
    results: list[httpx.Response] = []
    worker = threading.Thread(target=lambda: results.append(
        httpx.post(server.url + "/v1/chat/completions", json=CHAT_BODY, timeout=20)))
    worker.start()
    deadline = time.monotonic() + 5
    while server.app.state.limiter.running < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.stop()  # what SIGTERM does
    worker.join(20)
    assert results and results[0].status_code == 200
    assert results[0].json()["react"]["stop_reason"] == "final_answer"
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.url + "/healthz", timeout=2)
