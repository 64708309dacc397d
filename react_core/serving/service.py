"""``Service``: the embedding API. Load the runtime once, then answer from any thread or task.

::

    from react_core.serving import Service

    service = Service.load("gemma-3-270m")            # base, adapters, indexes: once
    result = service.run("What is my card's limit?", domain="banking", max_steps=4, timeout=30)
    for event in service.stream("...", domain="auto"):  # ThoughtEvent, ActionEvent, ... FinalEvent
        ...
    result = await service.arun("...", domain="finance", alpha=0.3)

Every per-request choice (domain or ``auto``, fusion ``alpha`` or a whole ``adapter``
spec, ``max_steps``, ``max_new_tokens``, ``temperature``, ``timeout``, conversation
``history``) is an argument of the call; the service keeps no per-request state and no
module-level state, so any number of threads and tasks share one. Generation is batched
by the runtime's engine across all of them.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from react_core.adapters.spec import AdapterSpec
from react_core.agent.agent import Agent
from react_core.agent.build import build_agent
from react_core.agent.config import AgentConfig
from react_core.agent.conversation import compose
from react_core.agent.events import AgentEvent, FinalEvent
from react_core.agent.steps import AgentResult
from react_core.engine.backend import Generation, GenerationBackend
from react_core.serving.request import RequestBackend

AUTO = "auto"
BASE_NAMES = ("base", "")

Router = Callable[[str], "tuple[str | None, str | None]"]  # query -> (domain, adapter spec)


@dataclass(frozen=True)
class RunOptions:
    """Per-request choices; ``None`` keeps the service's default."""

    domain: str | None = None  # a domain name, "auto", or None (base model, global tools)
    adapter: str | None = None  # an explicit adapter spec; overrides the domain's
    alpha: float | None = None  # the base model's share, 0..1 (overrides the domain's fusion policy)
    max_steps: int | None = None
    max_new_tokens: int | None = None
    temperature: float | None = None
    timeout: float | None = None  # seconds for the whole run

    @classmethod
    def of(cls, **kwargs: Any) -> RunOptions:
        unknown = set(kwargs) - set(cls.__dataclass_fields__)
        if unknown:
            raise TypeError(f"unknown run option(s) {sorted(unknown)}; options: {sorted(cls.__dataclass_fields__)}")
        return cls(**kwargs)


@dataclass
class Prepared:
    """One request ready to run: its agent, its backend (tokens, cancel) and the question."""

    agent: Agent
    backend: RequestBackend
    query: str


