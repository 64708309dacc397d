"""Log-likelihood scoring: how likely the model finds each continuation of a prompt.

Classification by likelihood (``choose``) needs no parsing of generated text and gives
every option a score, so it is the usual way to evaluate a small model on multiple-choice
and label tasks (yes / no / maybe, A-D, sentiment labels) and to rank items.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any


@contextlib.contextmanager
def fast_output_layer(model: Any) -> Iterator[None]:
    """Let the output layer take torch's fast CPU kernel during inference.

    Slicing the last positions hands the output layer a non-contiguous view, and torch's CPU
    bf16 linear with such an input and a frozen weight (PEFT freezes the tied output layer)
    is ~500x slower; a weight that requires grad takes the fast kernel, and under
    ``torch.inference_mode`` nothing is recorded. The flag is restored on exit.
    """
    head = model.get_output_embeddings() if hasattr(model, "get_output_embeddings") else None
    frozen = head is not None and not head.weight.requires_grad
    if frozen:
        head.weight.requires_grad_(True)
    try:
        yield
    finally:
        if frozen:
            head.weight.requires_grad_(False)


def _ids(tokenizer: Any, text: str, *, special: bool) -> list[int]:
    return list(tokenizer(text, add_special_tokens=special)["input_ids"])


def score_continuations(model: Any, tokenizer: Any, prompts: Sequence[str], continuations: Sequence[Sequence[str]],
                        *, batch_size: int = 8, normalize: bool = False,
                        progress: Callable[[int], None] | None = None) -> list[list[float]]:
    """Sum of log-probabilities of each continuation given its prompt: ``[prompt][option]``.

    ``continuations[i]`` are the options for ``prompts[i]`` (written as they follow the
    prompt, usually with a leading space). ``normalize=True`` divides by the continuation's
    token count (mean log-probability), for options of different lengths. When every
    option of a prompt is one token, the prompt is run once and the options read off its
    last position; otherwise each (prompt, option) pair is one left-padded row.
    ``progress`` is called with the number of prompts finished.
    """
    import torch

    if len(prompts) != len(continuations):
        raise ValueError(f"{len(prompts)} prompts but {len(continuations)} lists of continuations")
    device = next(model.parameters()).device
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    prompt_ids = [_ids(tokenizer, p, special=True) for p in prompts]
    option_ids = [[_ids(tokenizer, c, special=False) for c in opts] for opts in continuations]
    for i, opts in enumerate(option_ids):
        for j, ids in enumerate(opts):
            if not ids:
                raise ValueError(f"continuation {continuations[i][j]!r} of prompt {i} is empty after tokenization")
    scores: list[list[float]] = [[0.0] * len(opts) for opts in option_ids]
    # rows: (prompt index, option index or -1 for "all single-token options", token ids, scored tail length)
    rows: list[tuple[int, int, list[int], int]] = []
    for i, opts in enumerate(option_ids):
        if all(len(o) == 1 for o in opts):
            rows.append((i, -1, prompt_ids[i], 0))
        else:
            rows.extend((i, j, prompt_ids[i] + o, len(o)) for j, o in enumerate(opts))
    done: dict[int, int] = {}
    parts = {i: (1 if all(len(o) == 1 for o in opts) else len(opts)) for i, opts in enumerate(option_ids)}
    order = sorted(range(len(rows)), key=lambda r: len(rows[r][2]))  # similar lengths pad less
    with fast_output_layer(model), torch.inference_mode():
        for start in range(0, len(order), batch_size):
            chunk = [rows[r] for r in order[start:start + batch_size]]
            width = max(len(ids) for _, _, ids, _ in chunk)
            keep = max(tail for *_, tail in chunk) + 1  # positions predicting the tail (and the next token)
            ids = torch.full((len(chunk), width), pad, dtype=torch.long)
            mask = torch.zeros((len(chunk), width), dtype=torch.long)
            for k, (_, _, toks, _) in enumerate(chunk):
                ids[k, width - len(toks):] = torch.tensor(toks)
                mask[k, width - len(toks):] = 1
            positions = (mask.cumsum(-1) - 1).clamp(min=0)
            wanted = torch.arange(width - keep, width, device=device)
            logits = model(input_ids=ids.to(device), attention_mask=mask.to(device),
                           position_ids=positions.to(device), logits_to_keep=wanted).logits
            logp = torch.log_softmax(logits.float(), dim=-1)  # [rows, keep, vocab]
            for k, (i, j, toks, tail) in enumerate(chunk):
                if j < 0:
                    last = logp[k, -1]
                    for jj, o in enumerate(option_ids[i]):
                        scores[i][jj] = float(last[o[0]])
                else:
                    # token t of the tail sits at column width - tail + t and is predicted one column earlier
                    cols = torch.arange(keep - 1 - tail, keep - 1)
                    target = torch.tensor(toks[len(toks) - tail:])
                    total = float(logp[k, cols, target].sum())
                    scores[i][j] = total / tail if normalize else total
                done[i] = done.get(i, 0) + 1
                if done[i] == parts[i] and progress:
                    progress(1)
    return scores


def choose(model: Any, tokenizer: Any, prompts: Sequence[str], options: Sequence[str] | Sequence[Sequence[str]],
           *, batch_size: int = 8, normalize: bool = False,
           progress: Callable[[int], None] | None = None) -> list[str]:
    """The most likely option for each prompt. ``options`` is one list for all prompts or one per prompt."""
    per_prompt = [list(options)] * len(prompts) if options and isinstance(options[0], str) else [list(o) for o in options]
    scores = score_continuations(model, tokenizer, prompts, per_prompt, batch_size=batch_size,
                                 normalize=normalize, progress=progress)
    return [opts[max(range(len(opts)), key=s.__getitem__)] for opts, s in zip(per_prompt, scores)]
