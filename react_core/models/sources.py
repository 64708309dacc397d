"""Resolve a model name to something transformers or sentence-transformers can load.

Order: a registered model source (the packaged defaults are sources too), then a local
directory, then a Hugging Face hub id. Nothing here touches the network.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from react_core.registry import Registry

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.\-]*/[\w.\-]+$")


class ModelNotFoundError(LookupError):
    """A model name resolved to nothing that can be loaded offline."""


@dataclass(frozen=True)
class ResolvedModel:
    """A loadable model: ``path`` is a local directory or a hub id."""

    name: str
    path: str
    kind: str  # "causal-lm" or "embedder"
    fingerprint: str
    source: str
    load_kwargs: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "path": self.path, "kind": self.kind,
                "fingerprint": self.fingerprint, "source": self.source}


@runtime_checkable
class ModelSource(Protocol):
    """A named model the core can resolve offline (register it with ``react_register_model_sources``)."""

    name: str
    kind: str
    description: str
    aliases: tuple[str, ...]

    def resolve(self, cache_dir: Path) -> ResolvedModel:
        """Make the model loadable (convert, unpack, ...) and say where it is."""
        ...


def cache_dir() -> Path:
    """Where converted models and other caches live: ``REACT_CACHE_DIR`` or the user cache."""
    root = os.environ.get("REACT_CACHE_DIR")
    if root:
        return Path(root).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "react-core"


def local_fingerprint(path: Path) -> str:
    """A stable fingerprint of a local model directory: its config and weight files' headers."""
    digest = hashlib.sha256()
    for file in sorted(path.iterdir()):
        if file.name == "config.json" or file.suffix in {".safetensors", ".bin", ".gguf"}:
            digest.update(file.name.encode())
            digest.update(str(file.stat().st_size).encode())
            with file.open("rb") as fh:
                digest.update(fh.read(1 << 20))
    return "sha256:" + digest.hexdigest()


def find_source(name: str, registry: Registry) -> ModelSource | None:
    for source in registry.model_sources.values():
        if name == source.name or name in getattr(source, "aliases", ()):
            return source
    return None


def resolve_model(name: str, *, kind: str = "causal-lm", registry: Registry | None = None,
                  cache: Path | None = None) -> ResolvedModel:
    """Resolve ``name`` (a source name, a local directory or a hub id) without the network."""
    if registry is None:
        from react_core.registry import load_plugins

        registry = load_plugins()
    source = find_source(name, registry)
    if source is not None:
        return source.resolve(cache or cache_dir())
    path = Path(name).expanduser()
    if path.is_dir():
        if not (path / "config.json").exists() and not (path / "modules.json").exists():
            raise ModelNotFoundError(f"{path} is a directory but holds no config.json: not a model directory")
        return ResolvedModel(name=name, path=str(path.resolve()), kind=kind,
                             fingerprint=local_fingerprint(path), source="local directory")
    if _HUB_ID.match(name):
        cached = _hub_cached(name)
        if cached or not _offline():
            return ResolvedModel(name=name, path=name, kind=kind, fingerprint=f"hf:{name}",
                                 source="hub cache" if cached else "hub (needs network)")
    available = sorted(
        f"{s.name} ({s.kind})" for s in registry.model_sources.values()
    )
    raise ModelNotFoundError(
        f"cannot resolve model {name!r} offline. Available sources: {', '.join(available) or 'none'}. "
        "Pass a local model directory, a hub id already in the Hugging Face cache, or register "
        "a source with the react_register_model_sources hook (see CONTRIBUTING.md)."
    )


def _offline() -> bool:
    flags = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "REACT_OFFLINE")
    return any(os.environ.get(f, "").lower() in {"1", "true", "yes"} for f in flags)


def _hub_cached(repo_id: str) -> bool:
    try:
        from huggingface_hub import try_to_load_from_cache

        for filename in ("config.json", "modules.json"):
            hit = try_to_load_from_cache(repo_id, filename)
            if isinstance(hit, str):
                return True
    except Exception:  # noqa: BLE001 - a broken cache is simply not a hit
        return False
    return False
