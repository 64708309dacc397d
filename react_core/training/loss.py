"""The loss computed only at labelled positions.

Gemma 3's vocabulary has 262k entries, so the output layer dominates a training step when
answers are short. We ask the model for logits only at the positions whose next token is a
label (``logits_to_keep`` with the positions, through the model's own forward, so PEFT,
accelerate and DDP wrappers all apply) and take the cross-entropy there. Batches are padded
on the left, so short answers line up at the end and the union of labelled positions across
a batch stays small.
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
    outputs = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                    position_ids=batch.get("position_ids"), logits_to_keep=wanted, use_cache=False)
    logits = outputs.logits  # (B, K, V)
    picked = target[:, wanted]  # (B, K)
    keep = picked != IGNORE
    loss = F.cross_entropy(logits[keep].float(), picked[keep])
    return loss, int(wanted.numel())


def full_logits_loss(model: Any, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """The plain loss: logits at every position (what a stock Trainer computes)."""
    return model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                 position_ids=batch.get("position_ids"), labels=batch["labels"], use_cache=False).loss
