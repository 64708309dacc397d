"""The adapter store: every installed adapter known, the ones in use loaded onto one base.

The store owns a ``peft.PeftModel`` wrapped around the single base model. Adapters are
*installed* by directory (their manifest is checked against the base fingerprint at once),
*loaded* lazily on first use, and evicted least-recently-used beyond ``max_loaded``.
Runtime merges are cached by their spec (names, rounded weights, method) and evicted the
same way beyond ``max_merges``. Nothing here selects an adapter globally: callers get
PEFT adapter names to pass per row (``adapter_names=``) to the model's forward.

The store is not thread-safe: the engine's worker thread owns it (and the model).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from react_core.adapters.manifest import AdapterError, AdapterManifest, check_base, read_manifest
from react_core.adapters.spec import AdapterSpec

log = logging.getLogger(__name__)

BASE_ROW = "__base__"  # PEFT's name for "no adapter" in a mixed batch


class UnknownAdapterError(AdapterError, KeyError):
    """A request named an adapter that is not installed; the message lists the installed ones."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class InstalledAdapter:
    """An adapter the store may load: its name, directory and manifest."""

    name: str
    path: Path
    manifest: AdapterManifest


@dataclass(frozen=True)
class Selection:
    """How to run one request: a PEFT adapter name per batch row, and the logit mix.

    One row normally; two rows (base, domain) for a logit-space fusion, whose next-token
    logits are ``alpha * logits[0] + (1 - alpha) * logits[1]``.
    """

    rows: tuple[str, ...]
    logit_alpha: float | None = None


