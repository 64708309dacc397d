"""Plugin discovery and registration.

``load_plugins()`` loads the installed plugins (entry-point group ``react_core``), then the
built-in defaults, which are plugins like any other. Each plugin is loaded and called on
its own: one that fails to import or registers something invalid is recorded with its
error and skipped, while the others keep working.

Environment:
  REACT_LOAD_PLUGINS=a,b   load only these installed plugins (empty: none); built-ins always load
  REACT_STRICT_PLUGINS=1   raise on the first broken plugin instead of skipping it
  REACT_TRACE_PLUGINS=1    print every hook call to stderr
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pluggy

from react_core import hookspecs
from react_core.domain import DomainSpec

ENTRY_POINT_GROUP = "react_core"

#: Built-in plugins, registered after the installed ones (module paths).
DEFAULT_PLUGINS: tuple[str, ...] = (
    "react_core.models.builtin",
    "react_core.agent.plugin",
    "react_core.retrieval.plugin",
    "react_core.training.plugin",
    "react_core.serving.plugin",
    "react_core.report.plugin",
)

# Hooks whose registrations are collected (the commands hook receives the app instead).
_COLLECTED = ("domains", "tools", "model_sources", "backends")


class PluginError(RuntimeError):
    """A plugin could not be loaded or registered something invalid."""


@dataclass
class PluginRecord:
    """What one plugin is and what it registered; ``status`` is ``ok`` or ``error``."""

    name: str
    version: str = ""
    builtin: bool = False
    status: str = "ok"
    error: str | None = None
    hooks: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    tools: list[str] = field(default_factory=list)
    model_sources: list[str] = field(default_factory=list)
    backends: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "builtin": self.builtin,
            "status": self.status,
            "error": self.error,
            "hooks": list(self.hooks),
            "domains": list(self.domains),
            "tools": list(self.tools),
            "model_sources": list(self.model_sources),
            "backends": list(self.backends),
        }


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _selected_plugins() -> set[str] | None:
    raw = os.environ.get("REACT_LOAD_PLUGINS")
    if raw is None:
        return None
    return {p.strip() for p in raw.split(",") if p.strip()}


def _validate(kind: str, item: Any) -> str:
    """Check one registered item and return its name; raise ``ValueError`` if invalid."""
    if kind == "domains":
        if not isinstance(item, DomainSpec):
            raise ValueError(f"register() for domains takes a DomainSpec, got {type(item).__name__}")
        item.validate()
        return item.name
    if kind == "tools":
        name = getattr(item, "name", None)
        if not isinstance(name, str) or not name or not callable(item):
            raise ValueError(f"a tool needs a non-empty str `name` and must be callable, got {item!r}")
        return name
    if kind == "model_sources":
        name = getattr(item, "name", None)
        if not isinstance(name, str) or not name or not callable(getattr(item, "resolve", None)):
            raise ValueError(f"a model source needs a `name` and a `resolve(cache_dir)` method, got {item!r}")
        return name
    if kind == "backends":
        name, factory = item
        if not isinstance(name, str) or not name or not callable(factory):
            raise ValueError(f"register(name, factory) for backends needs a name and a callable, got {item!r}")
        return name
    raise AssertionError(kind)  # pragma: no cover


class Registry:
    """The plugins of one process (or one test): their records and what they registered."""

    def __init__(self, *, strict: bool | None = None, trace: bool | None = None) -> None:
        self.strict = _env_flag("REACT_STRICT_PLUGINS") if strict is None else strict
        self.trace = _env_flag("REACT_TRACE_PLUGINS") if trace is None else trace
        self.pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs)
        if self.trace:
            self.pm.trace.root.setwriter(lambda msg: print(msg, end="", file=sys.stderr))
            self.pm.enable_tracing()
        self.records: dict[str, PluginRecord] = {}
        self.domains: dict[str, DomainSpec] = {}
        self.tools: dict[str, Any] = {}
        self.model_sources: dict[str, Any] = {}
        self.backends: dict[str, Callable[..., Any]] = {}

    # -- loading -------------------------------------------------------------------------

    def load_entry_points(self, group: str = ENTRY_POINT_GROUP) -> None:
        """Load every installed plugin of ``group`` (filtered by REACT_LOAD_PLUGINS)."""
        selected = _selected_plugins()
        for ep in sorted(metadata.entry_points(group=group), key=lambda e: e.name):
            if selected is not None and ep.name not in selected:
                continue
            if ep.name in self.records:
                continue
            version = ep.dist.version if ep.dist is not None else ""
            try:
                plugin = ep.load()
            except Exception as exc:  # noqa: BLE001 - any import failure is reported
                self._fail(PluginRecord(name=ep.name, version=version), exc, stage="import")
                continue
            self.add(plugin, name=ep.name, version=version)

    def load_defaults(self) -> None:
        for module_name in DEFAULT_PLUGINS:
            if module_name in self.records:
                continue
            module = importlib.import_module(module_name)
            self.add(module, name=module_name, version=_core_version(), builtin=True)

    def add(self, plugin: object, *, name: str, version: str = "", builtin: bool = False) -> PluginRecord:
        """Register one plugin object and collect what it registers (guarded)."""
        record = PluginRecord(name=name, version=version, builtin=builtin)
        try:
            self.pm.register(plugin, name=name)
        except Exception as exc:  # noqa: BLE001 - e.g. registered twice, bad hook signature
            return self._fail(record, exc, stage="register")
        record.hooks = sorted(
            hc.name for hc in self.pm.get_hookcallers(plugin) or [] if hc.name in hookspecs.HOOK_NAMES
        )
        collected: dict[str, list[tuple[str, Any]]] = {kind: [] for kind in _COLLECTED}
        try:
            self.pm.check_pending()  # a hook whose name matches no spec is an error
            for kind in _COLLECTED:
                for impl in getattr(self.pm.hook, f"react_register_{kind}").get_hookimpls():
                    if impl.plugin is plugin:
                        self._call_impl(impl, kind, collected[kind])
            self._check_clashes(collected)
        except Exception as exc:  # noqa: BLE001 - plugin code raised or registered bad data
            self.pm.unregister(plugin)
            return self._fail(record, exc, stage="register")
        for kind, items in collected.items():
            target = getattr(self, kind)
            for item_name, item in items:
                target[item_name] = item[1] if kind == "backends" else item
            setattr(record, kind, [n for n, _ in items])
        self.records[name] = record
        return record

    def _call_impl(self, impl: pluggy.HookImpl, kind: str, out: list[tuple[str, Any]]) -> None:
        def register(*args: Any) -> None:
            item = args if kind == "backends" else args[0]
            if kind != "backends" and len(args) != 1:
                raise TypeError(f"register() for {kind} takes one argument, got {len(args)}")
            out.append((_validate(kind, item), item))

        if self.trace:
            print(f"[react-core] {impl.plugin_name}.react_register_{kind}()", file=sys.stderr)
        impl.function(register=register)

    def _check_clashes(self, collected: dict[str, list[tuple[str, Any]]]) -> None:
        for kind, items in collected.items():
            existing = getattr(self, kind)
            seen: set[str] = set()
            for item_name, _ in items:
                if item_name in existing or item_name in seen:
                    owner = next(
                        (r.name for r in self.records.values() if item_name in getattr(r, kind)), "this plugin"
                    )
                    raise ValueError(f"{kind[:-1].replace('_', ' ')} {item_name!r} is already registered by {owner}")
                seen.add(item_name)

    def _fail(self, record: PluginRecord, exc: BaseException, *, stage: str) -> PluginRecord:
        record.status = "error"
        record.error = f"{stage} failed: {type(exc).__name__}: {exc}"
        self.records[record.name] = record
        if self.strict:
            raise PluginError(f"plugin {record.name!r}: {record.error}") from exc
        return record

    # -- use -----------------------------------------------------------------------------

    def register_commands(self, app: Any) -> None:
        """Let every loaded plugin add its commands to ``app`` (guarded per plugin)."""
        for impl in self.pm.hook.react_register_commands.get_hookimpls():
            try:
                if self.trace:
                    print(f"[react-core] {impl.plugin_name}.react_register_commands()", file=sys.stderr)
                impl.function(app=app)
            except Exception as exc:  # noqa: BLE001
                record = self.records.get(impl.plugin_name) or PluginRecord(name=impl.plugin_name)
                self._fail(record, exc, stage="commands")

    def domain(self, name: str) -> DomainSpec:
        """The registered domain ``name``, or a ``KeyError`` that lists the available ones."""
        try:
            return self.domains[name]
        except KeyError:
            available = ", ".join(sorted(self.domains)) or "none installed"
            raise KeyError(
                f"unknown domain {name!r}; available: {available}. "
                "Install a domain package (pip install -e domains/NAME) or check `react plugins`."
            ) from None

    def errors(self) -> list[PluginRecord]:
        return [r for r in self.records.values() if r.status != "ok"]

    def as_list(self) -> list[dict[str, Any]]:
        return [r.as_dict() for r in self.records.values()]


def _core_version() -> str:
    try:
        return metadata.version("react-core")
    except metadata.PackageNotFoundError:  # running from a source tree
        return "0+source"


_default: Registry | None = None
_lock = threading.Lock()


def load_plugins(*, reload: bool = False) -> Registry:
    """Load the installed plugins and the built-ins once; later calls return the same registry."""
    global _default
    with _lock:
        if _default is None or reload:
            registry = Registry()
            registry.load_entry_points()
            registry.load_defaults()
            _default = registry
        return _default


def new_registry(plugins: Iterable[tuple[str, object]] = (), *, entry_points: bool = False,
                 defaults: bool = True, strict: bool | None = None) -> Registry:
    """A fresh registry (for tests and embedding) with the given ``(name, plugin)`` pairs."""
    registry = Registry(strict=strict)
    if entry_points:
        registry.load_entry_points()
    for name, plugin in plugins:
        registry.add(plugin, name=name)
    if defaults:
        registry.load_defaults()
    return registry
