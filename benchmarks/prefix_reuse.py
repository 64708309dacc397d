"""Prefix reuse: the customer-service ReAct agent with and without the engine's prefix cache.

Every step of a ReAct run sends the whole prompt again (system prompt and few-shot
trajectories, ~1,300 tokens for this domain, then the steps so far); with the prefix cache the
engine prefills only what follows the longest prompt it has already run for the same
adapter. The same questions run both ways in one process, interleaved (the order flips each
round) on the shipped customer-service adapter and the default base model. The cache keeps
its entries across questions, as a server's does; a question's first step then reuses the
shared system prompt and examples. Each question's ratio is time without / time with; the
figure is the median over questions and rounds. Then, each round, the questions run all at
once (four agents sharing the engine's batch), both ways: the wall time of the four. Usage:

    .venv/bin/python benchmarks/prefix_reuse.py [--rounds 3] [--prefix-cache-tokens 8192]
    REACT_DTYPE=fp32 .venv/bin/python benchmarks/prefix_reuse.py --rounds 2 --output prefix_reuse_fp32
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from results_io import write_result

QUESTIONS = ["I ordered my card a week ago and it still has not come.",
             "Why was I charged a fee for my transfer?",
             "I lost my card yesterday, what should I do?",
             "What exchange rate do you use when I pay abroad?"]


def run_once(agent, engine, question: str) -> dict:
    hits, reused = engine.stats.prefix_hits, engine.stats.prefix_tokens
    start = time.perf_counter()
    result = agent.run(question)
    seconds = time.perf_counter() - start
    return {"seconds": round(seconds, 2), "steps": [s.action or s.kind for s in result.steps],
            "answer": result.answer, "stop_reason": result.stop_reason,
            "prefix_hits": engine.stats.prefix_hits - hits, "prefix_tokens": engine.stats.prefix_tokens - reused}


def run_together(agent, engine, questions: list[str]) -> dict:
    hits = engine.stats.prefix_hits
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(questions)) as pool:
        results = list(pool.map(agent.run, questions))
    return {"seconds": round(time.perf_counter() - start, 2), "answers": [r.answer for r in results],
            "stop_reasons": [r.stop_reason for r in results], "prefix_hits": engine.stats.prefix_hits - hits}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--questions", type=int, default=len(QUESTIONS))
    ap.add_argument("--prefix-cache-tokens", type=int, default=8192)
    ap.add_argument("--output", default="prefix_reuse", help="results file name (benchmarks/results/NAME.json)")
    args = ap.parse_args()

    from react_core import Agent, AgentConfig
    from react_core.engine.prefix import PrefixCache
    from react_core.runtime import Runtime
    from react_customer_service.spec import SPEC, build_tools

    runtime = Runtime.load()
    engine = runtime.engine
    caches = {"without": PrefixCache(0), "with": PrefixCache(args.prefix_cache_tokens)}
    rows: list[dict] = []
    together: list[dict] = []

    def use(way: str) -> None:  # swapped on the engine's worker, between requests
        engine.call(lambda _store: setattr(engine, "prefix", caches[way]))
    with tempfile.TemporaryDirectory() as tmp:
        spec = dataclasses.replace(SPEC, tools=build_tools(db_path=Path(tmp) / "bank.db"))
        classify = next(t for t in spec.tools if t.name == "classify_intent")
        classify("warm up")  # the classifier trains (or loads from the cache) on first use: not timed
        agent = Agent.from_domain(runtime.backend, spec, config=AgentConfig(max_steps=6, max_new_tokens=160))
        for r in range(args.rounds):
            order = ["without", "with"] if r % 2 == 0 else ["with", "without"]
            for question in QUESTIONS[:args.questions]:
                pair = {}
                for way in order:
                    use(way)
                    pair[way] = run_once(agent, engine, question)
                ratio = pair["without"]["seconds"] / pair["with"]["seconds"]
                same = pair["without"]["answer"] == pair["with"]["answer"]
                rows.append({"round": r, "question": question, "ratio": round(ratio, 2), "same_answer": same, **pair})
                print(f"round {r} {question[:40]!r}: without {pair['without']['seconds']} s, "
                      f"with {pair['with']['seconds']} s ({ratio:.2f}x, {pair['with']['prefix_tokens']} tokens reused, "
                      f"same answer: {same})", flush=True)
            pair = {}
            for way in order:
                use(way)
                pair[way] = run_together(agent, engine, QUESTIONS[:args.questions])
            ratio = pair["without"]["seconds"] / pair["with"]["seconds"]
            together.append({"round": r, "ratio": round(ratio, 2), **pair})
            print(f"round {r} all at once: without {pair['without']['seconds']} s, with {pair['with']['seconds']} s "
                  f"({ratio:.2f}x)", flush=True)
    runtime.close()
    figures = {
        "model": "gemma-3-270m", "dtype": str(runtime.loaded.model.dtype).removeprefix("torch."),
        "adapter": "customer_service (shipped)", "rounds": args.rounds,
        "prefix_cache_tokens": args.prefix_cache_tokens,
        "median_seconds_without": round(statistics.median(r["without"]["seconds"] for r in rows), 2),
        "median_seconds_with": round(statistics.median(r["with"]["seconds"] for r in rows), 2),
        "median_ratio": round(statistics.median(r["ratio"] for r in rows), 2),
        "ratios": [r["ratio"] for r in rows],
        "same_answers": sum(r["same_answer"] for r in rows), "runs": len(rows),
        "together_median_seconds_without": round(statistics.median(t["without"]["seconds"] for t in together), 2),
        "together_median_seconds_with": round(statistics.median(t["with"]["seconds"] for t in together), 2),
        "together_median_ratio": round(statistics.median(t["ratio"] for t in together), 2),
        "together_ratios": [t["ratio"] for t in together],
        "rows": rows, "together": together,
    }
    print({k: v for k, v in figures.items() if k not in ("rows", "together")})
    print("wrote", write_result(args.output, figures))


if __name__ == "__main__":
    main()
