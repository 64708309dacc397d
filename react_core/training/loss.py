"""The loss computed only at labelled positions.

Gemma 3's vocabulary has 262k entries, so the output layer dominates a training step when
answers are short. We ask the model for logits only at the positions whose next token is a
label (``logits_to_keep`` with the positions, through the model's own forward, so PEFT,
accelerate and DDP wrappers all apply) and take the cross-entropy there. Batches are padded
on the left, so short answers line up at the end and the union of labelled positions across
a batch stays small.

When the collator found a head that every example of the batch shares (``prefix_ids``, see
``Collator``), the head runs once with a key/value cache, the cache is repeated for the batch,
and the examples' remainders run over it: the transformer body then computes the head once per
batch instead of once per example. Gradients flow through the cache into the head's LoRA
weights, so loss and gradients are those of the unshared batch.
"""

from __future__ import annotations

import inspect
from typing import Any

import torch
import torch.nn.functional as F

from react_core.training.tokenize import IGNORE


def supports_logits_to_keep(model: Any) -> bool:
    base = model
    for attr in ("get_base_model",):
        if hasattr(base, attr):
            base = getattr(base, attr)()
    return "logits_to_keep" in inspect.signature(base.forward).parameters


def label_position_loss(model: Any, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, int]:
    """Mean cross-entropy over labelled tokens, logits computed only where needed.

    Returns the loss and the number of logit positions computed (for diagnostics).
    """
    labels = batch["labels"]
    target = labels[:, 1:]  # the token predicted at position t is labels[:, t + 1]
    wanted = (target != IGNORE).any(dim=0).nonzero(as_tuple=True)[0]  # union over the batch
    inputs = {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"],
              "position_ids": batch.get("position_ids")}
    if batch.get("prefix_ids") is not None:
        inputs = _over_shared_head(model, batch["prefix_ids"], inputs)
    outputs = model(**inputs, logits_to_keep=wanted, use_cache=inputs.get("cache") is not None)
    logits = outputs.logits  # (B, K, V)
    picked = target[:, wanted]  # (B, K)
    keep = picked != IGNORE
    loss = F.cross_entropy(logits[keep].float(), picked[keep])
    return loss, int(wanted.numel())


def _over_shared_head(model: Any, prefix_ids: torch.Tensor, inputs: dict[str, Any]) -> dict[str, Any]:
    """Run the shared head once; return ``inputs`` extended to continue from its cache, per row."""
    from transformers import DynamicCache

    rows, head = inputs["input_ids"].shape[0], prefix_ids.shape[1]
    cache = DynamicCache()
    none = torch.empty(0, dtype=torch.long, device=prefix_ids.device)  # no logits for the head
    model(input_ids=prefix_ids, cache=cache, use_cache=True, logits_to_keep=none)
    cache.batch_repeat_interleave(rows)
    mask = inputs["attention_mask"]
    ones = torch.ones((rows, head), dtype=mask.dtype, device=mask.device)
    return {**inputs, "attention_mask": torch.cat([ones, mask], dim=1), "cache": cache}


def full_logits_loss(model: Any, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """The plain loss: logits at every position (what a stock Trainer computes)."""
    return model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                 position_ids=batch.get("position_ids"), labels=batch["labels"], use_cache=False).loss
