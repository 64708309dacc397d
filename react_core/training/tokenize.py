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

    ``share_prefix`` (left padding only): when every example of the batch starts with the same
    untrained tokens (an instruction, a system prompt, a tool list), those tokens are sent once
    as ``prefix_ids`` [1, P] and the rest of each example is padded as usual. The loss then runs
    the head once and the batch's remainders over its cached keys and values (exact: same loss,
    same gradients). A head is shared only when it has at least ``min_prefix`` tokens, and it
    stops before the token ahead of the first one any example is trained on. When an example
    is longer than ``window`` (the model's sliding attention window, if any) the remainders are
    padded on the right instead: padding between head and remainder would stretch the
    distances the window is measured in.
    """

    def __init__(self, pad_token_id: int, side: str = "right", *, share_prefix: bool = False,
                 min_prefix: int = 16, window: int | None = None) -> None:
        if side not in ("left", "right"):
            raise ValueError(f"side must be 'left' or 'right', got {side!r}")
        if share_prefix and side != "left":
            raise ValueError("share_prefix needs side='left' (the label-position loss)")
        self.pad = pad_token_id
        self.side = side
        self.share_prefix = share_prefix
        self.min_prefix = max(1, min_prefix)
        self.window = window

    def shared_length(self, batch: Sequence[dict[str, list[int]]]) -> int:
        """How many leading tokens the batch's examples share and can run once (0: none)."""
        if not self.share_prefix or len(batch) < 2:
            return 0
        first = batch[0]["input_ids"]
        # Position t predicts token t + 1, so the shared head ends before the token in front of
        # the first trained one: its prediction must be computed with each example's own rows.
        limit = min(next((i for i, lab in enumerate(b["labels"]) if lab != IGNORE), len(b["labels"])) - 1
                    for b in batch)
        n = 0
        while n < limit and all(b["input_ids"][n] == first[n] for b in batch):
            n += 1
        return n if n >= self.min_prefix else 0

    def __call__(self, batch: Sequence[dict[str, list[int]]]) -> dict[str, Any]:
        import torch

        side, shared = self.side, self.shared_length(batch)
        if shared:
            head = batch[0]["input_ids"][:shared]
            if self.window is not None and max(len(b["input_ids"]) for b in batch) > self.window:
                side = "right"
            batch = [{"input_ids": b["input_ids"][shared:], "labels": b["labels"][shared:]} for b in batch]
        width = max(len(b["input_ids"]) for b in batch)
        ids = torch.full((len(batch), width), self.pad, dtype=torch.long)
        labels = torch.full((len(batch), width), IGNORE, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, b in enumerate(batch):
            n = len(b["input_ids"])
            cols = slice(width - n, width) if side == "left" else slice(0, n)
            ids[row, cols] = torch.tensor(b["input_ids"])
            labels[row, cols] = torch.tensor(b["labels"])
            mask[row, cols] = 1
        out = {"input_ids": ids, "attention_mask": mask, "labels": labels}
        if self.side == "left":
            if side == "left":
                positions = (mask.cumsum(-1) - 1).clamp(min=0)
            else:  # right-padded remainders: positions run on past each end, where the mask hides them
                positions = torch.arange(width).expand(len(batch), width)
            out["position_ids"] = positions + shared
        if shared:
            out["prefix_ids"] = torch.tensor([head], dtype=torch.long)
        return out


def render_preview(enc: Encoded, tokenizer: Any) -> list[tuple[str, bool]]:
    """Decoded tokens with whether each is trained (for ``react train --preview``)."""
    return [(tokenizer.decode([tok]), lab != IGNORE) for tok, lab in zip(enc.input_ids, enc.labels)]
