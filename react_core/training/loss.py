"""The loss computed only at labelled positions.

Gemma 3's vocabulary has 262k entries, so the output layer dominates a training step when
answers are short. We ask the model for logits only at the positions whose next token is a
label (``logits_to_keep`` with the positions, through the model's own forward, so PEFT,
accelerate and DDP wrappers all apply) and take the cross-entropy there. Batches are padded
on the left, so short answers line up at the end and the union of labelled positions across
a batch stays small; the output layer's input is then trimmed to the (row, position) pairs
that carry a label, so rows whose labels do not line up cost nothing extra.

When the collator found a head that every example of the batch shares (``prefix_ids``, see
``Collator``), the head runs once with a key/value cache, the cache is repeated for the batch,
and the examples' remainders run over it: the transformer body then computes the head once per
batch instead of once per example. Gradients flow through the cache into the head's LoRA
weights, so loss and gradients are those of the unshared batch.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
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

    Returns the loss and the number of logit rows computed (for diagnostics).
    """
    labels = batch["labels"]
    target = labels[:, 1:]  # the token predicted at position t is labels[:, t + 1]
    wanted = (target != IGNORE).any(dim=0).nonzero(as_tuple=True)[0]  # union over the batch
    inputs = {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"],
              "position_ids": batch.get("position_ids")}
    if batch.get("prefix_ids") is not None:
        inputs = _over_shared_head(model, batch["prefix_ids"], inputs)
    picked = target[:, wanted]  # (B, K)
    keep = picked != IGNORE
    with _only_rows(model, keep):
        outputs = model(**inputs, logits_to_keep=wanted, use_cache=inputs.get("cache") is not None)
    logits = outputs.logits  # (N, V) with the output layer trimmed, else (B, K, V)
    if logits.dim() == 3:
        logits = logits[keep]
    loss = F.cross_entropy(logits.float(), picked[keep])
    return loss, int(keep.sum())


@contextmanager
def _only_rows(model: Any, keep: torch.Tensor) -> Iterator[None]:
    """While active, the output layer sees only the rows of its [B, K, H] input that ``keep`` marks.

    ``logits_to_keep`` selects positions for the whole batch; where rows' labels do not line
    up (trajectories, or remainders after a shared head) most of those positions are labelled
    in some rows only. Trimming the output layer's input to the labelled (row, position)
    pairs computes exactly the logits the loss reads.
    """
    layer = model.get_output_embeddings() if hasattr(model, "get_output_embeddings") else None
    if layer is None or bool(keep.all()):
        yield
        return

    def trim(module: Any, args: tuple[Any, ...]) -> tuple[Any, ...]:
        hidden = args[0]
        return (hidden[keep], *args[1:]) if hidden.dim() == 3 and hidden.shape[:2] == keep.shape else args

    handle = layer.register_forward_pre_hook(trim)
    try:
        yield
    finally:
        handle.remove()


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
