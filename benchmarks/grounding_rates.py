"""How often the agents' answers state a fact the run did not look up, before and after the
grounding check, for the customer-service, finance and medical agents as ``react chat --domain``
builds them, on test questions.

    .venv/bin/python -m benchmarks.grounding_rates        # ~15 min on 2 CPU cores

"Before" is the model's draft (what the answer was before the check existed, given the same
run), "after" the answer returned; both are checked with ``react_core.agent.grounding`` against
the run's evidence (question and observations). Questions, 60 per domain, evenly spread over
each test split: Banking77 test messages; Financial PhraseBank test sentences in the two
wordings of ``benchmarks/finance_agent.py``; PubMedQA test questions (the question alone: the
agent searches the literature). Four questions in flight at a time.
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from benchmarks.results_io import write_result
from react_core import load_plugins
from react_core.agent import AgentConfig
from react_core.agent.build import build_agent
from react_core.agent.grounding import check_grounding
from react_core.agent.repair import evidence
from react_core.domain import evenly_spread
from react_core.paths import data_dir


def questions(domain: str, limit: int) -> list[str]:
    root = data_dir()
    if domain == "customer_service":
        rows = list(csv.DictReader((root / "banking77" / "test.csv").open(encoding="utf-8")))
        return [r["text"] for r in evenly_spread(rows, limit)]
    if domain == "finance":
        from benchmarks.finance_agent import questions as finance_questions

        return [q["text"] for q in finance_questions(root, "test", limit)]
    from react_medical.pubmedqa import read_split

    return [item.question for item in evenly_spread(read_split(root, "test"), limit)]


def rates(results: list[Any], names: list[str]) -> dict[str, Any]:
    drafts = finals = answered = 0
    examples = []
    for r in results:
        draft = next((s.action_input for s in r.steps if s.kind == "react" and s.action == "finish"), None)
        if draft is None:
            continue
        answered += 1
        texts = evidence(r.query, r.steps)
        before = check_grounding(str(draft), texts, names).unsupported
        after = check_grounding(r.answer or "", texts, names).unsupported
        drafts += bool(before)
        finals += bool(after)
        if before and len(examples) < 5:
            examples.append({"question": r.query, "unsupported": [f.text for f in before],
                             "repair": (r.grounding or {}).get("repair"), "answer": r.answer})
    n = max(answered, 1)
    return {"n": len(results), "model_answers": answered,
            "stop_reasons": dict(Counter(r.stop_reason for r in results)),
            "drafts_with_unsupported": round(100 * drafts / n, 1),
            "answers_with_unsupported": round(100 * finals / n, 1), "examples": examples}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=60)
    ap.add_argument("--domains", nargs="*", default=["customer_service", "finance", "medical"])
    args = ap.parse_args()
    from react_core.runtime import Runtime

    registry = load_plugins()
    out: dict[str, Any] = {}
    with Runtime.load("gemma-3-270m", registry=registry) as runtime:
        for domain in args.domains:
            agent = build_agent(registry, runtime.backend, domain, AgentConfig(), adapter=runtime.adapter_for(domain))
            with ThreadPoolExecutor(4) as pool:
                results = list(pool.map(agent.run, questions(domain, args.limit)))
            out[domain] = rates(results, agent.record_names())
            print(domain, {k: v for k, v in out[domain].items() if k != "examples"}, flush=True)
        out["device"] = f"{runtime.loaded.device.device} {runtime.loaded.device.dtype_name}"
    print("wrote", write_result("grounding_rates", out))


if __name__ == "__main__":
    main()
