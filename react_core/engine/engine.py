"""The serving engine: one worker thread owns the model and decodes many requests together.

Callers on any thread ``submit`` requests into a bounded queue and get a ``RequestHandle``.
The worker admits waiting requests between decode steps (up to ``max_batch`` rows), prefills
them, joins them to the running batch and advances every row by one token per step. Each
request runs with its own adapter, runtime merge or the base (PEFT ``adapter_names`` per
row: nothing is switched globally); a logit-space fusion takes two rows whose logits are
mixed. Requests end at a stop string, end of sequence, ``max_new_tokens``, cancellation or
their timeout. The engine implements the ``GenerationBackend`` protocol, so an agent uses
it as it would any backend, with ``adapter=`` naming an adapter, a merge spec or None.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

import torch

from react_core.adapters.spec import AdapterSpec
from react_core.adapters.store import AdapterStore, Selection
from react_core.engine import batch as batching
from react_core.engine.backend import Generation, cut_at_stop
from react_core.engine.constraint import Constrainer
from react_core.engine.prefix import PrefixCache
from react_core.engine.requests import (
    EngineClosed,
    QueueFullError,
    Request,
    RequestCancelled,
    RequestHandle,
    RequestTimeout,
    normalize_stop,
)

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class EngineStats:
    """Counters since the engine started (read them from any thread; they only grow)."""

    submitted: int = 0
    completed: int = 0
    failed: int = 0
    steps: int = 0
    generated_tokens: int = 0
    row_steps: int = 0  # sum over steps of the batch size: row_steps / steps = mean batch
    joins: int = 0  # admissions into a batch that was already decoding
    max_rows: int = 0
    prefix_hits: int = 0  # requests that prefilled only what followed a kept prefix
    prefix_tokens: int = 0  # prompt tokens those requests did not prefill

    def as_dict(self) -> dict[str, float]:
        mean = self.row_steps / self.steps if self.steps else 0.0
        return {**self.__dict__, "mean_batch_rows": round(mean, 2)}


@dataclass
class _Active:
    handle: RequestHandle
    selection: Selection
    prompt_tokens: int
    tokens: list[int] = field(default_factory=list)
    prompt_ids: list[int] = field(default_factory=list)
    revision: int = 0  # the adapter store's when admitted
    emitted: int = 0  # characters of text already streamed

    @property
    def request(self) -> Request:
        return self.handle.request


class Engine:
    """Batched generation over one model with per-request adapters (see the module docstring).

    ``model`` is the base model (the store wraps it in PEFT when an adapter is first
    loaded); pass ``store`` to serve adapters. ``max_queue`` bounds the waiting requests
    (``QueueFullError`` beyond it); ``timeout`` is the default per-request limit in seconds.
    ``prefix_cache_tokens`` bounds the finished requests' keys and values kept for prompts that
    start with them (``react_core.engine.prefix``; 0 turns it off). A request with a ``grammar``
    picks only tokens the grammar allows (``react_core.engine.constraint``) and ends when the
    grammar is complete.
    """

    supports_grammar = True

    def __init__(self, model: Any, tokenizer: Any, *, store: AdapterStore | None = None, max_batch: int = 32,
                 max_queue: int = 256, timeout: float | None = None, prefix_cache_tokens: int = 8192,
                 name: str = "react-engine") -> None:
        if max_batch < 2:
            raise ValueError("max_batch must be at least 2 (a logit-space fusion takes two rows)")
        self.tokenizer = tokenizer
        self.store = store or AdapterStore(model, fingerprint="")
        self.max_batch = max_batch
        self.max_queue = max_queue
        self.timeout = timeout
        self.stats = EngineStats()
        self.prefix = PrefixCache(prefix_cache_tokens)
        self.constrainer = Constrainer(tokenizer)
        # reading the vocabulary for the first grammar takes seconds (Gemma 3): do it now, aside
        threading.Thread(target=self.constrainer.warm, name=f"{name}-grammar", daemon=True).start()
        self._pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        self._eos = _eos_ids(model, tokenizer)
        self._queue: queue.Queue[RequestHandle] = queue.Queue(maxsize=max_queue)
        self._control: queue.SimpleQueue[tuple[Callable[[AdapterStore], Any], Future[Any]]] = queue.SimpleQueue()
        self._wake = threading.Event()
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    # -- public API (any thread) ---------------------------------------------------------

    def submit(self, prompt: str, *, stop: Sequence[str] | str | None = (), max_new_tokens: int = 256,
               temperature: float = 0.0, adapter: str | AdapterSpec | None = None,
               timeout: float | None = None, grammar: str | None = None) -> RequestHandle:
        """Queue a request and return its handle at once.

        Raises ``UnknownAdapterError`` (listing the installed adapters) for an adapter not
        installed, ``GrammarError`` for a grammar that does not compile (it is compiled here, on
        the caller's thread), ``QueueFullError`` when ``max_queue`` requests already wait, and
        ``EngineClosed`` after ``close()``.
        """
        if self._closing.is_set():
            raise EngineClosed("the engine is closed; create a new one (Runtime.load) to generate")
        if max_new_tokens < 1:
            raise ValueError(f"max_new_tokens must be at least 1, got {max_new_tokens}")
        spec = AdapterSpec.parse(adapter)
        self.store.check(spec)
        limit = self.timeout if timeout is None else timeout
        matcher = self.constrainer.matcher(grammar) if grammar is not None else None
        request = Request(prompt=prompt, stop=normalize_stop(stop), max_new_tokens=max_new_tokens,
                          temperature=temperature, spec=spec,
                          deadline=time.monotonic() + limit if limit is not None else None, matcher=matcher)
        handle = RequestHandle(request)
        try:
            self._queue.put_nowait(handle)
        except queue.Full:
            raise QueueFullError(
                f"the engine queue is full ({self.max_queue} requests waiting, {self.max_batch} decoding); "
                "retry after a short wait, or create the engine with a larger max_queue"
            ) from None
        self.stats.submitted += 1
        self._wake.set()
        return handle

    def generate(self, prompt: str, *, stop: Sequence[str] = (), max_new_tokens: int = 256,
                 temperature: float = 0.0, adapter: str | None = None, timeout: float | None = None,
                 grammar: str | None = None) -> Generation:
        """Generate a completion (blocks this thread; other requests are batched alongside)."""
        return self.submit(prompt, stop=stop, max_new_tokens=max_new_tokens, temperature=temperature,
                           adapter=adapter, timeout=timeout, grammar=grammar).result()

    def stream(self, prompt: str, *, stop: Sequence[str] = (), max_new_tokens: int = 256,
               temperature: float = 0.0, adapter: str | None = None, timeout: float | None = None,
               grammar: str | None = None) -> Iterator[str]:
        """Yield text deltas; closing the iterator early cancels the request.

        The generator's return value (``StopIteration.value``, what ``yield from`` gives) is
        the finished ``Generation``, so a caller that streams still gets the token usage.
        """
        handle = self.submit(prompt, stop=stop, max_new_tokens=max_new_tokens, temperature=temperature,
                             adapter=adapter, timeout=timeout, grammar=grammar)
        try:
            yield from handle
            return handle.result()
        finally:
            handle.cancel()

    async def agenerate(self, prompt: str, **kwargs: Any) -> Generation:
        """``generate`` for asyncio code; cancelling the awaiting task cancels the request."""
        handle = self.submit(prompt, **kwargs)
        try:
            return await handle.aresult()
        except BaseException:
            handle.cancel()
            raise

    def call(self, fn: Callable[[AdapterStore], T], timeout: float | None = None) -> T:
        """Run ``fn(store)`` on the worker between decode steps (load, merge, unload) and return its result."""
        if threading.current_thread() is self._thread:
            return fn(self.store)
        future: Future[T] = Future()
        self._control.put((fn, future))
        self._wake.set()
        return future.result(timeout)

    def pending(self) -> int:
        """Requests waiting in the queue (not yet decoding)."""
        return self._queue.qsize()

    def close(self, timeout: float = 30.0) -> None:
        """Stop the worker; requests still queued or decoding end with ``EngineClosed``."""
        self._closing.set()
        self._wake.set()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- worker --------------------------------------------------------------------------

    def _run(self) -> None:
        active: list[_Active] = []  # in row order; a logit fusion owns two adjacent rows
        waiting: deque[RequestHandle] = deque()  # at most one: taken from the queue, not yet fitting
        batch: batching.Batch | None = None
        while True:
            self._run_control()
            if self._closing.is_set():
                self._shutdown(active, waiting)
                return
            try:
                batch = self._admit(active, waiting, batch)
                if batch is None:
                    self._wake.wait(0.05)
                    self._wake.clear()
                    continue
                with torch.inference_mode():
                    tokens = torch.tensor([t for a in active for t in [a.tokens[-1]] * len(a.selection.rows)])
                    logits = batching.step(self.store.model, batch, tokens, peft=self._peft)
                self.stats.steps += 1
                self.stats.row_steps += batch.size
                batch = self._advance(active, batch, logits)
            except Exception as exc:  # noqa: BLE001 - a model failure ends the requests it touched
                log.exception("engine step failed")
                for a in active:
                    self._end(a, error=exc)
                active.clear()
                batch = None

    @property
    def _peft(self) -> bool:
        return self.store.peft_model is not None

    def _run_control(self) -> None:
        while True:
            try:
                fn, future = self._control.get_nowait()
            except queue.Empty:
                return
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn(self.store))
                except BaseException as exc:  # noqa: BLE001 - handed to the caller
                    future.set_exception(exc)

    def _admit(self, active: list[_Active], waiting: deque[RequestHandle],
               batch: batching.Batch | None) -> batching.Batch | None:
        rows = batch.size if batch is not None else 0
        new: list[_Active] = []
        while rows < self.max_batch:  # requests stay in the bounded queue until they fit
            if not waiting:
                try:
                    waiting.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            handle = waiting[0]
            request = handle.request
            if handle.cancelled or _expired(request):
                waiting.popleft()
                self._fail_waiting(handle)
                continue
            need = 2 if request.spec.space == "logit" and 0 < request.spec.alpha < 1 else 1
            if rows + need > self.max_batch:
                break
            waiting.popleft()
            try:
                selection = self.store.select(request.spec)
                ids = self.tokenizer(request.prompt, add_special_tokens=True)["input_ids"]
            except Exception as exc:  # noqa: BLE001 - e.g. a merge that PEFT refuses
                self.stats.failed += 1
                handle._finish(error=exc)
                continue
            for name in set(selection.rows):
                self.store.pin(name)
            new.append(_Active(handle=handle, selection=selection, prompt_tokens=len(ids), prompt_ids=ids))
            rows += len(selection.rows)
        if not new:
            return batch
        fresh, logits, new = self._prefill(new)
        fresh = self._advance(new, fresh, logits)
        if batch is not None and fresh is not None:
            self.stats.joins += len(new)
            batch = batching.join(batch, fresh)
        else:
            batch = batch or fresh
        active.extend(new)
        self.stats.max_rows = max(self.stats.max_rows, batch.size if batch else 0)
        return batch

    def _prefill(self, new: list[_Active]) -> tuple[batching.Batch, torch.Tensor, list[_Active]]:
        """Prefill admitted requests: one whose prompt starts with a kept prefix runs only the
        rest (a row of its own), the others together. Returns the batch, its rows' logits and
        the requests in row order."""
        self.prefix.check_version(self.store.revision)
        whole: list[_Active] = []
        parts: list[tuple[_Active, Any]] = []
        for a in new:
            a.revision = self.store.revision
            rows = a.selection.rows
            hit = self.prefix.longest(rows[0], a.prompt_ids) if len(rows) == 1 else None
            if hit is None:
                whole.append(a)
            else:
                parts.append((a, hit))
        done: list[tuple[batching.Batch, torch.Tensor]] = []
        with torch.inference_mode():
            if whole:
                prompts = [a.prompt_ids for a in whole for _ in a.selection.rows]
                adapters = [name for a in whole for name in a.selection.rows]
                done.append(batching.prefill(self.store.model, prompts, adapters, pad_id=self._pad_id,
                                             peft=self._peft))
            for a, hit in parts:
                done.append(batching.prefill_after(self.store.model, hit.kv, a.prompt_ids[hit.tokens:],
                                                   a.selection.rows[0], peft=self._peft))
                self.stats.prefix_hits += 1
                self.stats.prefix_tokens += hit.tokens
        batch, logits = done[0]
        for more, more_logits in done[1:]:
            batch = batching.join(batch, more)
            logits = torch.cat([logits, more_logits])
        return batch, logits, whole + [a for a, _ in parts]

    def _keep_prefix(self, a: _Active, batch: batching.Batch, row: int) -> None:
        """Keep a finished one-row request's keys and values for prompts that start the same way."""
        if not self.prefix.max_tokens or len(a.selection.rows) != 1 or a.revision != self.store.revision:
            return
        ids = a.prompt_ids + a.tokens[:-1]  # the last token picked was never fed
        if int(batch.mask[row].sum()) != len(ids):  # pragma: no cover - a row is its tokens
            log.warning("prefix cache: row of %d columns for %d tokens; not kept", int(batch.mask[row].sum()), len(ids))
            return
        self.prefix.put(a.selection.rows[0], ids, batching.row_kv(batch, row))

    def _advance(self, active: list[_Active], batch: batching.Batch, logits: torch.Tensor) -> batching.Batch | None:
        """Pick each request's next token from its rows' logits; end the finished; drop their rows."""
        keep: list[int] = []
        row = 0
        finished: list[_Active] = []
        for a in active:
            n = len(a.selection.rows)
            if n == 2:
                alpha = a.selection.logit_alpha or 0.0
                mixed = alpha * logits[row].float() + (1.0 - alpha) * logits[row + 1].float()
            else:
                mixed = logits[row]
            matcher = a.request.matcher
            if matcher is not None:
                mixed = matcher.mask(mixed)
            token = _pick(mixed, a.request.temperature)
            a.tokens.append(token)
            self.stats.generated_tokens += 1
            if matcher is not None and token not in self._eos and not matcher.accept(token):
                self._end(a, error=RuntimeError(f"the grammar rejected token {token}: {matcher.error}"))
                finished.append(a)
            elif self._check_done(a):
                finished.append(a)
                self._keep_prefix(a, batch, row)
            else:
                keep.extend(range(row, row + n))
            row += n
        for a in finished:
            active.remove(a)
        return batching.select(batch, keep)

    def _check_done(self, a: _Active) -> bool:
        request, handle = a.request, a.handle
        if handle.cancelled:
            self._end(a, error=RequestCancelled("the request was cancelled"))
            return True
        eos = a.tokens[-1] in self._eos
        text = self.tokenizer.decode(a.tokens[:-1] if eos else a.tokens, skip_special_tokens=True)
        cut, found = cut_at_stop(text, request.stop)
        length = len(a.tokens) >= request.max_new_tokens
        complete = request.matcher is not None and request.matcher.done  # the grammar admits nothing more
        if found is not None or eos or length or complete:
            handle._emit(cut[a.emitted:])
            reason = "stop" if found is not None or eos or complete else "length"
            self._end(a, result=Generation(text=cut, finish_reason=reason, prompt_tokens=a.prompt_tokens,
                                           completion_tokens=len(a.tokens), stop=found))
            return True
        if _expired(request):
            self._end(a, error=RequestTimeout(
                f"request timed out after {time.monotonic() - request.submitted:.1f} s "
                f"({len(a.tokens)} tokens generated); raise its timeout or lower max_new_tokens"))
            return True
        hold = max((len(s) for s in request.stop), default=1) - 1
        safe = len(text) - hold
        while safe > a.emitted and text[safe - 1] == "\ufffd":  # an incomplete UTF-8 sequence
            safe -= 1
        if safe > a.emitted:
            handle._emit(text[a.emitted:safe])
            a.emitted = safe
        return False

    def _end(self, a: _Active, *, result: Generation | None = None, error: BaseException | None = None) -> None:
        for name in set(a.selection.rows):
            self.store.unpin(name)
        if error is None:
            self.stats.completed += 1
        else:
            self.stats.failed += 1
        a.handle._finish(result=result, error=error)

    def _fail_waiting(self, handle: RequestHandle) -> None:
        self.stats.failed += 1
        if handle.cancelled:
            handle._finish(error=RequestCancelled("the request was cancelled while queued"))
        else:
            handle._finish(error=RequestTimeout(
                f"request timed out after {time.monotonic() - handle.request.submitted:.1f} s in the queue; "
                "the engine is saturated: raise the timeout or send fewer concurrent requests"))

    def _shutdown(self, active: list[_Active], waiting: deque[RequestHandle]) -> None:
        while True:
            try:
                waiting.append(self._queue.get_nowait())
            except queue.Empty:
                break
        for a in active:
            self._end(a, error=EngineClosed("the engine was closed while this request was decoding"))
        for handle in waiting:
            handle._finish(error=EngineClosed("the engine was closed before this request started"))
        while True:
            try:
                _, future = self._control.get_nowait()
            except queue.Empty:
                return
            future.set_exception(EngineClosed("the engine was closed"))


def _expired(request: Request) -> bool:
    return request.deadline is not None and time.monotonic() > request.deadline


def _pick(logits: torch.Tensor, temperature: float) -> int:
    if temperature <= 0:
        return int(torch.argmax(logits))
    probs = torch.softmax(logits.float() / temperature, dim=-1)
    return int(torch.multinomial(probs, 1))


def _eos_ids(model: Any, tokenizer: Any) -> frozenset[int]:
    ids: set[int] = set()
    if tokenizer.eos_token_id is not None:
        ids.add(int(tokenizer.eos_token_id))
    config = getattr(model, "generation_config", None)
    extra = getattr(config, "eos_token_id", None)
    if isinstance(extra, int):
        ids.add(extra)
    elif isinstance(extra, (list, tuple)):
        ids.update(int(i) for i in extra)
    return frozenset(ids)