class AdapterStore:
    """Installed adapters for one base model; loads, merges and evicts them on demand."""

    def __init__(self, base_model: Any, *, fingerprint: str, base_name: str = "",
                 max_loaded: int = 8, max_merges: int = 8) -> None:
        if max_loaded < 1 or max_merges < 1:
            raise ValueError("max_loaded and max_merges must be at least 1")
        self.base_model = base_model
        self.fingerprint = fingerprint
        self.base_name = base_name
        self.max_loaded = max_loaded
        self.max_merges = max_merges
        self.peft_model: Any | None = None
        self.installed: dict[str, InstalledAdapter] = {}
        self._loaded: OrderedDict[str, None] = OrderedDict()  # LRU order, oldest first
        self._merges: OrderedDict[str, str] = OrderedDict()  # spec key -> PEFT adapter name
        self._pins: dict[str, int] = {}
        self.revision = 0  # grows when weights a PEFT name stands for may change (install, delete)
        self.timings: dict[str, list[float]] = {"load": [], "merge": []}

    # -- installing ----------------------------------------------------------------------

    def install(self, name: str, path: Path) -> InstalledAdapter:
        """Make the adapter at ``path`` available as ``name``; refuse one made for another base."""
        if name == BASE_ROW or "=" in name or "+" in name or ";" in name:
            raise AdapterError(f"adapter name {name!r} is reserved or contains one of = + ;")
        manifest = read_manifest(Path(path))
        check_base(manifest, self.fingerprint, base_name=self.base_name)
        if name in self._loaded:
            self._delete(name)
            self._loaded.pop(name)
        adapter = InstalledAdapter(name=name, path=Path(path), manifest=manifest)
        self.revision += 1
        self.installed[name] = adapter
        return adapter

    def names(self) -> list[str]:
        return sorted(self.installed)

    def loaded(self) -> list[str]:
        """Adapters in memory now, least recently used first."""
        return list(self._loaded)

    def merges(self) -> list[str]:
        """Cached merges (spec keys), least recently used first."""
        return list(self._merges)

    @property
    def model(self) -> Any:
        """The model to run: the PeftModel once an adapter is loaded, else the bare base."""
        return self.peft_model if self.peft_model is not None else self.base_model

    # -- validation (cheap, no model access) --------------------------------------------

    def check(self, spec: AdapterSpec) -> None:
        """Raise ``UnknownAdapterError`` if ``spec`` names an adapter that is not installed."""
        missing = [n for n in spec.names if n not in self.installed]
        if missing:
            raise UnknownAdapterError(
                f"unknown adapter(s) {', '.join(missing)}; installed: {', '.join(self.names()) or 'none'}"
                f" (loaded: {', '.join(self.loaded()) or 'none'}). Install a domain that ships one, "
                "or train one with `react train DOMAIN`."
            )

    # -- resolving -----------------------------------------------------------------------

    def select(self, spec: AdapterSpec) -> Selection:
        """Load or merge what ``spec`` needs and say which PEFT adapter each row uses."""
        self.check(spec)
        if spec.is_base:
            return Selection(rows=(BASE_ROW,))
        if spec.space == "logit" and spec.alpha > 0.0:
            domain = self._adapter_for(spec.domain_part())
            return Selection(rows=(BASE_ROW, domain), logit_alpha=spec.alpha)
        return Selection(rows=(self._adapter_for(spec),))

    def _adapter_for(self, spec: AdapterSpec) -> str:
        """A PEFT adapter whose delta is (1 - alpha) * merge(weights): the plain one or a merge."""
        if spec.is_plain:
            return self.ensure_loaded(spec.names[0])
        scale = 1.0 - spec.alpha if spec.space == "weight" else 1.0
        weights = {n: w * scale for n, w in spec.weights}
        return self.merge(weights, method=spec.method, density=spec.density, key=spec.key())

    def ensure_loaded(self, name: str) -> str:
        """Load adapter ``name`` if needed (evicting the least recently used); return its PEFT name."""
        if name not in self.installed:
            self.check(AdapterSpec(weights=((name, 1.0),)))
        if name in self._loaded:
            self._loaded.move_to_end(name)
            self._evict(self._loaded, self.max_loaded, keep=name)  # pins may have held it over the cap
            return name
        start = time.perf_counter()
        path = str(self.installed[name].path)
        if self.peft_model is None:
            from peft import PeftModel

            self.peft_model = PeftModel.from_pretrained(self.base_model, path, adapter_name=name,
                                                        is_trainable=False)
            self.peft_model.eval()
        else:
            self.peft_model.load_adapter(path, adapter_name=name, is_trainable=False)
        self._loaded[name] = None
        self.timings["load"].append(time.perf_counter() - start)
        self._evict(self._loaded, self.max_loaded, keep=name)
        return name

    def merge(self, weights: dict[str, float], *, method: str = "cat", density: float = 0.5,
              key: str | None = None) -> str:
        """A cached PEFT adapter whose delta merges ``weights`` by ``method``; return its name.

        ``cat`` is exact: the merged delta is sum_i w_i * dW_i (rank = sum of ranks). ``svd``
        takes the weighted sum of deltas and truncates it to the largest source rank.
        ``ties`` and ``dare_ties`` are PEFT's, applied to the A and B factors (same ranks
        required); ``dare_ties`` drops at random, with a fixed seed here so a merge repeats.
        """
        key = key or AdapterSpec.merge(weights, method=method, density=density).key()
        if key in self._merges:
            self._merges.move_to_end(key)
            return self._merges[key]
        names = list(weights)
        for n in names:
            self.pin(n)
        try:
            for n in names:
                self.ensure_loaded(n)
            import torch

            start = time.perf_counter()
            merged = "merge-" + hashlib.sha1(key.encode()).hexdigest()[:12]
            kwargs: dict[str, Any] = {}
            if method in ("ties", "dare_ties"):
                kwargs["density"] = density
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(0)
                self.peft_model.add_weighted_adapter(names, [weights[n] for n in names], merged,
                                                     combination_type=method, **kwargs)
            self.timings["merge"].append(time.perf_counter() - start)
        finally:
            for n in names:
                self.unpin(n)
        self._merges[key] = merged
        self._evict(self._merges, self.max_merges, keep=key)
        return merged

    # -- pinning and eviction ------------------------------------------------------------

    def pin(self, peft_name: str) -> None:
        """Keep ``peft_name`` (an adapter or a merge) in memory while a request uses it."""
        self._pins[peft_name] = self._pins.get(peft_name, 0) + 1

    def unpin(self, peft_name: str) -> None:
        count = self._pins.get(peft_name, 0) - 1
        if count <= 0:
            self._pins.pop(peft_name, None)
        else:
            self._pins[peft_name] = count

    def _evict(self, lru: OrderedDict[str, Any], cap: int, *, keep: str) -> None:
        for entry in list(lru):
            if len(lru) <= cap:
                return
            peft_name = lru[entry] if lru is self._merges else entry
            if entry == keep or self._pins.get(peft_name):
                continue
            log.info("evicting adapter %s (least recently used)", entry)
            self._delete(peft_name)
            del lru[entry]

    def _delete(self, peft_name: str) -> None:
        self.revision += 1
        if self.peft_model is not None and peft_name in self.peft_model.peft_config:
            self.peft_model.delete_adapter(peft_name)

    def unload(self, name: str) -> None:
        """Remove a loaded adapter or cached merge (by adapter name or merge key) from memory."""
        if name in self._loaded:
            self._delete(name)
            del self._loaded[name]
        elif name in self._merges:
            self._delete(self._merges.pop(name))

    def memory_bytes(self) -> dict[str, int]:
        """Bytes of LoRA weights held per loaded adapter or merge (PEFT name)."""
        sizes: dict[str, int] = {}
        if self.peft_model is None:
            return sizes
        names = set(self.peft_model.peft_config)
        for pname, param in self.peft_model.named_parameters():
            parts = pname.split(".")
            for n in names:
                if n in parts:
                    sizes[n] = sizes.get(n, 0) + param.numel() * param.element_size()
        return sizes
