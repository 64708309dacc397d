"""Pick the device and dtype: CUDA + bf16 when present; on CPU bf16 where supported."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

import torch

_DTYPES = {
    "bf16": torch.bfloat16, "bfloat16": torch.bfloat16,
    "fp16": torch.float16, "float16": torch.float16,
    "fp32": torch.float32, "float32": torch.float32,
}


@dataclass(frozen=True)
class DeviceChoice:
    device: str
    dtype: torch.dtype
    reason: str

    @property
    def dtype_name(self) -> str:
        return str(self.dtype).removeprefix("torch.")


@lru_cache(maxsize=1)
def cpu_supports_bf16() -> bool:
    """True when the CPU has native bf16 arithmetic (AVX512-BF16 or AMX), where bf16 is fast."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            flags = fh.read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def parse_dtype(name: str) -> torch.dtype:
    try:
        return _DTYPES[name.lower()]
    except KeyError:
        raise ValueError(f"unknown dtype {name!r}; use one of bf16, fp16, fp32") from None


def choose_device(device: str | None = None, dtype: str | torch.dtype | None = None) -> DeviceChoice:
    """The device and dtype to run on; arguments, then REACT_DEVICE / REACT_DTYPE, override."""
    device = device or os.environ.get("REACT_DEVICE") or None
    dtype = dtype or os.environ.get("REACT_DTYPE") or None
    if device is None:
        device = "cuda" if torch.cuda.is_available() else "cpu"
        reason = "CUDA available" if device == "cuda" else "no CUDA device"
    else:
        reason = "set by the user"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} was asked for but torch sees no CUDA device; use --device cpu")
    if dtype is not None:
        chosen = parse_dtype(dtype) if isinstance(dtype, str) else dtype
        return DeviceChoice(device, chosen, reason + "; dtype set by the user")
    if device.startswith("cuda"):
        bf16 = torch.cuda.is_bf16_supported()
        return DeviceChoice(device, torch.bfloat16 if bf16 else torch.float16, reason + ("; bf16" if bf16 else "; no bf16, fp16"))
    if device == "cpu" and cpu_supports_bf16():
        return DeviceChoice(device, torch.bfloat16, reason + "; CPU has native bf16")
    return DeviceChoice(device, torch.float32, reason + "; no native bf16 on this processor")
