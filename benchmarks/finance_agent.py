"""The finance ReAct agent end to end: the sentiment its answers state, on PhraseBank sentences.

Runs the domain's agent (its prompt, few-shot examples, guards and tools) with the finance
adapter over the batched engine on an evenly spread sample of Financial PhraseBank sentences,
asked in two wordings in turn (the builder's ``Is this good or bad news for investors? ...``
and ``What is the sentiment of this headline: ...``). Two tool settings run side by side in
the same process on the same questions: ``adapter`` (the ``sentiment`` tool runs the finance
adapter on the agent's backend, the shipped default) and ``rules`` (the rule-based fallback).

Per run it reads the label the answer states (``Sentiment: <label>``, else the one label word
the answer uses) and the label of the run's ``sentiment`` observations, and reports:
``answer_accuracy`` (the stated label is the gold one), ``called_sentiment``,
``tool_accuracy`` (the observation's label, where the tool was called), ``contradicts_tool``
(the answer states another label than the tool returned) and ``draft_*`` the same for the
model's own draft, before any review guard rewrote it.

    .venv/bin/python benchmarks/finance_agent.py --split validation --limit 60
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from results_io import write_result  # noqa: E402

from react_core import Agent, AgentConfig, data_dir  # noqa: E402
from react_core.agent import review_steps  # noqa: E402
from react_finance.analyzer import LexiconAnalyzer  # noqa: E402
from react_finance.data import phrasebank  # noqa: E402
from react_finance.review import answer_label, observed_label  # noqa: E402

WORDINGS = ("Is this good or bad news for investors? {text}", "What is the sentiment of this headline: {text}")


def questions(root: Path, split: str, limit: int) -> list[dict]:
    rows = phrasebank(root, split)
    rows = rows[::max(1, len(rows) // limit)][:limit]
    return [{"text": WORDINGS[i % 2].format(text=text), "reference": label} for i, (text, label) in enumerate(rows)]


def run_setting(backend, spec, examples, *, adapter: str | None, tools, concurrency: int) -> dict:
    config = AgentConfig(max_seconds=900)  # otherwise the defaults react chat uses (8 steps, 256 tokens a step)
    agent = Agent.from_domain(backend, spec if tools is None else replace(spec, tools=tools), adapter=adapter,
                              config=config)

    def one(example: dict) -> dict:
        result = agent.run(example["text"])
        reviews = [result.steps[i] for i in review_steps(result.steps)]
        draft = reviews[0].action_input if reviews else result.answer
        observed = observed_label(result.steps)
        stated, drafted = answer_label(result.answer), answer_label(draft)
        return {"text": example["text"], "reference": example["reference"], "stop_reason": result.stop_reason,
                "called_sentiment": any(s.action == "sentiment" for s in result.steps), "observed": observed,
                "stated": stated, "drafted": drafted, "answer": result.answer,
                "sentiment_inputs": [s.action_input for s in result.steps if s.action == "sentiment"]}

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        rows = list(pool.map(one, examples))
    seconds = time.perf_counter() - start
    n = len(rows)
    called = [r for r in rows if r["observed"] is not None]

    def share(test, among=rows) -> float:
        return round(sum(1 for r in among if test(r)) / len(among), 4) if among else 0.0

    return {"n": n,
            "answered": share(lambda r: r["stop_reason"] == "final_answer"),
            "answer_accuracy": share(lambda r: r["stated"] == r["reference"]),
            "draft_answer_accuracy": share(lambda r: r["drafted"] == r["reference"]),
            "called_sentiment": share(lambda r: r["called_sentiment"]),
            "tool_accuracy": share(lambda r: r["observed"] == r["reference"], called),
            "contradicts_tool": share(lambda r: r["stated"] not in (None, r["observed"]), called),
            "draft_contradicts_tool": share(lambda r: r["drafted"] not in (None, r["observed"]), called),
            "states_no_label": share(lambda r: r["stated"] is None),
            "stop_reasons": dict(Counter(r["stop_reason"] for r in rows)), "seconds": round(seconds),
            "rows": rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="validation", choices=("validation", "test"))
    ap.add_argument("--limit", type=int, default=60, help="PhraseBank sentences (evenly spread)")
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--data-dir")
    ap.add_argument("--output", default="finance_agent", help="results file name (benchmarks/results/NAME.json)")
    args = ap.parse_args()

    from react_core.runtime import Runtime
    from react_finance.spec import SPEC, build_tools

    examples = questions(data_dir(args.data_dir), args.split, args.limit)
    runtime = Runtime.load()
    adapter = runtime.adapter_for("finance")
    if adapter is None:
        raise SystemExit("the finance adapter is not installed: pip install -e domains/finance")
    settings = {"adapter": None, "rules": build_tools(analyzer=LexiconAnalyzer())}
    results = {}
    for name, tools in settings.items():
        results[name] = run_setting(runtime.backend, SPEC, examples, adapter=adapter, tools=tools,
                                    concurrency=args.concurrency)
        print(name, {k: v for k, v in results[name].items() if k != "rows"}, flush=True)
    runtime.close()
    print("wrote", write_result(args.output, {"split": args.split, "adapter": adapter,
                                             "guards": [g.name for g in SPEC.guards], "results": results}))


if __name__ == "__main__":
    main()
