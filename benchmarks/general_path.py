"""Plain questions through the general path (``react chat`` without ``--domain``): HotpotQA's 200
distractor questions, exact match and F1, and how many runs end without an answer.

    .venv/bin/python -m benchmarks.general_path          # ~10 min on 2 CPU cores

Settings, in one run on the shipped base model:
- ``general path``: the agent ``react chat`` builds for no domain (``build_agent(..., None, ...)``:
  constrained actions, the packaged direct-answer examples, grounding), closed book;
- ``general path + paragraphs``: the same agent given the question's 10 paragraphs as
  ``search``/``lookup`` tools (the distractor setting of ``benchmarks/fireact_hotpotqa.py``);
- ``before``: the agent as it was (free actions parsed, no examples, no grounding), closed book.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from benchmarks.fireact_hotpotqa import Paragraphs, f1, load_questions
from benchmarks.results_io import write_result
from react_core import load_plugins
from react_core.agent import Agent, AgentConfig
from react_core.agent.build import build_agent
from react_core.agent.prompt import PromptTemplates
from react_core.paths import data_dir
from react_core.training.trajectories import normalize_answer


def run(make_agent: Any, questions: list[dict], concurrency: int) -> dict[str, Any]:
    def one(q: dict) -> dict:
        result = make_agent(q).run(q["question"])
        answer = result.answer or ""
        return {"answer": answer, "gold": q["answer"], "stop_reason": result.stop_reason,
                "em": float(normalize_answer(answer) == normalize_answer(q["answer"])), "f1": f1(answer, q["answer"]),
                "steps": len(result.steps)}

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        rows = list(pool.map(one, questions))
    return {"n": len(rows), "em": round(100 * statistics.mean(r["em"] for r in rows), 1),
            "f1": round(100 * statistics.mean(r["f1"] for r in rows), 1),
            "stop_reasons": dict(Counter(r["stop_reason"] for r in rows)),
            "mean_steps": round(statistics.mean(r["steps"] for r in rows), 2),
            "seconds": round(time.perf_counter() - started), "examples": rows[:8]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--limit", type=int, help="the first N questions (default: all 200)")
    args = ap.parse_args()
    from react_core.runtime import Runtime

    questions = load_questions(data_dir(), args.limit)
    registry = load_plugins()
    config = AgentConfig(max_steps=6, max_seconds=600)
    out: dict[str, Any] = {}
    with Runtime.load("gemma-3-270m", registry=registry) as runtime:
        backend = runtime.backend
        general = build_agent(registry, backend, None, config)

        def with_paragraphs(q: dict) -> Agent:
            tools = [*Paragraphs(q["context"]).tools(), *general.tools.values()]
            return Agent(backend, tools, config=config, few_shot=PromptTemplates.load().general_examples.split("\n\n"), guards=general.guards)

        settings = {
            "general path": lambda q: general,
            "general path + paragraphs": with_paragraphs,
            "before (free actions, no examples, no grounding)": lambda q: Agent(
                backend, list(general.tools.values()), guards=general.guards,
                config=replace(config, constrained=False, grounding=False)),
        }
        for label, make in settings.items():
            out[label] = run(make, questions, args.concurrency)
            print(label, {k: v for k, v in out[label].items() if k != "examples"}, flush=True)
        out["device"] = f"{runtime.loaded.device.device} {runtime.loaded.device.dtype_name}"
    print("wrote", write_result("general_path", out))


if __name__ == "__main__":
    main()
