"""The trajectory loop (FireAct, 2023) on HotpotQA: prompted base model vs a LoRA fine-tuned on
the 500 FireAct HotpotQA trajectories, both running the ReAct agent with a search tool over
each question's 10 distractor paragraphs (no web search here).

    # 1. train the adapter on the FireAct trajectories (rendered with the agent's own prompt head)
    .venv/bin/python benchmarks/fireact_hotpotqa.py train --out .cache/fireact-adapter
    # 2. evaluate both settings on the 200 questions of hotpotqa_distractor_subset
    .venv/bin/python benchmarks/fireact_hotpotqa.py eval --adapter .cache/fireact-adapter

Metrics: answer exact match and token F1 (HotpotQA's official normalization).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from results_io import write_result  # noqa: E402

from react_core.agent import Agent, AgentConfig  # noqa: E402
from react_core.agent.tools import Tool  # noqa: E402
from react_core.paths import data_dir  # noqa: E402
from react_core.training import with_prompt_head  # noqa: E402
from react_core.training.trajectories import normalize_answer  # noqa: E402

SYSTEM = ("You answer multi-hop questions by searching a small collection of Wikipedia paragraphs. "
          "Search for one entity at a time; finish with the shortest answer.")


def f1(prediction: str, gold: str) -> float:
    p, g = normalize_answer(prediction).split(), normalize_answer(gold).split()
    common = Counter(p) & Counter(g)
    same = sum(common.values())
    if not same:
        return 0.0
    precision, recall = same / len(p), same / len(g)
    return 2 * precision * recall / (precision + recall)


def load_questions(root: Path, limit: int | None) -> list[dict]:
    path = root / "hotpotqa_distractor_subset" / "hotpotqa_dev_distractor_200.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows[:limit]


class Paragraphs:
    """search[entity] and lookup[keyword] over one question's paragraphs (BM25 + title match)."""

    def __init__(self, context: list) -> None:
        from react_core.retrieval.keyword import KeywordIndex

        self.titles = [title for title, _ in context]
        self.texts = [" ".join(sentences) for _, sentences in context]
        self.sentences = [list(sentences) for _, sentences in context]
        self.index = KeywordIndex([f"{t} {x}" for t, x in zip(self.titles, self.texts)])
        self.current: int | None = None
        self.cursor = 0

    def search(self, query: str) -> str:
        """Search the paragraphs for an entity; returns the best paragraph."""
        exact = [i for i, t in enumerate(self.titles) if t.lower() == query.strip().lower()]
        hits = exact or [i for i, _ in self.index.search(query, 1)]
        if not hits:
            return f"Could not find {query}. Similar: {self.titles[:5]}."
        self.current, self.cursor = hits[0], 0
        return f"{self.titles[hits[0]]}: {self.texts[hits[0]][:600]}"

    def lookup(self, keyword: str) -> str:
        """Find the next sentence with a keyword in the last paragraph found."""
        if self.current is None:
            return "Search for a paragraph first."
        found = [s for s in self.sentences[self.current] if keyword.lower() in s.lower()]
        if self.cursor >= len(found):
            return "No more results."
        self.cursor += 1
        return f"(Result {self.cursor} / {len(found)}) {found[self.cursor - 1]}"

    def tools(self) -> list[Tool]:
        return [Tool("search", "search for an entity; returns its paragraph", self.search),
                Tool("lookup", "find the next sentence containing a keyword in the current paragraph", self.lookup)]


class _NoBackend:
    def generate(self, *a, **k):  # pragma: no cover - only the prompt head is used
        raise RuntimeError("no backend")

    stream = generate


def prompt_head() -> str:
    return Agent(_NoBackend(), Paragraphs([["x", ["y"]]]).tools(), system_prompt=SYSTEM).prompt.head


def training_records(root: Path) -> list[dict]:
    """FireAct trajectories with the agent's prompt head as a (masked) system turn."""
    path = root / "fireact_trajectories" / "hotpotqa_react_gpt_format.jsonl"
    return with_prompt_head((json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()),
                            prompt_head())


