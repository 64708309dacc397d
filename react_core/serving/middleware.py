"""One ASGI middleware in front of the app: API keys, body size and read time, metrics.

The body is read here, whole, before the app sees the request: a body over
``max_body_bytes`` gets 413 (at once when ``Content-Length`` says so), a client that
sends it slower than ``body_timeout`` gets 408, and a missing or wrong key gets 401.
Every request is counted and timed by route and status.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import time
from typing import Any

from react_core.serving.metrics import Metrics
from react_core.serving.schemas import error_body
from react_core.serving.settings import ServerSettings

OPEN_PATHS = ("/", "/healthz", "/favicon.ico")
ROUTES = ("/v1/chat/completions", "/v1/completions", "/v1/models", "/healthz", "/metrics", "/")


class _Reject(Exception):
    def __init__(self, status: int, message: str, type_: str, code: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.type, self.code = status, message, type_, code
        self.headers = headers or {}


class ServingMiddleware:
    def __init__(self, app: Any, settings: ServerSettings, metrics: Metrics) -> None:
        self.app = app
        self.settings = settings
        self.metrics = metrics

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path = scope.get("path", "")
        route = path if path in ROUTES else ("/static" if path.startswith("/static/") else "other")
        status = {"code": 500}

        async def send_counted(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            try:
                self._authorize(scope)
                receive = await self._read_body(scope, receive)
            except _Reject as r:
                await _send_error(send_counted, r)
                return
            await self.app(scope, receive, send_counted)
        finally:
            self.metrics.inc("react_http_requests_total", route=route, status=str(status["code"]))
            self.metrics.observe(route, time.perf_counter() - started)

    def _authorize(self, scope: dict[str, Any]) -> None:
        if not self.settings.auth_required or scope.get("path") in OPEN_PATHS or scope["path"].startswith("/static/"):
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        given = headers.get("x-api-key", "")
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            given = auth[7:].strip()
        if not given or not any(hmac.compare_digest(given.encode(), k.encode()) for k in self.settings.api_keys):
            message = ("missing API key: send 'Authorization: Bearer KEY'" if not given
                       else "invalid API key")
            raise _Reject(401, message, "authentication_error", "invalid_api_key",
                          {"www-authenticate": "Bearer"})

    async def _read_body(self, scope: dict[str, Any], receive: Any) -> Any:
        if scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            return receive
        limit = self.settings.max_body_bytes
        headers = dict(scope.get("headers", []))
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise _Reject(413, f"request body is {int(declared)} bytes; the limit is {limit}",
                          "invalid_request_error", "body_too_large")
        chunks: list[bytes] = []
        size = 0
        deadline = time.monotonic() + self.settings.body_timeout
        while True:
            try:
                message = await asyncio.wait_for(receive(), max(deadline - time.monotonic(), 0.001))
            except asyncio.TimeoutError:
                raise _Reject(408, f"the request body did not arrive within {self.settings.body_timeout:g} s",
                              "invalid_request_error", "body_timeout") from None
            if message["type"] == "http.disconnect":
                raise _Reject(400, "the client disconnected", "invalid_request_error", "disconnected")
            size += len(message.get("body", b""))
            if size > limit:
                raise _Reject(413, f"request body is over the limit of {limit} bytes",
                              "invalid_request_error", "body_too_large")
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # later calls wait for http.disconnect, as the app expects

        return replay


async def _send_error(send: Any, r: _Reject) -> None:
    payload = json.dumps(error_body(r.message, r.type, r.code)).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
               (b"connection", b"close")]
    headers += [(k.encode(), v.encode()) for k, v in r.headers.items()]
    await send({"type": "http.response.start", "status": r.status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
