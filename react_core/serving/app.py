"""The OpenAI-compatible HTTP app: ``create_app(service, settings)``.

Routes: ``GET /v1/models``; ``POST /v1/chat/completions`` (an agent run; ``model`` is a
domain or ``auto``; streaming as SSE); ``POST /v1/completions`` (raw generation; ``model``
is a domain, an adapter spec or the base: what the remote backend plugin calls);
``GET /healthz``; ``GET /metrics`` (Prometheus text); ``GET /`` (the chat page).
Errors use OpenAI's ``{"error": {...}}`` body: 400 invalid request, 401 key, 404 unknown
model, 408 slow body, 413 body too large, 429 busy, 500 never on purpose.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Iterator
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response, StreamingResponse

from react_core.adapters.manifest import AdapterError
from react_core.agent.events import AgentEvent, StepEvent
from react_core.engine.requests import QueueFullError, RequestTimeout
from react_core.serving import schemas
from react_core.serving.limits import Limiter, Overloaded
from react_core.serving.metrics import Metrics
from react_core.serving.middleware import ServingMiddleware
from react_core.serving.service import RunOptions, Service
from react_core.serving.settings import ServerSettings
from react_core.serving.streaming import chat_stream, sse

SSE_HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}


class ApiError(Exception):
    def __init__(self, status: int, message: str, type_: str = "invalid_request_error", code: str | None = None,
                 param: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.type, self.code, self.param = status, message, type_, code, param


def _busy(message: str) -> ApiError:
    return ApiError(429, message, "rate_limit_error", "server_busy")


def create_app(service: Service, settings: ServerSettings | None = None) -> FastAPI:
    """The FastAPI app over ``service`` (no global state: two apps in one process are independent)."""
    settings = settings or ServerSettings()
    metrics = Metrics()
    limiter = Limiter(settings.max_concurrent, settings.max_queue, settings.queue_timeout)
    app = FastAPI(title="ReAct Core", version="0.1.0", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.service, app.state.settings, app.state.metrics, app.state.limiter = service, settings, metrics, limiter
    _describe_metrics(metrics, service, limiter)

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        headers = {"retry-after": "1"} if exc.status == 429 else None
        return JSONResponse(schemas.error_body(exc.message, exc.type, exc.code, exc.param), exc.status, headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        message = f"{where}: {first.get('msg', 'invalid request')}" if where else first.get("msg", "invalid request")
        if first.get("type") == "json_invalid":
            message = "the request body is not valid JSON"
        return JSONResponse(schemas.error_body(message, "invalid_request_error", first.get("type"), where or None),
                            400)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:  # a bug: say so, keep serving
        return JSONResponse(schemas.error_body(f"internal error: {type(exc).__name__}: {exc}", "server_error"), 500)

    @app.get("/healthz")
    async def healthz() -> dict[str, Any]:
        return {"status": "ok", "models": service.models(), "running": limiter.running, "waiting": limiter.waiting}

    @app.get("/metrics")
    async def metrics_route() -> PlainTextResponse:
        return PlainTextResponse(metrics.render(), media_type="text/plain; version=0.0.4")

    @app.get("/v1/models")
    async def models() -> dict[str, Any]:
        created = int(time.time())
        return {"object": "list", "data": [{"id": m, "object": "model", "created": created, "owned_by": "react-core"}
                                           for m in service.models()]}

    @app.get("/", response_class=HTMLResponse)
    async def page() -> Response:
        try:
            html = resources.files("react_core.serving").joinpath("static/index.html").read_text(encoding="utf-8")
        except (FileNotFoundError, OSError):
            return PlainTextResponse("the chat page is not installed with this package", 404)
        return HTMLResponse(html)

    @app.post("/v1/chat/completions")
    async def chat(body: schemas.ChatRequest) -> Response:
        query, history = _conversation(body, settings)
        max_tokens = body.max_completion_tokens or body.max_tokens
        _check_tokens(max_tokens, settings)
        react = body.react or schemas.ReactOptions()
        timeout = min(react.timeout or settings.request_timeout, settings.request_timeout)
        options = RunOptions(domain=body.model, adapter=react.adapter, alpha=react.alpha, max_steps=react.max_steps,
                             max_new_tokens=max_tokens, temperature=body.temperature, timeout=timeout)
        release = await _slot(limiter)
        handed_over = False  # to the stream, which releases the slot when it ends
        try:
            prepared = await asyncio.to_thread(_prepare, service, query, options, history)
            cid = schemas.new_id("chatcmpl")
            if not body.stream:
                result = await _run(service, prepared)
                _count_run(metrics, result)
                return JSONResponse(schemas.chat_completion(cid, body.model, result))
            events = service.astream(query, tokens=True, prepared=prepared)
            first = await _first_events(events)
            handed_over = True
        finally:
            if not handed_over:
                release()
        include_usage = bool(body.stream_options and body.stream_options.include_usage)

        async def body_iter() -> Any:
            try:
                async for chunk in chat_stream(events, first, cid=cid, model=body.model, include_usage=include_usage,
                                               on_final=lambda r: _count_run(metrics, r),
                                               hold=prepared.agent.holds_answer):
                    yield chunk
            finally:
                prepared.backend.cancel.set()
                await events.aclose()
                release()

        return StreamingResponse(body_iter(), media_type="text/event-stream", headers=SSE_HEADERS)

    @app.post("/v1/completions")
    async def completions(body: schemas.CompletionRequest) -> Response:
        prompt = body.prompt if isinstance(body.prompt, str) else _single(body.prompt)
        _check_tokens(body.max_tokens, settings)
        stop = [body.stop] if isinstance(body.stop, str) else list(body.stop or [])
        if len(stop) > 8:
            raise ApiError(400, "at most 8 stop strings", param="stop")
        kwargs = dict(model=body.model, stop=stop, max_tokens=body.max_tokens, temperature=body.temperature,
                      timeout=settings.request_timeout,
                      grammar=body.structured_outputs.grammar if body.structured_outputs else None)
        release = await _slot(limiter)
        cid, created = schemas.new_id("cmpl"), int(time.time())
        handed_over = False
        try:
            if not body.stream:
                gen = await asyncio.to_thread(_complete, service, prompt, kwargs)
                metrics.inc("react_tokens_total", gen.prompt_tokens, kind="prompt")
                metrics.inc("react_tokens_total", gen.completion_tokens, kind="completion")
                usage = schemas.usage_json(gen.prompt_tokens, gen.completion_tokens)
                return JSONResponse(schemas.text_completion(cid, created, body.model, gen.text, gen.finish_reason,
                                                            usage))
            cancel = threading.Event()
            deltas = await asyncio.to_thread(_open_stream, service, prompt, kwargs, cancel)
            handed_over = True
        finally:
            if not handed_over:
                release()

        async def body_iter() -> Any:
            n = 0
            try:
                while (delta := await asyncio.to_thread(next, deltas, None)) is not None:
                    n += 1
                    yield sse(schemas.text_completion(cid, created, body.model, delta, None))
                yield sse(schemas.text_completion(cid, created, body.model, "", "stop"))
            except Exception as exc:  # noqa: BLE001 - the stream has started: report in it
                yield sse(schemas.error_body(f"{type(exc).__name__}: {exc}", "server_error", type(exc).__name__))
            finally:
                cancel.set()  # a next() still running in its thread stops within one token
                try:
                    deltas.close()
                except ValueError:  # "generator already executing": it is stopping (see above)
                    pass
                metrics.inc("react_tokens_total", n, kind="completion")
                release()
            yield sse("[DONE]")

        return StreamingResponse(body_iter(), media_type="text/event-stream", headers=SSE_HEADERS)

    app.add_middleware(ServingMiddleware, settings=settings, metrics=metrics)
    return app


# -- request handling ---------------------------------------------------------------------

def _conversation(body: schemas.ChatRequest, settings: ServerSettings) -> tuple[str, list[dict[str, str]]]:
    if len(body.messages) > settings.max_messages:
        raise ApiError(400, f"at most {settings.max_messages} messages per request", param="messages")
    last = body.messages[-1]
    if last.role != "user" or not last.text().strip():
        raise ApiError(400, "the last message must be a non-empty user message (the question)", param="messages")
    history = [{"role": m.role, "content": m.text()} for m in body.messages[:-1] if m.text().strip()]
    return last.text().strip(), history


def _check_tokens(max_tokens: int | None, settings: ServerSettings) -> None:
    if max_tokens is not None and max_tokens > settings.max_tokens:
        raise ApiError(400, f"max_tokens is {max_tokens}; this server allows at most {settings.max_tokens}",
                       param="max_tokens", code="max_tokens_too_large")


def _single(prompts: list[str]) -> str:
    if len(prompts) != 1:
        raise ApiError(400, "send exactly one prompt per request", param="prompt")
    return prompts[0]


async def _slot(limiter: Limiter) -> Any:
    try:
        return await limiter.acquire()
    except Overloaded as exc:
        raise _busy(str(exc)) from None


def _prepare(service: Service, query: str, options: RunOptions, history: list[dict[str, str]]) -> Any:
    try:
        return service.prepare(query, options, history=history, cancel=threading.Event())
    except KeyError as exc:
        raise ApiError(404, str(exc.args[0]), code="model_not_found", param="model") from None
    except ValueError as exc:  # a bad adapter spec or option
        raise ApiError(400, str(exc), param="react") from None


async def _run(service: Service, prepared: Any) -> Any:
    try:
        return await service.arun("", prepared=prepared)
    except QueueFullError as exc:
        raise _busy(str(exc)) from None


async def _first_events(events: Any) -> list[AgentEvent]:
    """Events up to the first one a client sees, so a refused run still gets a 429."""
    first: list[AgentEvent] = []
    try:
        async for event in events:
            first.append(event)
            if not isinstance(event, StepEvent):
                break
    except QueueFullError as exc:
        await events.aclose()
        raise _busy(str(exc)) from None
    return first


@contextlib.contextmanager
def _generation_errors() -> Iterator[None]:
    """A completion's refusals as HTTP errors: unknown model 404, bad spec 400, busy 429, timeout 504."""
    try:
        yield
    except (AdapterError, KeyError) as exc:
        raise ApiError(404, str(exc.args[0] if exc.args else exc), code="model_not_found", param="model") from None
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None
    except QueueFullError as exc:
        raise _busy(str(exc)) from None
    except RequestTimeout as exc:
        raise ApiError(504, str(exc), "server_error", "timeout") from None


