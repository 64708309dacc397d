"""The customer-service ReAct agent end to end: the intent its answers name, on test queries.

Runs the domain's agent (its prompt, few-shot examples, its out-of-scope guard unless
``--no-guards``, and tools: ``search_faq``, the account tools on a fresh demo bank, and
``classify_intent`` for an adapter named ``NAME+classify``) over the batched engine on an evenly
spread sample of Banking77 test queries, on the out-of-scope test queries and (``--hand-over
N``) on requests for a person, and reads the ``Intent: <label>.`` line of each final answer
(``handed_over``: the run recorded an escalation, with ``escalate_to_human`` or in
``classify_intent``; ``refused_by_guard``: the out-of-scope screen answered;
``claims_unmade_action``: the answer's ``Action taken:`` names an action although the run called
no account tool and handed nothing over; ``draft_claims_unmade_action``: the same for the model's
own draft, before the ``action_record`` guard wrote what the run did). ``--with-ids N`` adds N test queries of intents that
have an account tool, each with an id added in the builder's own sentence (``My customer id is
C1001.``, ``The transfer is TR-3001.`` ...); ``called_account_tool`` is the share of those runs
that called that tool. Every adapter given is run on the same queries in the same process
(``name=path``), so the figures compare side by side.

    .venv/bin/python benchmarks/customer_service_agent.py --limit 60 --oos 20 \
        --adapter shipped+classify=domains/customer_service/react_customer_service/adapter \
        --adapter previous=.cache/cs-adapter-head
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from results_io import write_result  # noqa: E402

from react_core import Agent, AgentConfig, data_dir  # noqa: E402
from react_core.agent import review_steps  # noqa: E402
from react_customer_service.builder import ACCOUNT_IDS  # noqa: E402
from react_customer_service.evaluation import load_intent, load_out_of_scope  # noqa: E402
from react_customer_service.intents import hand_over_queries  # noqa: E402
from react_customer_service.scope import hand_over_step  # noqa: E402

INTENT = re.compile(r"Intent:\s*([A-Za-z_?]+?)\.?(?:\s|$)")
CITATION = re.compile(r"\[[\w-]+\.md#\d+\]")
ACTION_TAKEN = re.compile(r"Action taken:\s*(.*?)\.?\s*$", re.DOTALL)
ACCOUNT_TOOLS = {entry[1] for entry in ACCOUNT_IDS}


def claims_unmade_action(answer: str | None, actions: list[str | None], escalated: bool) -> bool:
    """The answer's ``Action taken:`` names an action (not ``none``) although the run called no
    account tool and handed nothing over: a claim the run does not back."""
    match = ACTION_TAKEN.search(answer or "")
    claimed = match is not None and not match.group(1).strip().lower().startswith("none")
    return claimed and not escalated and not ACCOUNT_TOOLS & set(actions)


def named_intent(answer: str | None) -> str | None:
    match = INTENT.search(answer or "")
    return match.group(1) if match else None


def with_ids(examples: list[dict], n: int) -> list[dict]:
    """``n`` of ``examples`` (evenly spread) whose intent has an account tool, each with an id added
    as the builder adds one (ids taken in turn); ``tool`` names the tool the run should call."""
    rows = [(e, entry) for e in examples for entry in ACCOUNT_IDS if e["reference"] in entry[0]]
    rows = rows[::max(1, len(rows) // n)][:n]
    return [{"text": template.format(query=e["text"], id=ids[i % len(ids)]), "reference": e["reference"], "tool": tool}
            for i, (e, (_, tool, ids, template, _)) in enumerate(rows)]


def run_adapter(backend, spec, examples, *, adapter: str, concurrency: int, classifier=None, guards=True) -> dict:
    from react_customer_service.spec import build_tools

    config = AgentConfig(max_steps=6, max_new_tokens=160, max_seconds=900)
    with tempfile.TemporaryDirectory() as tmp:
        tools = build_tools(db_path=Path(tmp) / "bank.db", classifier=classifier)
        spec = replace(spec, tools=tools, guards=spec.guards if guards else [])
        agent = Agent.from_domain(backend, spec, adapter=adapter, config=config)

        def one(example: dict) -> dict:
            result = agent.run(example["text"])
            actions = [s.action for s in result.steps]
            reviews = set(review_steps(result.steps))
            escalated = "escalate_to_human" in actions or hand_over_step(result.steps) is not None
            draft = next((s.action_input for s in result.steps if s.kind == "guard" and s.action == "action_record"),
                         result.answer)
            row = {"text": example["text"], "reference": example["reference"],
                   "named": named_intent(result.answer), "stop_reason": result.stop_reason,
                   "cited": bool(CITATION.search(result.answer or "")),
                   "action_shown": "Action taken:" in (result.answer or ""),
                   "classified": "classify_intent" in actions,
                   "screened": any(s.kind == "guard" for i, s in enumerate(result.steps) if i not in reviews),
                   "escalated": escalated,
                   "unbacked_action": claims_unmade_action(result.answer, actions, escalated),
                   "draft_unbacked_action": claims_unmade_action(draft, actions, escalated),
                   "answer": result.answer, "steps": len(result.steps)}
            if "tool" in example:
                row["account_tool"] = example["tool"] in actions
            return row

        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            rows = list(pool.map(one, examples))
    seconds = time.perf_counter() - start
    n = len(rows)
    return {"n": n, "named_intent_accuracy": round(sum(r["named"] == r["reference"] for r in rows) / n, 4),
            "answered": round(sum(r["stop_reason"] == "final_answer" for r in rows) / n, 4),
            "cited_faq": round(sum(r["cited"] for r in rows) / n, 4),
            "action_shown": round(sum(r["action_shown"] for r in rows) / n, 4),
            "called_classifier": round(sum(r["classified"] for r in rows) / n, 4),
            "refused_by_guard": round(sum(r["screened"] for r in rows) / n, 4),
            "handed_over": round(sum(r["escalated"] for r in rows) / n, 4),
            "claims_unmade_action": round(sum(r["unbacked_action"] for r in rows) / n, 4),
            "draft_claims_unmade_action": round(sum(r["draft_unbacked_action"] for r in rows) / n, 4),
            **({"called_account_tool": round(sum(r["account_tool"] for r in rows) / n, 4)}
               if all("account_tool" in r for r in rows) else {}),
            "stop_reasons": dict(Counter(r["stop_reason"] for r in rows)), "seconds": round(seconds),
            "rows": rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--adapter", action="append", required=True,
                    help="name=path (repeat); name+classify=path gives that agent the classify_intent tool")
    ap.add_argument("--limit", type=int, default=100, help="in-scope test queries (evenly spread)")
    ap.add_argument("--oos", type=int, default=30, help="out-of-scope test queries")
    ap.add_argument("--hand-over", type=int, default=0,
                    help="requests for a person (data/hand_over_test.txt; 12 in all)")
    ap.add_argument("--with-ids", type=int, default=0,
                    help="test queries of intents with an account tool, with an id added (the builder's sentences)")
    ap.add_argument("--split", default="test")
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--data-dir")
    ap.add_argument("--no-guards", dest="guards", action="store_false",
                    help="without the domain's out-of-scope guard (as runs before it was shipped)")
    ap.add_argument("--output", default="customer_service_agent", help="results file name (benchmarks/results/NAME.json)")
    args = ap.parse_args()

    from react_core.runtime import Runtime
    from react_customer_service.spec import CLASSIFIER, SPEC

    root = data_dir(args.data_dir)
    os.environ["REACT_DATA_DIR"] = str(root)  # the domain's classifier (tool and guard) trains on the same data
    sets = {"intent": load_intent(root, args.split, args.limit), "out_of_scope": load_out_of_scope(root, args.split, args.oos)}
    if args.with_ids:
        sets["with_ids"] = with_ids(load_intent(root, args.split, None), args.with_ids)
    if args.hand_over:
        sets["hand_over"] = [{"text": q, "reference": "escalate_to_human"} for q in hand_over_queries()[:args.hand_over]]
    runtime = Runtime.load()
    results: dict = {}
    for item in args.adapter:
        name, path = item.split("=", 1)
        classifier = CLASSIFIER if name.endswith("+classify") else None
        adapter = f"cs_{name.removesuffix('+classify')}"
        runtime.store.install(adapter, Path(path))
        for set_name, examples in sets.items():
            out = run_adapter(runtime.backend, SPEC, examples, adapter=adapter, concurrency=args.concurrency,
                              classifier=classifier, guards=args.guards)
            results.setdefault(name, {})[set_name] = out
            print(name, set_name, {k: v for k, v in out.items() if k != "rows"}, flush=True)
    runtime.close()
    print("wrote", write_result(args.output, {"split": args.split, "guards": args.guards, "results": results}))


if __name__ == "__main__":
    main()
