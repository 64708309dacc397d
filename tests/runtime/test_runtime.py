"""The runtime: base loaded once, domains' adapters installed (wrong base refused), auto routing."""

from __future__ import annotations

from pathlib import Path

import pytest

from react_core import DomainSpec, FusionPolicy, hookimpl, new_registry
from react_core.adapters.testing import random_lora_adapter
from react_core.routing import bag_of_words_embedder
from react_core.runtime import Runtime, RuntimeConfig


@pytest.fixture()
def runtime(tiny_lm_path: Path, adapter_dirs: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("REACT_CACHE_DIR", str(tmp_path / "cache"))
    foreign = random_lora_adapter(tiny_lm_path, tmp_path / "foreign", name="foreign", fingerprint="sha256:other")

    class Plugin:
        @hookimpl
        def react_register_domains(self, register) -> None:
            register(DomainSpec("finance", "stocks shares market earnings", ("is the stock market up",),
                                adapter_path=adapter_dirs["finance"], fusion=FusionPolicy(alpha=0.25)))
            register(DomainSpec("medical", "medicine symptoms disease treatment", ("symptoms of flu",),
                                adapter_path=adapter_dirs["medical"]))
            register(DomainSpec("foreign", "another base entirely", adapter_path=foreign))
            register(DomainSpec("weather", "weather forecast rain sun tomorrow"))

    registry = new_registry([("test-domains", Plugin())], defaults=False)
    rt = Runtime.load(str(tiny_lm_path), registry=registry, dtype="fp32",
                      config=RuntimeConfig(max_batch=4), embedder=bag_of_words_embedder())
    try:
        yield rt
    finally:
        rt.close()


def test_domains_adapters_are_installed_and_foreign_ones_refused(runtime: Runtime) -> None:
    assert runtime.adapters() == ["finance", "medical"]
    assert "was trained on" in runtime.problems["foreign"]
    assert runtime.store.loaded() == []  # nothing loaded until a request needs it


def test_adapter_for_a_domain_follows_its_policy(runtime: Runtime) -> None:
    assert runtime.adapter_for("finance") == "finance;alpha=0.25"
    assert runtime.adapter_for("medical") == "medical"
    assert runtime.adapter_for("weather") is None  # no adapter: the base model answers
    assert runtime.adapter_for(None) is None
    with pytest.raises(KeyError, match="available"):
        runtime.adapter_for("cooking")


def test_auto_routes_to_a_domain_or_the_base(runtime: Runtime) -> None:
    assert runtime.adapter_for("auto", "is the stock market up today") == "finance"
    assert runtime.adapter_for("auto", "what are the symptoms of flu") == "medical"
    assert runtime.adapter_for("auto", "will it rain tomorrow, weather forecast") is None
    assert runtime.adapter_for("auto", "zebra quokka") is None


def test_runtime_engine_generates_with_routed_adapters(runtime: Runtime) -> None:
    for domain in ("finance", "medical", "weather"):
        out = runtime.backend.generate("Thought: I", max_new_tokens=4, adapter=runtime.adapter_for(domain))
        assert out.completion_tokens == 4
    info = runtime.describe()
    assert set(info["loaded"]) == {"finance", "medical"} and info["merges"] == ["finance;alpha=0.25"]
    assert info["engine"]["completed"] == 3


def test_cached_adapters_are_installed_too(tiny_lm_path: Path, adapter_dirs, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REACT_CACHE_DIR", str(tmp_path))
    random_lora_adapter(tiny_lm_path, tmp_path / "adapters" / "mine", name="mine")
    with Runtime.load(str(tiny_lm_path), registry=new_registry(defaults=False), dtype="fp32") as rt:
        assert rt.adapters() == ["mine"]
        with pytest.raises(LookupError, match="no domain"):
            rt.route("anything")


@pytest.mark.parametrize("tokens, hits", [(4096, 1), (0, 0)])
def test_the_prefix_cache_setting_reaches_the_engine(tiny_lm_path: Path, tmp_path: Path, tokens: int, hits: int,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REACT_CACHE_DIR", str(tmp_path))
    prompt = "Thought: I should look the answer up in the knowledge base before I reply.\nAction:"
    with Runtime.load(str(tiny_lm_path), registry=new_registry(defaults=False), dtype="fp32",
                      config=RuntimeConfig(prefix_cache_tokens=tokens)) as rt:
        first = rt.backend.generate(prompt, max_new_tokens=4)
        rt.backend.generate(prompt + first.text + "\nObservation: nothing.\nThought:", max_new_tokens=4)
        assert rt.describe()["engine"]["prefix_hits"] == hits