def cmd_train(args: argparse.Namespace) -> None:
    from react_core.training.config import TrainConfig
    from react_core.training.data import parse_record, split_examples
    from react_core.training.trainer import train_adapter

    examples = [parse_record(r) for r in training_records(data_dir(args.data_dir))][: args.limit]
    train, val = split_examples(examples, validation=0.04, seed=0)
    cfg = TrainConfig(max_length=1024, batch_size=4, epochs=args.epochs, learning_rate=args.lr, eval_steps=40,
                      early_stopping_patience=2, lora_dropout=0.0)
    result = train_adapter(cfg, train, val, name="hotpotqa_fireact", out_dir=Path(args.out))
    print(json.dumps({"adapter": str(result.adapter_dir), "seconds": round(result.seconds),
                      "tokens_per_second": round(result.tokens_per_second, 1), **result.metrics}))


def run_setting(backend, questions: list[dict], *, adapter: str | None, concurrency: int,
                max_steps: int) -> dict:
    config = AgentConfig(max_steps=max_steps, max_new_tokens=96, max_seconds=600)

    def one(q: dict) -> dict:
        tools = Paragraphs(q["context"]).tools()
        agent = Agent(backend, tools, system_prompt=SYSTEM, adapter=adapter, config=config)
        result = agent.run(q["question"])
        answer = result.answer or ""
        return {"id": q["_id"], "answer": answer, "gold": q["answer"], "stop_reason": result.stop_reason,
                "em": float(normalize_answer(answer) == normalize_answer(q["answer"])),
                "f1": f1(answer, q["answer"]), "steps": len(result.steps)}

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        rows = list(pool.map(one, questions))
    seconds = time.perf_counter() - start
    stops = Counter(r["stop_reason"] for r in rows)
    return {"n": len(rows), "em": round(100 * statistics.mean(r["em"] for r in rows), 1),
            "f1": round(100 * statistics.mean(r["f1"] for r in rows), 1), "seconds": round(seconds),
            "stop_reasons": dict(stops), "mean_steps": round(statistics.mean(r["steps"] for r in rows), 2),
            "examples": rows[:5]}


def cmd_eval(args: argparse.Namespace) -> None:
    from react_core.runtime import Runtime

    questions = load_questions(data_dir(args.data_dir), args.limit)
    runtime = Runtime.load(args.model)
    if args.adapter:
        runtime.store.install("hotpotqa_fireact", Path(args.adapter))
    results = {}
    try:
        for setting, adapter in (("base model, prompted", None), ("fine-tuned (FireAct LoRA)", "hotpotqa_fireact")):
            if adapter and not args.adapter:
                continue
            results[setting] = run_setting(runtime.backend, questions, adapter=adapter,
                                           concurrency=args.concurrency, max_steps=args.max_steps)
            print(setting, json.dumps({k: v for k, v in results[setting].items() if k != "examples"}), flush=True)
    finally:
        runtime.close()
    results["published anchor"] = "Llama-2-7B: 14.8 -> 26.2 EM with LoRA on the same 500 trajectories (web search)"
    print("wrote", write_result("fireact_hotpotqa", results))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir")
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    t.add_argument("--out", default=".cache/fireact-adapter")
    t.add_argument("--limit", type=int)
    t.add_argument("--epochs", type=float, default=1.0)
    t.add_argument("--lr", type=float, default=3e-4)
    e = sub.add_parser("eval")
    e.add_argument("--adapter")
    e.add_argument("--model", default="gemma-3-270m")
    e.add_argument("--limit", type=int)
    e.add_argument("--concurrency", type=int, default=16)
    e.add_argument("--max-steps", type=int, default=6)
    args = ap.parse_args()
    {"train": cmd_train, "eval": cmd_eval}[args.cmd](args)


if __name__ == "__main__":
    main()
