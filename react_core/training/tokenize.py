"""Turn examples into token ids and labels: loss only on what the model must produce."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from react_core.training.data import Example

IGNORE = -100


@dataclass
class Encoded:
    input_ids: list[int]
    labels: list[int]

    @property
    def n_trained(self) -> int:
        return sum(1 for x in self.labels if x != IGNORE)


def encode(example: Example, tokenizer: Any, *, max_length: int = 1024) -> Encoded | None:
    """Token ids with labels masked (-100) outside trained segments; ``None`` if nothing is left to learn.

    The sequence starts with BOS (when the tokenizer has one) and the last trained segment is
    followed by EOS, so the model learns to stop. Sequences longer than ``max_length`` are cut
    at the end.
    """
    ids: list[int] = []
    labels: list[int] = []
    if tokenizer.bos_token_id is not None:
        ids.append(tokenizer.bos_token_id)
        labels.append(IGNORE)
    last_trained = max((i for i, (_, t) in enumerate(example.segments) if t), default=-1)
    for i, (text, trained) in enumerate(example.segments):
        piece = tokenizer(text, add_special_tokens=False)["input_ids"]
        if i == last_trained and tokenizer.eos_token_id is not None:
            piece = [*piece, tokenizer.eos_token_id]
        ids.extend(piece)
        labels.extend(piece if trained else [IGNORE] * len(piece))
    enc = Encoded(ids[:max_length], labels[:max_length])
    return enc if enc.n_trained else None


def encode_all(examples: Sequence[Example], tokenizer: Any, *, max_length: int = 1024) -> tuple[list[Encoded], int]:
    """Encode every example; return the encodings and how many were dropped (no labels left)."""
    out, dropped = [], 0
    for ex in examples:
        enc = encode(ex, tokenizer, max_length=max_length)
        if enc is None:
            dropped += 1
        else:
            out.append(enc)
    return out, dropped


class Collator:
    """Pad a batch; padded positions are masked in attention and labels.

    ``side="left"`` lines the ends of the sequences up (short answers then share positions,
    which the label-position loss exploits) and adds ``position_ids`` that skip the padding.
    """

    def __init__(self, pad_token_id: int, side: str = "right") -> None:
        if side not in ("left", "right"):
            raise ValueError(f"side must be 'left' or 'right', got {side!r}")
        self.pad = pad_token_id
        self.side = side

    def __call__(self, batch: Sequence[dict[str, list[int]]]) -> dict[str, Any]:
        import torch

        width = max(len(b["input_ids"]) for b in batch)
        ids = torch.full((len(batch), width), self.pad, dtype=torch.long)
        labels = torch.full((len(batch), width), IGNORE, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, b in enumerate(batch):
            n = len(b["input_ids"])
            cols = slice(width - n, width) if self.side == "left" else slice(0, n)
            ids[row, cols] = torch.tensor(b["input_ids"])
            labels[row, cols] = torch.tensor(b["labels"])
            mask[row, cols] = 1
        out = {"input_ids": ids, "attention_mask": mask, "labels": labels}
        if self.side == "left":
            out["position_ids"] = (mask.cumsum(-1) - 1).clamp(min=0)
        return out


def render_preview(enc: Encoded, tokenizer: Any) -> list[tuple[str, bool]]:
    """Decoded tokens with whether each is trained (for ``react train --preview``)."""
    return [(tokenizer.decode([tok]), lab != IGNORE) for tok, lab in zip(enc.input_ids, enc.labels)]
