"""The backend one request sees: its deadline, its cancellation, its token counts.

``RequestBackend`` wraps the shared backend for the length of one agent run. With the
batched ``Engine`` (anything with ``submit``) every generation gets the time the run has
left as its timeout and is cancelled within a token when the caller goes away; with any
other backend, cancellation is checked between streamed deltas. Nothing here is shared
between requests.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

from react_core.engine.backend import Generation
from react_core.engine.requests import QueueFullError, RequestCancelled, RequestTimeout


class RequestBackend:
    """A ``GenerationBackend`` over ``backend`` for one request (see the module docstring)."""

    def __init__(self, backend: Any, *, deadline: float | None = None,
                 cancel: threading.Event | None = None) -> None:
        self.backend = backend
        self.deadline = deadline
        self.cancel = cancel or threading.Event()
        self.calls = 0
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.rejected: QueueFullError | None = None  # the first generation found the queue full

    def _remaining(self) -> float | None:
        if self.cancel.is_set():
            raise RequestCancelled("the request was cancelled")
        if self.deadline is None:
            return None
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise RequestTimeout("the request's time ran out before this generation started")
        return left

    def _submit(self, prompt: str, kwargs: dict[str, Any]) -> Any:
        self.calls += 1
        try:
            return self.backend.submit(prompt, timeout=self._remaining(), **kwargs)
        except QueueFullError as exc:
            if self.calls == 1:
                self.rejected = exc
            raise

    @property
    def supports_grammar(self) -> bool:
        """Whether the wrapped backend takes ``grammar=`` (the agent then constrains its actions)."""
        return bool(getattr(self.backend, "supports_grammar", False))

    def _count(self, generation: Generation) -> Generation:
        self.prompt_tokens += generation.prompt_tokens
        self.completion_tokens += generation.completion_tokens
        return generation

    def generate(self, prompt: str, *, stop: Sequence[str] = (), max_new_tokens: int = 256,
                 temperature: float = 0.0, adapter: str | None = None, grammar: str | None = None) -> Generation:
        kwargs = _kwargs(stop, max_new_tokens, temperature, adapter, grammar)
        if not hasattr(self.backend, "submit"):
            self._remaining()
            self.calls += 1
            return self._count(self.backend.generate(prompt, **kwargs))
        handle = self._submit(prompt, kwargs)
        try:
            for _ in handle:  # wake per token, so a cancelled request stops at once
                if self.cancel.is_set():
                    raise RequestCancelled("the request was cancelled")
            return self._count(handle.result())
        finally:
            handle.cancel()

    def stream(self, prompt: str, *, stop: Sequence[str] = (), max_new_tokens: int = 256,
               temperature: float = 0.0, adapter: str | None = None, grammar: str | None = None) -> Iterator[str]:
        kwargs = _kwargs(stop, max_new_tokens, temperature, adapter, grammar)
        if not hasattr(self.backend, "submit"):
            self._remaining()
            self.calls += 1
            for delta in self.backend.stream(prompt, **kwargs):
                if self.cancel.is_set():
                    raise RequestCancelled("the request was cancelled")
                self.completion_tokens += 1  # a delta is about a token; exact counts need the engine
                yield delta
            return
        handle = self._submit(prompt, kwargs)
        try:
            for delta in handle:
                if self.cancel.is_set():
                    raise RequestCancelled("the request was cancelled")
                yield delta
            self._count(handle.result())
        finally:
            handle.cancel()


def _kwargs(stop: Sequence[str], max_new_tokens: int, temperature: float, adapter: str | None,
            grammar: str | None) -> dict[str, Any]:
    """The generation arguments; ``grammar`` only when given (a backend without it never sees it)."""
    kwargs: dict[str, Any] = dict(stop=stop, max_new_tokens=max_new_tokens, temperature=temperature, adapter=adapter)
    if grammar is not None:
        kwargs["grammar"] = grammar
    return kwargs
