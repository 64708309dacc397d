"""Serving throughput: 32 concurrent requests over 5 adapters on one base model.

Three ways to serve the same 32 prompts, one run, side by side in one process:

- base_batched: the engine with every request on the base model (the upper bound: same
  batching, no adapter work); run before any adapter is loaded, so the model is bare;
- engine: the engine, requests spread round-robin over 5 adapters, all decoding together
  (PEFT adapter_names per row);
- sequential: one request at a time, switching adapters globally with PEFT set_adapter
  and calling model.generate (what a simple server does).

The adapters are random rank-8 LoRA adapters on q/k/v/o projections (not trained: the
throughput does not depend on the values). Generated tokens/s counts completion tokens
only. Usage:  .venv/bin/python benchmarks/serving_throughput.py [--model gemma-3-270m]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import torch

from results_io import write_result

PROMPTS = [
    "Question: How do I reset the PIN of my card?\nAnswer:",
    "Question: Is the stock of a company that raised its dividend a good buy?\nAnswer:",
    "Question: Which films are like The Matrix?\nAnswer:",
    "Question: What are the usual symptoms of iron deficiency?\nAnswer:",
    "Translate to German: A man in an orange hat is looking at something.\nGerman:",
    "Question: Why was my transfer declined yesterday?\nAnswer:",
    "Question: What does a rising bond yield mean for bank shares?\nAnswer:",
    "Question: Recommend a comedy from the nineties.\nAnswer:",
]
ADAPTERS = ("customer_service", "finance", "recommendation", "medical", "translation")


def run_engine(engine, prompts: list[str], adapters: list[str | None], max_new_tokens: int) -> dict:
    start = time.perf_counter()
    handles = [engine.submit(p, max_new_tokens=max_new_tokens, adapter=a) for p, a in zip(prompts, adapters)]
    results = [h.result() for h in handles]
    wall = time.perf_counter() - start
    tokens = sum(r.completion_tokens for r in results)
    ttft = [h.first_token_at - h.request.submitted for h in handles if h.first_token_at is not None]
    return {"seconds": round(wall, 2), "tokens": tokens, "tokens_per_s": round(tokens / wall, 1),
            "median_time_to_first_text_s": round(statistics.median(ttft), 2) if ttft else None}


def run_sequential(peft_model, tokenizer, prompts: list[str], adapters: list[str], max_new_tokens: int) -> dict:
    tokens, start = 0, time.perf_counter()
    switch: list[float] = []
    for prompt, adapter in zip(prompts, adapters):
        t = time.perf_counter()
        peft_model.set_adapter(adapter)
        switch.append(time.perf_counter() - t)
        enc = tokenizer(prompt, return_tensors="pt")
        with torch.inference_mode():
            out = peft_model.generate(**enc, max_new_tokens=max_new_tokens, do_sample=False,
                                      pad_token_id=tokenizer.pad_token_id)
        tokens += int(out.shape[1] - enc["input_ids"].shape[1])
    wall = time.perf_counter() - start
    return {"seconds": round(wall, 2), "tokens": tokens, "tokens_per_s": round(tokens / wall, 1),
            "median_set_adapter_ms": round(1000 * statistics.median(switch), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="gemma-3-270m")
    parser.add_argument("--requests", type=int, default=32)
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--sequential-requests", type=int, default=None,
                        help="requests served in the sequential baseline (default: all)")
    parser.add_argument("--concurrency", default="1,4,8,16,32",
                        help="also measure the engine at these numbers of concurrent requests (comma-separated)")
    args = parser.parse_args()

    from react_core.adapters.store import AdapterStore
    from react_core.adapters.testing import random_lora_adapter
    from react_core.engine.engine import Engine
    from react_core.models.loading import load_causal_lm

    torch.set_num_threads(torch.get_num_threads())
    loaded = load_causal_lm(args.model)
    model, tokenizer = loaded.model, loaded.tokenizer
    prompts = [PROMPTS[i % len(PROMPTS)] for i in range(args.requests)]
    names = [ADAPTERS[i % len(ADAPTERS)] for i in range(args.requests)]
    with tempfile.TemporaryDirectory() as tmp:
        dirs = {n: random_lora_adapter(model, Path(tmp) / n, name=n, seed=i, rank=8, fingerprint=loaded.fingerprint,
                                       base_name=args.model, init_scale=0.1)
                for i, n in enumerate(ADAPTERS)}
        store = AdapterStore(model, fingerprint=loaded.fingerprint, base_name=args.model, max_loaded=8)
        for n, d in dirs.items():
            store.install(n, d)
        engine = Engine(model, tokenizer, store=store, max_batch=args.requests, max_queue=4 * args.requests)
        try:
            engine.generate(PROMPTS[0], max_new_tokens=2)  # warm-up
            base = run_engine(engine, prompts, [None] * len(prompts), args.max_new_tokens)
            for n in ADAPTERS:
                engine.call(lambda s, n=n: s.ensure_loaded(n))
            engine.generate(PROMPTS[0], max_new_tokens=2, adapter=ADAPTERS[0])  # warm-up with adapters
            multi = run_engine(engine, prompts, list(names), args.max_new_tokens)
            stats = engine.stats.as_dict()
            levels = [int(c) for c in args.concurrency.split(",") if c.strip()]
            by_level = {c: run_engine(engine, [PROMPTS[i % len(PROMPTS)] for i in range(c)],
                                      [ADAPTERS[i % len(ADAPTERS)] for i in range(c)], args.max_new_tokens)
                        for c in levels}
        finally:
            engine.close()
        n_seq = args.sequential_requests or len(prompts)
        sequential = run_sequential(store.peft_model, tokenizer, prompts[:n_seq], names[:n_seq], args.max_new_tokens)
    figures = {
        "model": args.model, "dtype": loaded.device.dtype_name, "device": loaded.device.device,
        "requests": args.requests, "adapters": len(ADAPTERS), "max_new_tokens": args.max_new_tokens,
        "adapter_kind": "random LoRA rank 8 on q_proj,k_proj,v_proj,o_proj (untrained)",
        "base_batched": base, "engine_5_adapters": multi, "sequential_set_adapter": sequential,
        "engine_over_sequential": round(multi["tokens_per_s"] / sequential["tokens_per_s"], 2),
        "engine_over_base_batched": round(multi["tokens_per_s"] / base["tokens_per_s"], 3),
        "targets": {"engine_over_sequential": ">= 5", "engine_over_base_batched": ">= 0.70"},
        "engine_stats": stats, "torch_threads": torch.get_num_threads(),
        # the sequential server serves one request at a time: its rate does not depend on concurrency
        "concurrency": [{"requests": c, "engine_tokens_per_s": r["tokens_per_s"],
                         "sequential_tokens_per_s": sequential["tokens_per_s"]} for c, r in by_level.items()],
    }
    path = write_result("serving_throughput", figures)
    print({k: figures[k] for k in ("base_batched", "engine_5_adapters", "sequential_set_adapter",
                                    "engine_over_sequential", "engine_over_base_batched")})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
