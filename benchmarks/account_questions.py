"""Questions that give an account id, answered by the customer-service agent ``react chat --domain
customer_service`` builds, beside the agent as it was before policies, constrained actions and
grounding (commit 0084e51's prompts, no required calls, free actions, no grounding check), in
the same run.

    .venv/bin/python -m benchmarks.account_questions            # ~35 min on 2 CPU cores
    # the before agent with only the grounding check added (what the check alone repairs):
    .venv/bin/python -m benchmarks.account_questions --settings before+grounding --timed 0 \
        --output account_questions_grounding

The 40 questions: Banking77 *test* messages of card and transfer intents (first ones in file
order), each given one demo-bank id: every card (8) and transfer (7) twice, every customer (5)
twice. Per answer: does it state the record's facts (card: ending and status; transfer: status
and amount; customer: every card's ending), does it state a fact of another record (an id,
card ending, date, amount or name of a record the question did not name), was the right lookup
made, steps, and the unsupported facts the grounding check finds. Correctness is measured with
4 questions in flight (the engine batches them); seconds one question at a time on the first 12.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.results_io import write_result
from react_core import load_plugins
from react_core.agent import AgentConfig
from react_core.agent.build import build_agent
from react_core.agent.grounding import check_grounding
from react_core.paths import data_dir

BEFORE = "0084e51"  # the last commit before this agent
SETTINGS = {"shipped": "shipped agent", "before": "before (no policies, free actions, no grounding)",
            "before+grounding": "before, with the grounding check on"}
CARD_INTENTS = ("card_arrival", "card_delivery_estimate", "lost_or_stolen_card", "card_not_working")
TRANSFER_INTENTS = ("pending_transfer", "transfer_not_received_by_recipient", "failed_transfer", "declined_transfer")
STATUS = {"active": "active", "frozen": "frozen", "in_delivery": "posted", "cancelled": "cancelled"}


def questions(root: Path) -> list[dict[str, Any]]:
    from react_customer_service.db import CARDS, CUSTOMERS, TRANSFERS

    rows = list(csv.DictReader((root / "banking77" / "test.csv").open(encoding="utf-8")))
    cards = [r["text"] for r in rows if r["category"] in CARD_INTENTS]
    transfers = [r["text"] for r in rows if r["category"] in TRANSFER_INTENTS]
    out = []
    for i, card in enumerate([c[0] for c in CARDS] * 2):
        out.append({"question": f"{cards[i]} My card is {card}.", "key": card, "tool": "card_status"})
    for i, tr in enumerate([t[0] for t in TRANSFERS] * 2):
        out.append({"question": f"{transfers[i]} The transfer is {tr}.", "key": tr, "tool": "transfer_status"})
    for i, customer in enumerate([c[0] for c in CUSTOMERS] * 2):
        out.append({"question": f"{cards[16 + i]} My customer id is {customer}.", "key": customer,
                    "tool": "card_status"})
    return out


def facts_of(key: str) -> tuple[list[str], set[str]]:
    """What an answer about ``key`` must state, and every fact of the records it concerns."""
    from react_customer_service.db import CARDS, TRANSFERS

    def card_facts(c: tuple) -> set[str]:
        return {c[0], c[1], c[3], *(x for x in (c[5], c[6]) if x)}

    for c in CARDS:
        if c[0] == key:
            return [c[3], STATUS[c[4]]], card_facts(c)
    for t in TRANSFERS:
        if t[0] == key:
            return [t[5], f"{t[2] / 100:,.2f}"], {t[0], t[1], f"{t[2] / 100:,.2f}", t[4], t[6]}
    own = [c for c in CARDS if c[1] == key]
    return [c[3] for c in own], {key}.union(*(card_facts(c) for c in own))


def foreign_facts(key: str) -> set[str]:
    """Facts of records the question did not name (minus any the named records share)."""
    from react_customer_service.db import CARDS, CUSTOMERS, TRANSFERS

    _, mine = facts_of(key)
    every: set[str] = set()
    for c in CARDS:
        every |= facts_of(c[0])[1]
    for t in TRANSFERS:
        every |= facts_of(t[0])[1]
    every |= {c[0] for c in CUSTOMERS} | {c[1] for c in CUSTOMERS}
    return {f for f in every - mine if f}


def score(q: dict[str, Any], result: Any, names: list[str]) -> dict[str, Any]:
    answer = result.answer or ""
    need, _ = facts_of(q["key"])
    lowered = answer.lower()
    foreign = sorted(f for f in foreign_facts(q["key"]) if f.lower() in lowered)
    looked = any(s.action == q["tool"] and q["key"] in str(s.action_input).upper() and not s.error
                 for s in result.steps if s.kind in ("react", "policy"))
    evidence = [result.query, *(s.observation for s in result.steps if s.kind in ("react", "policy") and s.observation
                                and s.action != "finish")]
    draft = next((s.action_input for s in result.steps if s.kind == "react" and s.action == "finish"), None)
    return {"key": q["key"], "answer": answer, "stop_reason": result.stop_reason,
            "states_record": all(f.lower() in lowered for f in need), "foreign": foreign,
            "right_tool": looked, "steps": sum(1 for s in result.steps if s.kind in ("react", "policy")),
            "seconds": round(result.seconds, 2),
            "draft_unsupported": [f.text for f in check_grounding(str(draft), evidence, names).unsupported]
            if draft is not None else [],
            "final_unsupported": [f.text for f in check_grounding(answer, evidence, names).unsupported]}


def before_spec(spec: Any) -> Any:
    """The customer-service domain as it was at ``BEFORE``: its prompts, its guards, no policies."""
    def old(path: str) -> str:
        return subprocess.run(["git", "show", f"{BEFORE}:{path}"], capture_output=True, text=True,
                              check=True).stdout.strip()

    root = "domains/customer_service/react_customer_service/prompts"
    shots = [old(f"{root}/few_shot/{n}") for n in ("01_card_arrival.txt", "02_lost_card.txt", "03_out_of_scope.txt")]
    guards = [g for g in spec.guards if g.require is None]
    return replace(spec, system_prompt=old(f"{root}/system.md"), few_shot=shots, guards=guards)


def summarize(rows: list[dict[str, Any]], timed: list[float]) -> dict[str, Any]:
    n = len(rows)
    return {"n": n,
            "states_record": round(100 * sum(r["states_record"] for r in rows) / n, 1),
            "states_foreign_fact": round(100 * sum(bool(r["foreign"]) for r in rows) / n, 1),
            "right_tool": round(100 * sum(r["right_tool"] for r in rows) / n, 1),
            "mean_steps": round(statistics.mean(r["steps"] for r in rows), 2),
            "answered": round(100 * sum(r["stop_reason"] == "final_answer" for r in rows) / n, 1),
            "drafts_with_unsupported": round(100 * sum(bool(r["draft_unsupported"]) for r in rows) / n, 1),
            "answers_with_unsupported": round(100 * sum(bool(r["final_unsupported"]) for r in rows) / n, 1),
            "median_seconds_one_at_a_time": round(statistics.median(timed), 1) if timed else None,
            "timed_n": len(timed), "rows": rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--timed", type=int, default=12, help="questions timed one at a time per agent")
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--settings", nargs="*", default=["shipped", "before"], choices=sorted(SETTINGS),
                    help="which agents to run (before+grounding: the before agent with the grounding check on)")
    ap.add_argument("--output", default="account_questions", help="results file name")
    args = ap.parse_args()
    from react_core.runtime import Runtime

    registry = load_plugins()
    spec = registry.domain("customer_service")
    qs = questions(data_dir())
    out: dict[str, Any] = {"questions": len(qs), "before_commit": BEFORE}
    with Runtime.load("gemma-3-270m", registry=registry) as runtime:
        adapter = runtime.adapter_for("customer_service")
        agents = {"shipped": (spec, AgentConfig()),
                  "before": (before_spec(spec), AgentConfig(constrained=False, grounding=False)),
                  "before+grounding": (before_spec(spec), AgentConfig(constrained=False))}
        for key in args.settings:
            label, (domain, config) = SETTINGS[key], agents[key]
            registry.domains["customer_service"] = domain
            agent = build_agent(registry, runtime.backend, "customer_service", config, adapter=adapter)
            names = agent.record_names()
            with ThreadPoolExecutor(args.concurrency) as pool:
                results = list(pool.map(agent.run, [q["question"] for q in qs]))
            rows = [score(q, r, names) for q, r in zip(qs, results)]
            timed = []
            for q in qs[: args.timed]:
                started = time.perf_counter()
                agent.run(q["question"])
                timed.append(time.perf_counter() - started)
            out[label] = summarize(rows, timed)
            print(label, {k: v for k, v in out[label].items() if k != "rows"}, flush=True)
        registry.domains["customer_service"] = spec
        out["device"] = f"{runtime.loaded.device.device} {runtime.loaded.device.dtype_name}"
    print("wrote", write_result(args.output, out))


if __name__ == "__main__":
    main()
