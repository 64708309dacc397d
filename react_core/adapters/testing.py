"""Tiny random LoRA adapters for tests and benchmarks (non-zero deltas, real manifests).

Domain plugin tests use these to exercise the runtime without training::

    from react_core.testing import tiny_causal_lm
    from react_core.adapters.testing import random_lora_adapter

    base = tiny_causal_lm(tmp_path / "base")
    adapter_dir = random_lora_adapter(base, tmp_path / "finance", name="finance", seed=1)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from react_core.adapters.manifest import AdapterManifest, save_adapter

ATTENTION = ("q_proj", "k_proj", "v_proj", "o_proj")


def random_lora_adapter(base: Path | str | Any, target: Path, *, name: str, seed: int = 0, rank: int = 4,
                        lora_alpha: float | None = None, target_modules: Sequence[str] = ATTENTION,
                        fingerprint: str | None = None, base_name: str | None = None,
                        init_scale: float = 1.0) -> Path:
    """Write a random LoRA adapter for ``base`` (a model directory or a loaded model) to ``target``.

    A loaded model is wrapped and unwrapped again in place (PEFT ``unload``), so it comes
    back unchanged; pass its ``fingerprint`` then. For a directory the fingerprint is
    computed as ``resolve_model`` does for local directories. ``init_scale`` multiplies
    both LoRA factors (B is random too, so the delta is non-zero).
    """
    import torch
    from peft import LoraConfig, get_peft_model

    if isinstance(base, (str, Path)):
        from transformers import AutoModelForCausalLM

        from react_core.models.sources import local_fingerprint

        path = Path(base)
        model = AutoModelForCausalLM.from_pretrained(path)
        fingerprint = fingerprint or local_fingerprint(path)
        base_name = base_name or str(path)
        owned = True
    else:
        model, owned = base, False
        if fingerprint is None:
            raise ValueError("pass fingerprint= with a loaded model (LoadedModel.fingerprint)")
        base_name = base_name or getattr(getattr(model, "config", None), "_name_or_path", "") or "base"
    config = LoraConfig(r=rank, lora_alpha=lora_alpha or 2 * rank, target_modules=list(target_modules),
                        lora_dropout=0.0, init_lora_weights=False, task_type="CAUSAL_LM")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        peft_model = get_peft_model(model, config, adapter_name=name)
    try:
        if init_scale != 1.0:
            with torch.no_grad():
                for pname, param in peft_model.named_parameters():
                    if "lora_" in pname:
                        param.mul_(init_scale)
        manifest = AdapterManifest(name=name, base_model=str(base_name), base_fingerprint=fingerprint,
                                   rank=rank, alpha=float(config.lora_alpha),
                                   target_modules=list(target_modules), extra={"random": True, "seed": seed})
        save_adapter(peft_model, Path(target), manifest, adapter_name=name)
    finally:
        if not owned:
            peft_model.unload()
    return Path(target)