def _complete(service: Service, prompt: str, kwargs: dict[str, Any]) -> Any:
    with _generation_errors():
        return service.complete(prompt, **kwargs)


def _open_stream(service: Service, prompt: str, kwargs: dict[str, Any], cancel: threading.Event) -> Any:
    """Start a streamed completion and take its first delta here, so a refusal is still an HTTP error."""
    with _generation_errors():
        deltas = service.complete_stream(prompt, cancel=cancel, **kwargs)
        head = next(deltas, None)

    def chained() -> Any:
        if head is not None:
            yield head
        yield from deltas

    return chained()


def _count_run(metrics: Metrics, result: Any) -> None:
    metrics.inc("react_agent_runs_total", stop_reason=result.stop_reason)
    metrics.inc("react_tokens_total", result.usage.prompt_tokens, kind="prompt")
    metrics.inc("react_tokens_total", result.usage.completion_tokens, kind="completion")


def _describe_metrics(metrics: Metrics, service: Service, limiter: Limiter) -> None:
    metrics.describe("react_http_requests_total", "HTTP requests by route and status")
    metrics.describe("react_agent_runs_total", "agent runs by stop reason")
    metrics.describe("react_tokens_total", "tokens by kind (prompt, completion)")
    metrics.gauge("react_requests_running", lambda: limiter.running, "requests holding a slot")
    metrics.gauge("react_queue_depth", lambda: limiter.waiting + _engine_pending(service),
                  "requests waiting: for a server slot plus in the engine queue")
    stats = getattr(service.backend, "stats", None)  # the local engine's; a remote backend has none
    if stats is not None and hasattr(stats, "prefix_hits"):
        metrics.gauge("react_engine_prefix_hits_total", lambda: stats.prefix_hits,
                      "generations that prefilled only what followed a kept prompt (prefix cache)", kind="counter")
        metrics.gauge("react_engine_prefix_tokens_total", lambda: stats.prefix_tokens,
                      "prompt tokens those generations did not prefill", kind="counter")


def _engine_pending(service: Service) -> int:
    pending = getattr(service.backend, "pending", None)
    return int(pending()) if callable(pending) else 0
