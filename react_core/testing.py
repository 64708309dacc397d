"""Tiny random models for tests: a Gemma 3 shaped causal LM and a byte-level tokenizer.

Plugin authors use these too, so a domain's tests run in seconds without real weights::

    from react_core.testing import tiny_causal_lm
    path = tiny_causal_lm(tmp_path)          # a model directory transformers can load
"""

from __future__ import annotations

from pathlib import Path

_CORPUS = [
    "Thought: I should search for the answer.",
    "Action: search[capital of France]",
    "Observation: Paris is the capital of France.",
    "Final Answer: Paris",
    "The quick brown fox jumps over the lazy dog. 0123456789 {}[]\":,.",
    "Question: what is the balance on my card? Der Kunde fragt auf Deutsch. Le client demande.",
]


def tiny_tokenizer(vocab_size: int = 384):
    """A byte-level BPE tokenizer (every string encodes and decodes exactly)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    specials = ["<pad>", "<eos>", "<bos>", "<unk>"]
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=specials,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(_CORPUS * 4, trainer=trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="<eos>",
                                   bos_token="<bos>", unk_token="<unk>")


def tiny_gemma3_config(vocab_size: int, **overrides):
    from transformers import Gemma3TextConfig

    params = dict(vocab_size=vocab_size, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                  num_attention_heads=2, num_key_value_heads=1, head_dim=16, max_position_embeddings=512,
                  sliding_window=64, pad_token_id=0, eos_token_id=1, bos_token_id=2)
    params.update(overrides)
    return Gemma3TextConfig(**params)


def tiny_causal_lm(directory: Path, *, seed: int = 0, **config_overrides) -> Path:
    """Write a tiny random Gemma 3 text model and its tokenizer to ``directory``; return it."""
    import torch
    from transformers import AutoModelForCausalLM

    directory = Path(directory)
    tokenizer = tiny_tokenizer()
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(tiny_gemma3_config(len(tokenizer), **config_overrides))
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory
