"""Fusion in one forward pass: logits for a spec, and the weight deltas a PEFT adapter applies.

The engine mixes logits per decode step itself; these helpers serve scoring, evaluation
and the property tests that pin the fusion semantics down:

- weight space: the selected adapter's delta is (1 - alpha) * sum_i w_i * dW_i (``cat``);
- logit space: alpha * logits_base + (1 - alpha) * logits_domain.
"""

from __future__ import annotations

from typing import Any

import torch

from react_core.adapters.spec import AdapterSpec
from react_core.adapters.store import AdapterStore


def fused_logits(store: AdapterStore, spec: AdapterSpec | str | None, input_ids: torch.Tensor,
                 attention_mask: torch.Tensor | None = None) -> torch.Tensor:
    """Logits [batch, seq, vocab] of ``input_ids`` under ``spec`` (loads or merges what it needs)."""
    selection = store.select(AdapterSpec.parse(spec))
    model = store.model
    rows = input_ids.shape[0]
    with torch.inference_mode():
        outputs = []
        for name in selection.rows:
            kwargs: dict[str, Any] = {"adapter_names": [name] * rows} if store.peft_model is not None else {}
            outputs.append(model(input_ids=input_ids, attention_mask=attention_mask, **kwargs).logits.float())
    if selection.logit_alpha is None:
        return outputs[0]
    alpha = selection.logit_alpha
    return alpha * outputs[0] + (1.0 - alpha) * outputs[1]


def delta_weights(store: AdapterStore, peft_name: str) -> dict[str, torch.Tensor]:
    """The weight delta (scaling included) that adapter ``peft_name`` adds to each LoRA-wrapped layer."""
    from peft.tuners.lora import LoraLayer

    if store.peft_model is None:
        return {}
    deltas: dict[str, torch.Tensor] = {}
    with torch.no_grad():
        for module_name, module in store.peft_model.named_modules():
            if isinstance(module, LoraLayer) and peft_name in module.lora_A:
                deltas[module_name] = module.get_delta_weight(peft_name).float()
    return deltas
