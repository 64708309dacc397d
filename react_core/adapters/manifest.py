"""Adapter manifests: which base model an adapter was trained on, and how.

An adapter directory holds PEFT's files (``adapter_config.json``,
``adapter_model.safetensors``) and ``react_adapter.json``, this manifest. Loading an
adapter onto a base whose fingerprint differs from the manifest's is refused.
"""

from __future__ import annotations

import json
import platform
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from react_core.atomic import atomic_directory, write_json_atomic

MANIFEST = "react_adapter.json"
FORMAT = 1


class AdapterError(ValueError):
    """An adapter directory is missing, malformed, or made for another base model."""


@dataclass
class AdapterManifest:
    """What an adapter is: base model and fingerprint, LoRA settings, data and results."""

    name: str
    base_model: str
    base_fingerprint: str
    rank: int
    alpha: float
    target_modules: list[str]
    data_hash: str = ""
    metrics: dict[str, float] = field(default_factory=dict)
    hardware: str = field(default_factory=lambda: f"{platform.machine()} {platform.processor() or ''}".strip())
    train_seconds: float = 0.0
    created: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    extra: dict[str, Any] = field(default_factory=dict)
    format: int = FORMAT

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, where: str = "manifest") -> AdapterManifest:
        known = {f for f in cls.__dataclass_fields__}
        missing = [k for k in ("name", "base_model", "base_fingerprint", "rank", "alpha", "target_modules")
                   if k not in data]
        if missing:
            raise AdapterError(f"{where} lacks {', '.join(missing)}; was it written by `react train`?")
        if data.get("format", FORMAT) > FORMAT:
            raise AdapterError(f"{where} has format {data['format']}; upgrade react-core to read it")
        return cls(**{k: v for k, v in data.items() if k in known})


def read_manifest(adapter_dir: Path) -> AdapterManifest:
    """The manifest of ``adapter_dir``, or an ``AdapterError`` saying what is wrong."""
    adapter_dir = Path(adapter_dir)
    path = adapter_dir / MANIFEST
    if not adapter_dir.is_dir():
        raise AdapterError(f"adapter directory {adapter_dir} does not exist")
    if not path.is_file():
        raise AdapterError(f"{adapter_dir} has no {MANIFEST}: not an adapter made by `react train`")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise AdapterError(f"{path} is not valid JSON (line {exc.lineno}): {exc.msg}") from exc
    return AdapterManifest.from_dict(data, where=str(path))


def check_base(manifest: AdapterManifest, fingerprint: str, *, base_name: str = "") -> None:
    """Refuse an adapter trained on another base model."""
    if manifest.base_fingerprint != fingerprint:
        raise AdapterError(
            f"adapter {manifest.name!r} was trained on {manifest.base_model} "
            f"(fingerprint {manifest.base_fingerprint[:32]}), but the loaded base "
            f"{base_name or ''} has fingerprint {fingerprint[:32]}. Load it with --model {manifest.base_model} "
            "or retrain it on this base with `react train`."
        )


def save_adapter(peft_model: Any, target: Path, manifest: AdapterManifest, *, adapter_name: str = "default") -> Path:
    """Write the PEFT adapter and its manifest to ``target`` atomically (old one kept on failure)."""
    with atomic_directory(Path(target)) as staging:
        peft_model.save_pretrained(staging, selected_adapters=[adapter_name], safe_serialization=True)
        # PEFT writes a non-default adapter into a sub-folder; keep the layout flat.
        nested = staging / adapter_name
        if adapter_name != "default" and nested.is_dir():
            for item in nested.iterdir():
                item.rename(staging / item.name)
            nested.rmdir()
        write_json_atomic(staging / MANIFEST, manifest.to_dict())
    return Path(target)
