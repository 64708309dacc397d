"""What constrained actions cost: llguidance beside xgrammar on Gemma 3's tokenizer, and the
engine's tokens/s with and without a grammar, side by side in one run.

    .venv/bin/python -m benchmarks.constrained_decoding     # ~3 min on 2 CPU cores

1. Libraries (both installable, both with a JSON-schema front end and a CPU mask): time to
   prepare the 262k-token vocabulary, to compile the customer-service ``freeze_card`` input schema,
   and per token to compute the mask over a valid input.
2. The engine: the same prompt (the customer-service agent's first step) decoded for 64 tokens
   greedily, with no grammar and with the final-answer grammar (free text, so both run the full
   64 tokens and the difference is the mask), alternating, 5 runs each; median tokens/s.
"""

from __future__ import annotations

import json
import statistics
import time
from importlib.metadata import version
from typing import Any

from benchmarks.results_io import write_result
from react_core import load_plugins
from react_core.agent import AgentConfig
from react_core.agent.build import build_agent
from react_core.agent.grammar import json_schema

TEXT = '{"card_id": "CARD-2001", "confirm": true}'


def libraries(tokenizer: Any, schema: dict) -> dict[str, Any]:
    ids = tokenizer(TEXT, add_special_tokens=False)["input_ids"]
    out: dict[str, Any] = {}
    import llguidance
    import llguidance.hf

    t = time.perf_counter()
    ll_tok = llguidance.hf.from_tokenizer(tokenizer)
    prepare = time.perf_counter() - t
    t = time.perf_counter()
    matcher = llguidance.LLMatcher(ll_tok, llguidance.LLMatcher.grammar_from_json_schema(json.dumps(schema)))
    compile_s = time.perf_counter() - t
    t = time.perf_counter()
    for i in ids:
        matcher.compute_bitmask()
        assert matcher.consume_token(i)
    out["llguidance"] = {"version": version("llguidance"),
                         "prepare_vocab_s": round(prepare, 2), "compile_ms": round(1000 * compile_s, 1),
                         "mask_ms_per_token": round(1000 * (time.perf_counter() - t) / len(ids), 3)}
    try:
        import xgrammar as xgr
    except ImportError:
        out["xgrammar"] = "not installed (pip install xgrammar)"
        return out
    t = time.perf_counter()
    info = xgr.TokenizerInfo.from_huggingface(tokenizer, vocab_size=len(tokenizer))
    compiler = xgr.GrammarCompiler(info)
    prepare = time.perf_counter() - t
    t = time.perf_counter()
    compiled = compiler.compile_json_schema(json.dumps({k: v for k, v in schema.items() if k != "x-guidance"}),
                                            any_whitespace=False)
    compile_s = time.perf_counter() - t
    m = xgr.GrammarMatcher(compiled)
    mask = xgr.allocate_token_bitmask(1, info.vocab_size)
    t = time.perf_counter()
    for i in ids:
        m.fill_next_token_bitmask(mask)
        assert m.accept_token(i)
    out["xgrammar"] = {"version": version("xgrammar"), "prepare_vocab_s": round(prepare, 2),
                       "compile_ms": round(1000 * compile_s, 1),
                       "mask_ms_per_token": round(1000 * (time.perf_counter() - t) / len(ids), 3)}
    return out


def main() -> None:
    from react_core.runtime import Runtime

    registry = load_plugins()
    out: dict[str, Any] = {}
    with Runtime.load("gemma-3-270m", registry=registry) as runtime:
        agent = build_agent(registry, runtime.backend, "customer_service", AgentConfig(),
                            adapter=runtime.adapter_for("customer_service"))
        freeze = agent.tools["freeze_card"]
        out["libraries"] = libraries(runtime.loaded.tokenizer, json_schema(freeze.parameters))
        print(out["libraries"], flush=True)
        prompt = agent.prompt.render("My new card CARD-2001 has not arrived yet. Where is it?", [])
        grammar = agent.step_grammar(actions=False)
        engine = runtime.engine
        runtime.engine.constrainer.matcher(grammar)  # the vocabulary is read before timing
        rates: dict[str, list[float]] = {"no grammar": [], "grammar": []}
        for _ in range(5):
            for label, g in (("no grammar", None), ("grammar", grammar)):
                t = time.perf_counter()
                gen = engine.generate(prompt, max_new_tokens=64, adapter=agent.adapter, grammar=g)
                seconds = time.perf_counter() - t
                rates[label].append(gen.completion_tokens / seconds)
        med = {k: round(statistics.median(v), 2) for k, v in rates.items()}
        out["engine"] = {"tokens_per_second_median": med, "runs": 5, "new_tokens": 64,
                         "prompt_tokens": gen.prompt_tokens,
                         "slowdown_percent": round(100 * (1 - med["grammar"] / med["no grammar"]), 1),
                         "note": "each step prefills the whole prompt (prefix cache hits included)"}
        out["device"] = f"{runtime.loaded.device.device} {runtime.loaded.device.dtype_name}"
        print(out["engine"], flush=True)
    print("wrote", write_result("constrained_decoding", out))


if __name__ == "__main__":
    main()
