"""The adapter store: base checks, lazy loading, LRU eviction, pins, clear errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from react_core.adapters.manifest import MANIFEST, AdapterError
from react_core.adapters.spec import AdapterSpec
from react_core.adapters.store import AdapterStore, UnknownAdapterError


def test_adapters_load_lazily(store) -> None:
    assert store.peft_model is None and store.loaded() == []
    assert store.select(AdapterSpec.parse("base")).rows == ("__base__",)
    assert store.peft_model is None  # the base alone needs no PEFT wrapper
    assert store.select(AdapterSpec.parse("medical")).rows == ("medical",)
    assert store.loaded() == ["medical"]


def test_least_recently_used_adapter_is_evicted(base_model, adapter_dirs, fingerprint) -> None:
    store = AdapterStore(base_model, fingerprint=fingerprint, max_loaded=2)
    for name in ("finance", "medical", "travel"):
        store.install(name, adapter_dirs[name])
    store.ensure_loaded("finance")
    store.ensure_loaded("medical")
    store.ensure_loaded("finance")  # finance is now the most recent
    store.ensure_loaded("travel")
    assert store.loaded() == ["finance", "travel"]
    assert "medical" not in store.peft_model.peft_config


def test_pinned_adapters_are_not_evicted(base_model, adapter_dirs, fingerprint) -> None:
    store = AdapterStore(base_model, fingerprint=fingerprint, max_loaded=1)
    for name in ("finance", "medical"):
        store.install(name, adapter_dirs[name])
    store.ensure_loaded("finance")
    store.pin("finance")
    store.ensure_loaded("medical")
    assert set(store.loaded()) == {"finance", "medical"}  # over the cap while finance is in use
    store.unpin("finance")
    store.ensure_loaded("medical")
    assert store.loaded() == ["medical"]


def test_merge_cache_is_bounded(base_model, adapter_dirs, fingerprint) -> None:
    store = AdapterStore(base_model, fingerprint=fingerprint, max_merges=2)
    for name in ("finance", "medical"):
        store.install(name, adapter_dirs[name])
    for w in (0.2, 0.4, 0.6):
        store.select(AdapterSpec.merge({"finance": w, "medical": 1 - w}))
    assert store.merges() == ["finance=0.4+medical=0.6", "finance=0.6+medical=0.4"]
    assert len([n for n in store.peft_model.peft_config if n.startswith("merge-")]) == 2


def test_adapter_for_another_base_is_refused(base_model, adapter_dirs, tmp_path: Path) -> None:
    store = AdapterStore(base_model, fingerprint="sha256:another-base", base_name="other")
    with pytest.raises(AdapterError, match="was trained on"):
        store.install("finance", adapter_dirs["finance"])
    assert store.names() == []


def test_directory_without_manifest_is_refused(store, adapter_dirs, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(adapter_dirs["finance"], broken)
    (broken / MANIFEST).unlink()
    with pytest.raises(AdapterError, match="react train"):
        store.install("broken", broken)


def test_manifest_is_read_from_the_directory(store, adapter_dirs) -> None:
    data = json.loads((adapter_dirs["legal"] / MANIFEST).read_text())
    assert store.installed["legal"].manifest.rank == data["rank"] == 2


def test_unknown_adapter_lists_the_installed_ones(store) -> None:
    store.ensure_loaded("finance")
    with pytest.raises(UnknownAdapterError) as info:
        store.select(AdapterSpec.parse("finance=0.5+cooking=0.5"))
    message = str(info.value)
    assert "cooking" in message and "installed: finance, legal, medical, travel" in message
    assert "loaded: finance" in message


def test_reserved_names_are_refused(store, adapter_dirs) -> None:
    with pytest.raises(AdapterError, match="reserved"):
        store.install("__base__", adapter_dirs["finance"])


def test_memory_is_reported_per_adapter(store) -> None:
    store.ensure_loaded("finance")
    store.ensure_loaded("legal")
    sizes = store.memory_bytes()
    assert sizes["finance"] == 2 * sizes["legal"] > 0  # rank 4 vs rank 2
