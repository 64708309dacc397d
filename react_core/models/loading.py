"""Load a resolved causal language model and its tokenizer on the chosen device."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from react_core.models.device import DeviceChoice, choose_device
from react_core.models.sources import ModelNotFoundError, ResolvedModel, resolve_model

log = logging.getLogger(__name__)


@dataclass
class LoadedModel:
    """A base model in memory with what it was loaded from."""

    model: Any
    tokenizer: Any
    resolved: ResolvedModel
    device: DeviceChoice
    load_seconds: float

    @property
    def fingerprint(self) -> str:
        return self.resolved.fingerprint


def load_causal_lm(name: str, *, device: str | None = None, dtype: str | None = None,
                   registry: Any = None) -> LoadedModel:
    """Resolve ``name`` and load it for generation (eval mode) on the chosen device."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    resolved = resolve_model(name, kind="causal-lm", registry=registry)
    choice = choose_device(device, dtype)
    start = time.perf_counter()
    try:
        tokenizer = AutoTokenizer.from_pretrained(resolved.path, **resolved.load_kwargs)
        model = AutoModelForCausalLM.from_pretrained(resolved.path, dtype=choice.dtype, **resolved.load_kwargs)
    except OSError as exc:
        raise ModelNotFoundError(
            f"could not load {name!r} from {resolved.path} ({resolved.source}): {exc}"
        ) from exc
    model.to(choice.device).eval()
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    elapsed = time.perf_counter() - start
    log.info("loaded %s on %s (%s) in %.1fs", name, choice.device, choice.dtype_name, elapsed)
    return LoadedModel(model=model, tokenizer=tokenizer, resolved=resolved, device=choice, load_seconds=elapsed)
