"""The runtime: one base model in memory, every installed domain's adapter, the engine and router.

``Runtime.load()`` resolves and loads the base once, installs the adapter of each
registered domain that ships one (and adapters trained with ``react train`` into the
cache), refusing those made for another base (``problems`` says why, the rest keep
working), and starts the batched engine. The API server and ``react chat`` use::

    runtime = Runtime.load("gemma-3-270m")
    adapter = runtime.adapter_for("auto", query)      # or a domain name, or None
    runtime.engine.generate(prompt, adapter=adapter)  # the engine is a GenerationBackend
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from react_core.adapters.manifest import AdapterError
from react_core.adapters.spec import AdapterSpec
from react_core.adapters.store import AdapterStore

log = logging.getLogger(__name__)

AUTO = "auto"


@dataclass(frozen=True)
class RuntimeConfig:
    """Runtime settings (each field's help text is what a CLI flag would say)."""

    max_loaded: int = field(default=8, metadata={"help": "adapters kept in memory (LRU beyond it)"})
    max_merges: int = field(default=8, metadata={"help": "runtime merges kept in memory (LRU beyond it)"})
    max_batch: int = field(default=32, metadata={"help": "rows decoded together"})
    max_queue: int = field(default=256, metadata={"help": "requests waiting before QueueFullError"})
    timeout: float | None = field(default=None, metadata={"help": "default per-request timeout, seconds"})
    prefix_cache_tokens: int = field(default=8192, metadata={
        "help": "tokens of finished requests' keys and values kept for prompts that start the same way (0: off)"})
    router_temperature: float = field(default=0.05, metadata={"help": "softmax temperature of routing"})
    router_threshold: float = field(default=0.2, metadata={"help": "best similarity below which the base answers"})
    router_min_share: float = field(default=0.3, metadata={"help": "weight a domain needs to join a merge"})
    cached_adapters: bool = field(default=True, metadata={"help": "also install adapters from the cache"})

    @classmethod
    def help(cls, name: str) -> str:
        """The help text of field ``name`` (for command-line options)."""
        return next(f.metadata["help"] for f in fields(cls) if f.name == name)


class Runtime:
    """One base model, the installed adapters, the engine that serves them and the router."""

    def __init__(self, loaded: Any, registry: Any, *, config: RuntimeConfig | None = None,
                 embedder: Any = None, adapter_dirs: dict[str, Path] | None = None) -> None:
        from react_core.engine.engine import Engine

        self.loaded = loaded
        self.registry = registry
        self.config = config or RuntimeConfig()
        self.store = AdapterStore(loaded.model, fingerprint=loaded.fingerprint, base_name=loaded.resolved.name,
                                  max_loaded=self.config.max_loaded, max_merges=self.config.max_merges)
        self.problems: dict[str, str] = {}
        self._embedder = embedder
        self._router: Any = None
        for name, path in self._adapter_sources(adapter_dirs).items():
            try:
                self.store.install(name, path)
            except AdapterError as exc:
                self.problems[name] = str(exc)
                log.warning("adapter %s skipped: %s", name, exc)
        self.engine = Engine(loaded.model, loaded.tokenizer, store=self.store, max_batch=self.config.max_batch,
                             max_queue=self.config.max_queue, timeout=self.config.timeout,
                             prefix_cache_tokens=self.config.prefix_cache_tokens)

    @classmethod
    def load(cls, model: str = "gemma-3-270m", *, registry: Any = None, device: str | None = None,
             dtype: str | None = None, config: RuntimeConfig | None = None, embedder: Any = None) -> Runtime:
        """Load the base ``model`` once and build the runtime over ``registry`` (default: the plugins)."""
        from react_core.models.loading import load_causal_lm
        from react_core.registry import load_plugins

        registry = registry or load_plugins()
        loaded = load_causal_lm(model, device=device, dtype=dtype, registry=registry)
        return cls(loaded, registry, config=config, embedder=embedder)

    def _adapter_sources(self, extra: dict[str, Path] | None) -> dict[str, Path]:
        sources: dict[str, Path] = {}
        if self.config.cached_adapters:
            from react_core.models.sources import cache_dir

            root = cache_dir() / "adapters"
            if root.is_dir():
                sources.update({p.name: p for p in sorted(root.iterdir()) if (p / "react_adapter.json").is_file()})
        for name, spec in self.registry.domains.items():
            if spec.adapter_path is not None:
                sources[name] = Path(spec.adapter_path)  # a domain's shipped adapter wins over a cached one
        sources.update(extra or {})
        return sources

    # -- adapters ------------------------------------------------------------------------

    @property
    def backend(self) -> Any:
        """The engine, as the ``GenerationBackend`` an agent takes."""
        return self.engine

    def adapters(self) -> list[str]:
        """Installed adapter names (loaded lazily on first use)."""
        return self.store.names()

    def adapter_for(self, domain: str | None, query: str = "") -> str | None:
        """The ``adapter=`` value for ``domain``: its adapter with its fusion policy, a routed
        merge for ``"auto"``, or None (the base) for no domain or a domain without an adapter."""
        if domain is None:
            return None
        if domain == AUTO:
            route = self.route(query)
            method = self.registry.domains[route.top].fusion.merge_method if route.top else "cat"
            return route.adapter_spec(self.store.names(), method=method)
        spec = self.registry.domain(domain)  # KeyError listing the domains
        if domain not in self.store.installed:
            return None
        return AdapterSpec.single(domain, spec.fusion).key()

    # -- routing -------------------------------------------------------------------------

    @property
    def router(self) -> Any:
        """The router over the registered domains (built on first use)."""
        if self._router is None:
            from react_core.routing import Router

            if not self.registry.domains:
                raise LookupError("no domain is installed, so there is nothing to route to; "
                                  "install a domain package or pass --domain NAME")
            self._router = Router.from_domains(
                self.registry.domains.values(), self._embedder, temperature=self.config.router_temperature,
                threshold=self.config.router_threshold, min_share=self.config.router_min_share)
        return self._router

    def route(self, query: str) -> Any:
        """The router's ``Route`` for ``query``."""
        return self.router.route(query)

    # -- lifecycle -----------------------------------------------------------------------

    def describe(self) -> dict[str, Any]:
        """What is loaded: base, adapters installed and in memory, merges, problems, engine stats."""
        return {"base": self.loaded.resolved.as_dict(), "installed": self.store.names(),
                "loaded": self.store.loaded(), "merges": self.store.merges(), "problems": dict(self.problems),
                "engine": self.engine.stats.as_dict()}

    def close(self) -> None:
        self.engine.close()

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
