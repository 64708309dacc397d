"""Log-likelihood scoring against a plain full forward pass, one (prompt, option) at a time."""

from __future__ import annotations

import pytest
import torch

from react_core import choose, score_continuations


def _reference(model, tokenizer, prompt: str, option: str) -> float:
    p = tokenizer(prompt)["input_ids"]
    o = tokenizer(option, add_special_tokens=False)["input_ids"]
    ids = torch.tensor([p + o])
    with torch.no_grad():
        logp = torch.log_softmax(model(input_ids=ids).logits.float(), dim=-1)[0]
    return float(sum(logp[len(p) - 1 + t, tok] for t, tok in enumerate(o)))


PROMPTS = ["The card", "A much longer prompt about a transfer that has not arrived yet", "Hi"]


def test_multi_token_options_match_a_plain_forward(tiny_lm) -> None:
    model, tok = tiny_lm
    options = [[" frozen and blocked", " ok"], [" pending", " declined by the bank"], [" hello there", " bye"]]
    got = score_continuations(model, tok, PROMPTS, options, batch_size=2)
    for prompt, opts, row in zip(PROMPTS, options, got):
        for option, value in zip(opts, row):
            assert value == pytest.approx(_reference(model, tok, prompt, option), abs=1e-3)


def test_single_token_options_take_one_pass_and_agree(tiny_lm) -> None:
    model, tok = tiny_lm
    singles = [t for t in (" a", " b", " c", " d", " e") if len(tok(t, add_special_tokens=False)["input_ids"]) == 1]
    assert len(singles) >= 2, "the tiny tokenizer should have single-token options"
    got = score_continuations(model, tok, PROMPTS, [singles] * len(PROMPTS))
    for prompt, row in zip(PROMPTS, got):
        assert row == pytest.approx([_reference(model, tok, prompt, s) for s in singles], abs=1e-3)


def test_normalize_divides_by_length_and_choose_takes_the_best(tiny_lm) -> None:
    model, tok = tiny_lm
    options = [" pending", " declined by the bank"]
    raw = score_continuations(model, tok, [PROMPTS[0]], [options])[0]
    mean = score_continuations(model, tok, [PROMPTS[0]], [options], normalize=True)[0]
    lengths = [len(tok(o, add_special_tokens=False)["input_ids"]) for o in options]
    assert mean == pytest.approx([r / n for r, n in zip(raw, lengths)], abs=1e-4)
    assert choose(model, tok, [PROMPTS[0]], options) == [options[raw.index(max(raw))]]
    done = []
    assert len(choose(model, tok, PROMPTS, options, progress=done.append)) == 3 and sum(done) == 3


def test_bad_input_is_refused(tiny_lm) -> None:
    model, tok = tiny_lm
    with pytest.raises(ValueError, match="2 prompts but 1"):
        score_continuations(model, tok, ["a", "b"], [[" x"]])
    with pytest.raises(ValueError, match="empty after tokenization"):
        score_continuations(model, tok, ["a"], [[""]])


def test_frozen_output_layer_flag_is_restored(tiny_lm) -> None:
    model, tok = tiny_lm
    head = model.get_output_embeddings().weight
    before = head.requires_grad
    head.requires_grad_(False)
    try:
        score_continuations(model, tok, ["The card"], [[" is", " was blocked"]])
        assert head.requires_grad is False
    finally:
        head.requires_grad_(before)


def test_generate_batch_stops_at_stop_strings(tiny_lm) -> None:
    from react_core import generate_batch

    model, tokenizer = tiny_lm
    prompts = ["hello there", "a b c d"]
    free = generate_batch(model, tokenizer, prompts, max_new_tokens=12, batch_size=2)
    assert all(free), "the tiny model should write something"
    stop = free[0][len(free[0]) // 2:][:1] or free[0][0]  # a character the first completion contains
    cut = generate_batch(model, tokenizer, prompts, max_new_tokens=12, batch_size=2, stop=[stop])
    assert cut[0] == free[0][:free[0].find(stop)]
    for full, short in zip(free, cut):
        assert stop not in short and full.startswith(short)
