"""Runtime fixtures: tiny random adapters on the tiny base, stores and engines over them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

ADAPTERS = {"finance": 1, "medical": 2, "travel": 3}


@pytest.fixture(scope="session")
def adapter_dirs(tiny_lm_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Three random rank-4 adapters for the tiny base, plus ``legal`` with rank 2."""
    from react_core.adapters.testing import random_lora_adapter

    root = tmp_path_factory.mktemp("adapters")
    dirs = {name: random_lora_adapter(tiny_lm_path, root / name, name=name, seed=seed)
            for name, seed in ADAPTERS.items()}
    dirs["legal"] = random_lora_adapter(tiny_lm_path, root / "legal", name="legal", seed=4, rank=2)
    return dirs


@pytest.fixture(scope="session")
def fingerprint(tiny_lm_path: Path) -> str:
    from react_core.models.sources import local_fingerprint

    return local_fingerprint(tiny_lm_path)


@pytest.fixture()
def base_model(tiny_lm_path: Path):
    """A fresh fp32 copy of the tiny base (the store wraps it in PEFT in place)."""
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(tiny_lm_path).eval()


@pytest.fixture()
def store(base_model, adapter_dirs: dict[str, Path], fingerprint: str):
    from react_core.adapters.store import AdapterStore

    s = AdapterStore(base_model, fingerprint=fingerprint, base_name="tiny")
    for name, path in adapter_dirs.items():
        s.install(name, path)
    return s


@pytest.fixture()
def make_engine(store, tiny_lm) -> Iterator:
    """``make_engine(**options)``: an engine over ``store`` (max_batch 8, max_queue 16 unless
    given), closed at teardown."""
    from react_core.engine.engine import Engine

    made: list[Engine] = []

    def make(**options):
        made.append(Engine(store.base_model, tiny_lm[1], store=store, **{"max_batch": 8, "max_queue": 16, **options}))
        return made[-1]

    try:
        yield make
    finally:
        for eng in made:
            eng.close()


@pytest.fixture()
def engine(make_engine):
    return make_engine()
