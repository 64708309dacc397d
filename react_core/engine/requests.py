"""Requests to the engine and the handles callers hold: futures with streaming and cancel."""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from react_core.adapters.spec import AdapterSpec
from react_core.engine.backend import Generation


class EngineError(RuntimeError):
    """Base class of the engine's request errors."""


class QueueFullError(EngineError):
    """The engine's bounded request queue is full: back off and retry, or raise ``max_queue``."""


class RequestCancelled(EngineError):
    """The request was cancelled before it finished."""


class RequestTimeout(EngineError, TimeoutError):
    """The request did not finish within its timeout (time in the queue counts)."""


class EngineClosed(EngineError):
    """The engine was closed; no request is accepted or finished after that."""


_DONE = object()


@dataclass
class Request:
    """One generation request as the worker sees it."""

    prompt: str
    stop: tuple[str, ...]
    max_new_tokens: int
    temperature: float
    spec: AdapterSpec
    deadline: float | None  # time.monotonic() value, or None
    submitted: float = field(default_factory=time.monotonic)
    matcher: Any = None  # react_core.engine.constraint.Matcher when the request has a grammar


class RequestHandle:
    """A submitted request: wait for its ``result()``, iterate its text deltas, or ``cancel()`` it.

    Iterating yields text as it is generated (stop strings never appear); ``result()``
    returns the ``Generation`` or raises ``RequestCancelled``, ``RequestTimeout`` or the
    error that ended the request. Safe to use from any thread.
    """

    def __init__(self, request: Request) -> None:
        self.request = request
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._deltas: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._result: Generation | None = None
        self._error: BaseException | None = None
        self.first_token_at: float | None = None
        self.finished_at: float | None = None

    # -- caller side ---------------------------------------------------------------------

    def cancel(self) -> None:
        """Ask the engine to stop this request at the next decode step (no-op once done)."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def done(self) -> bool:
        return self._done.is_set()

    def result(self, timeout: float | None = None) -> Generation:
        """Block until the request ends; return its Generation or raise what ended it.

        The request's own deadline is honoured here too: past it, the request is
        cancelled and ``RequestTimeout`` raised, even while it still waits in the queue.
        ``timeout`` only limits this wait (the request keeps running after it).
        """
        limit = self._remaining()
        wait = limit if timeout is None else (timeout if limit is None else min(timeout, limit))
        if not self._done.wait(wait):
            if limit is not None and wait == limit:
                self._expire()
            else:
                raise RequestTimeout(f"no result within {timeout} s of waiting (the request keeps running)")
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result

    def __iter__(self) -> Iterator[str]:
        """Text deltas as they are produced; raises at the end if the request failed."""
        while True:
            try:
                item = self._deltas.get(timeout=self._remaining())
            except queue.Empty:
                self._expire()
                continue
            if item is _DONE:
                break
            yield item
        if self._error is not None and not isinstance(self._error, RequestCancelled):
            raise self._error

    async def aresult(self) -> Generation:
        """``result()`` for asyncio code (waits in a thread, so the event loop stays free)."""
        return await asyncio.to_thread(self.result)

    async def astream(self) -> AsyncIterator[str]:
        """Text deltas for asyncio code."""
        iterator = iter(self)
        while True:
            item = await asyncio.to_thread(next, iterator, _DONE)
            if item is _DONE:
                return
            yield item

    def _remaining(self) -> float | None:
        if self.request.deadline is None:
            return None
        return max(0.0, self.request.deadline - time.monotonic())

    def _expire(self) -> None:
        self.cancel()
        waited = time.monotonic() - self.request.submitted
        self._finish(error=RequestTimeout(
            f"request timed out after {waited:.1f} s; the engine may be saturated: raise the timeout, "
            "lower max_new_tokens or send fewer concurrent requests"))

    # -- engine side ---------------------------------------------------------------------

    def _emit(self, delta: str) -> None:
        if delta and not self._done.is_set():
            if self.first_token_at is None:
                self.first_token_at = time.monotonic()
            self._deltas.put(delta)

    def _finish(self, result: Generation | None = None, error: BaseException | None = None) -> bool:
        """Record the outcome once (the first caller wins: worker, or a caller's deadline)."""
        with self._lock:
            if self._done.is_set():
                return False
            self._result, self._error = result, error
            self.finished_at = time.monotonic()
            self._done.set()
        self._deltas.put(_DONE)
        return True


def normalize_stop(stop: Sequence[str] | str | None) -> tuple[str, ...]:
    if stop is None:
        return ()
    if isinstance(stop, str):
        return (stop,)
    return tuple(s for s in stop if s)
