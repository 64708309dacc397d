"""Adapters: manifests, specs, the store (lazy loading, LRU), runtime merges and alpha fusion."""

from react_core.adapters.manifest import AdapterError, AdapterManifest, check_base, read_manifest, save_adapter
from react_core.adapters.policy import FusionPolicy
from react_core.adapters.spec import AdapterSpec, AdapterSpecError
from react_core.adapters.store import AdapterStore, Selection, UnknownAdapterError

__all__ = [
    "AdapterError",
    "AdapterManifest",
    "AdapterSpec",
    "AdapterSpecError",
    "AdapterStore",
    "FusionPolicy",
    "Selection",
    "UnknownAdapterError",
    "check_base",
    "read_manifest",
    "save_adapter",
]