class Service:
    """Agents over one shared backend, for many concurrent callers (see the module docstring).

    ``backend`` is any ``GenerationBackend`` (the runtime's engine, a remote server, a
    ``ScriptedBackend`` in tests). ``adapter_for(domain, query)`` and ``router(query)``
    come from the runtime when built with ``from_runtime``.
    """

    def __init__(self, backend: GenerationBackend, registry: Any, *, config: AgentConfig | None = None,
                 adapter_for: Callable[[str, str], str | None] | None = None, router: Router | None = None,
                 model_name: str = "base", runtime: Any = None, max_history_chars: int = 4000) -> None:
        self.backend = backend
        self.registry = registry
        self.config = config or AgentConfig()
        self.model_name = model_name
        self.runtime = runtime
        self.max_history_chars = max_history_chars
        self._adapter_for = adapter_for
        self._router = router
        self._agents: dict[str | None, Agent] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_runtime(cls, runtime: Any, **kwargs: Any) -> Service:
        """A service over a loaded ``Runtime``: its engine, adapters and router."""

        def route(query: str) -> tuple[str | None, str | None]:
            return runtime.route(query).top, runtime.adapter_for(AUTO, query)

        return cls(runtime.engine, runtime.registry, adapter_for=lambda d, q: runtime.adapter_for(d, q),
                   router=route, model_name=runtime.loaded.resolved.name, runtime=runtime, **kwargs)

    @classmethod
    def load(cls, model: str = "gemma-3-270m", *, registry: Any = None, device: str | None = None,
             dtype: str | None = None, runtime_config: Any = None, warm: bool = True, **kwargs: Any) -> Service:
        """Load the base model, adapters and (with ``warm``) every domain's index once."""
        from react_core.runtime import Runtime

        runtime = Runtime.load(model, registry=registry, device=device, dtype=dtype, config=runtime_config)
        service = cls.from_runtime(runtime, **kwargs)
        if warm:
            service.warm()
        return service

    # -- what can be asked ---------------------------------------------------------------

    def domains(self) -> list[str]:
        return sorted(self.registry.domains)

    def models(self) -> list[str]:
        """The chat model names: ``auto`` (when domains are installed) and each domain."""
        names = self.domains()
        return [AUTO, *names] if names else [AUTO]

    def check_domain(self, domain: str | None) -> None:
        """Raise ``KeyError`` (listing the choices) for a domain that is not installed."""
        if domain not in (None, AUTO) and domain not in self.registry.domains:
            raise KeyError(f"unknown model or domain {domain!r}; available: {', '.join(self.models())}")

    def warm(self, domains: Sequence[str] | None = None) -> None:
        """Build the domains' agents now (indexes loaded or built), not on their first request."""
        for name in [None, *(self.domains() if domains is None else domains)]:
            self._agent(name)

    # -- running -------------------------------------------------------------------------

    def prepare(self, query: str, options: RunOptions | None = None, *,
                history: Sequence[Mapping[str, str]] = (), cancel: threading.Event | None = None) -> Prepared:
        """Resolve domain, adapter and limits for one request (raises ``KeyError`` for an unknown domain)."""
        o = options or RunOptions()
        self.check_domain(o.domain)
        domain, adapter = o.domain, None
        if domain == AUTO:
            routed = self._router is not None and bool(self.registry.domains)  # no domain: the base answers
            domain, adapter = self._router(query) if routed else (None, None)
        elif domain is not None:
            adapter = self._adapter_for(domain, query) if self._adapter_for is not None else self._shipped(domain)
        if o.adapter is not None:
            adapter = None if o.adapter in BASE_NAMES else o.adapter
        if o.alpha is not None and adapter is not None:
            adapter = replace(AdapterSpec.parse(adapter), alpha=round(float(o.alpha), 2)).key()
        config = self.config
        changes = {k: v for k, v in (("max_steps", o.max_steps), ("max_new_tokens", o.max_new_tokens),
                                     ("temperature", o.temperature), ("max_seconds", o.timeout)) if v is not None}
        if changes:
            config = replace(config, **changes)
        deadline = time.monotonic() + config.max_seconds if config.max_seconds is not None else None
        bound = RequestBackend(self.backend, deadline=deadline, cancel=cancel)
        agent = copy.copy(self._agent(domain))  # shares tools and prompt; nothing per run is stored on it
        agent.backend, agent.config, agent.adapter = bound, config, adapter
        return Prepared(agent, bound, self.compose(query, history))

    def run(self, query: str, *, history: Sequence[Mapping[str, str]] = (), **options: Any) -> AgentResult:
        """Answer ``query``; raises ``QueueFullError`` when the engine refused its first generation."""
        prepared = self.prepare(query, RunOptions.of(**options), history=history)
        result = prepared.agent.run(prepared.query)
        return self._checked(prepared, result)

    def stream(self, query: str, *, history: Sequence[Mapping[str, str]] = (), tokens: bool = False,
               **options: Any) -> Iterator[AgentEvent]:
        """Events of one run as they happen; closing the iterator cancels the run."""
        prepared = self.prepare(query, RunOptions.of(**options), history=history)
        try:
            for event in prepared.agent.stream(prepared.query, tokens=tokens):
                if isinstance(event, FinalEvent):
                    self._checked(prepared, event.result)
                yield event
        finally:
            prepared.backend.cancel.set()

    async def arun(self, query: str, *, history: Sequence[Mapping[str, str]] = (), prepared: Prepared | None = None,
                   **options: Any) -> AgentResult:
        """``run`` for asyncio (the event loop stays free while the model generates)."""
        async for event in self.astream(query, history=history, prepared=prepared, **options):
            if isinstance(event, FinalEvent):
                return event.result
        raise AssertionError("the run ended without a FinalEvent")  # pragma: no cover

    async def astream(self, query: str, *, history: Sequence[Mapping[str, str]] = (), tokens: bool = False,
                      prepared: Prepared | None = None, **options: Any) -> AsyncIterator[AgentEvent]:
        """``stream`` for asyncio; leaving the iteration (or a cancelled task) cancels the run.

        ``prepared`` (from ``prepare``) runs a request already resolved; ``query`` is then unused.
        """
        prepared = prepared or self.prepare(query, RunOptions.of(**options), history=history)
        try:
            async for event in prepared.agent.astream(prepared.query, tokens=tokens):
                if isinstance(event, FinalEvent):
                    self._checked(prepared, event.result)
                yield event
        finally:
            prepared.backend.cancel.set()

    def complete(self, prompt: str, *, model: str | None = None, stop: Sequence[str] = (), max_tokens: int = 16,
                 temperature: float = 0.0, timeout: float | None = None, grammar: str | None = None) -> Generation:
        """Raw text generation (no agent) with ``model`` = a domain, an adapter spec or the base;
        ``grammar`` (a Lark grammar, ``react_core.engine.constraint``) constrains the text."""
        bound = self._raw(model, timeout)
        return bound.generate(prompt, stop=stop, max_new_tokens=max_tokens, temperature=temperature,
                              adapter=self.resolve_model(model), grammar=self._grammar(grammar))

    def complete_stream(self, prompt: str, *, model: str | None = None, stop: Sequence[str] = (),
                        max_tokens: int = 16, temperature: float = 0.0, timeout: float | None = None,
                        cancel: threading.Event | None = None, grammar: str | None = None) -> Iterator[str]:
        """``complete`` as text deltas; closing the iterator cancels the generation."""
        bound = self._raw(model, timeout, cancel)
        return bound.stream(prompt, stop=stop, max_new_tokens=max_tokens, temperature=temperature,
                            adapter=self.resolve_model(model), grammar=self._grammar(grammar))

    def _grammar(self, grammar: str | None) -> str | None:
        if grammar is not None and not getattr(self.backend, "supports_grammar", False):
            raise ValueError("this server's backend does not take a grammar (structured_outputs)")
        return grammar

    def resolve_model(self, model: str | None) -> str | None:
        """The ``adapter=`` of a completion model name: base, a domain (its policy), or an adapter spec."""
        if model is None or model in BASE_NAMES or model == self.model_name:
            return None
        if model in self.registry.domains:
            return self._adapter_for(model, "") if self._adapter_for is not None else self._shipped(model)
        return model  # an installed adapter or a merge spec; the engine checks it

    def close(self) -> None:
        if self.runtime is not None:
            self.runtime.close()

    # -- helpers -------------------------------------------------------------------------

    def compose(self, query: str, history: Sequence[Mapping[str, str]]) -> str:
        """The question with the most recent conversation turns before it (``max_history_chars``;
        ``react_core.agent.conversation``)."""
        return compose(query, history, self.max_history_chars)

    def _raw(self, model: str | None, timeout: float | None, cancel: threading.Event | None = None) -> RequestBackend:
        deadline = time.monotonic() + timeout if timeout is not None else None
        return RequestBackend(self.backend, deadline=deadline, cancel=cancel)

    def _shipped(self, domain: str) -> str | None:
        return domain if self.registry.domains[domain].adapter_path is not None else None

    def _agent(self, domain: str | None) -> Agent:
        agent = self._agents.get(domain)
        if agent is None:
            with self._lock:  # one build per domain even when many requests arrive at once
                agent = self._agents.get(domain)
                if agent is None:
                    agent = build_agent(self.registry, self.backend, domain, self.config)
                    self._agents[domain] = agent
        return agent

    @staticmethod
    def _checked(prepared: Prepared, result: AgentResult) -> AgentResult:
        if prepared.backend.rejected is not None and len(result.steps) <= 1:
            raise prepared.backend.rejected
        if result.usage.total_tokens == 0 and prepared.backend.completion_tokens:  # streamed: the engine counted
            result.usage.prompt_tokens = prepared.backend.prompt_tokens
            result.usage.completion_tokens = prepared.backend.completion_tokens
        return result
