"""Convert a GGUF checkpoint once into a cached bf16 safetensors model directory.

transformers dequantizes GGUF tensors on load (about 40 s for Gemma 3 270M on two cores);
after the one conversion a load from the cached directory takes a few seconds. The
conversion holds a file lock, so two processes starting at once convert once, and the
directory appears atomically with a ``react_model.json`` that records the GGUF's sha256.
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock

from react_core.atomic import atomic_directory, write_json_atomic

log = logging.getLogger(__name__)

MARKER = "react_model.json"


def cached_model_dir(cache: Path, name: str, sha256: str) -> Path:
    return cache / "models" / f"{name}-{sha256[:12]}"


def is_complete(directory: Path) -> bool:
    return (directory / MARKER).is_file() and (directory / "config.json").is_file()


def ensure_converted(target: Path, fetch_gguf: Callable[[Path], Path], *, sha256: str, name: str) -> Path:
    """Make ``target`` hold the converted model, fetching the GGUF into a temporary folder first.

    Safe to call from several processes: the first converts under a file lock, the others
    wait for it and find the finished directory.
    """
    if is_complete(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target) + ".lock"):
        if not is_complete(target):
            with tempfile.TemporaryDirectory(dir=target.parent, prefix=".gguf-") as tmp:
                convert_gguf(fetch_gguf(Path(tmp)), target, sha256=sha256, name=name)
    return target


def convert_gguf(gguf_path: Path, target: Path, *, sha256: str, name: str, dtype: str = "bfloat16") -> Path:
    """Dequantize ``gguf_path`` into ``target`` (safetensors + config + tokenizer), atomically.

    Callers hold the lock (see ``ensure_converted``).
    """
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    log.info("converting %s to %s (once; this takes about a minute)", gguf_path.name, target)
    folder, filename = str(gguf_path.parent), gguf_path.name
    torch_dtype = getattr(torch, dtype)
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=filename)
    loaded = AutoModelForCausalLM.from_pretrained(folder, gguf_file=filename, dtype=torch_dtype, **_dequantized())
    # The GGUF loader marks the model as quantized, which save_pretrained refuses; the
    # tensors are already dequantized, so move them into a plain model of the same config.
    config_dict = loaded.config.to_dict()
    config_dict.pop("quantization_config", None)
    config_dict.pop("_name_or_path", None)
    config = AutoConfig.for_model(**config_dict)
    with torch.device("meta"):
        plain = AutoModelForCausalLM.from_config(config, dtype=torch_dtype)
    plain.load_state_dict({k: v.to(torch_dtype) for k, v in loaded.state_dict().items()}, assign=True)
    plain.tie_weights()
    with atomic_directory(target) as staging:
        plain.save_pretrained(staging, safe_serialization=True)
        tokenizer.save_pretrained(staging)
        write_json_atomic(staging / MARKER, {"name": name, "gguf_sha256": sha256,
                                              "gguf_file": gguf_path.name, "dtype": dtype})
    return target


def read_marker(directory: Path) -> dict:
    return json.loads((directory / MARKER).read_text(encoding="utf-8"))


def _dequantized() -> dict:
    """Loading options that unpack every GGUF weight into a dense tensor.

    From transformers 5.25 the GGUF loader keeps quantized weights packed wherever the
    ``kernels`` package has a matmul kernel for the device; the conversion needs dense weights.
    Older versions always dequantize and have no such option.
    """
    import inspect

    try:
        from transformers import GgufConfig
    except ImportError:
        return {}
    if "dequantize" not in inspect.signature(GgufConfig).parameters:
        return {}
    return {"quantization_config": GgufConfig(dequantize=True)}
