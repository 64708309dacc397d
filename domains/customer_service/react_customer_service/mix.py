"""The stage-2 training mix of the shipped adapter: every trajectory plus a seeded sample of pairs.

    python -m react_customer_service.mix .cache/cs-continue.jsonl [--data-dir DIR] [--agent-head]

writes 450 direct intent pairs, 50 out-of-scope pairs and all ReAct trajectories of the
builder, shuffled with ``random.Random(0)`` (see docs/domains/customer_service.md, Training).
With ``--agent-head`` every trajectory starts with the agent's own prompt head (system prompt,
tool list, few-shot examples) as a masked system turn, so the adapter learns in the context
it runs in.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

from react_customer_service.builder import build_training_data
from react_customer_service.intents import OUT_OF_SCOPE


def agent_prompt_head(*, index: Any | None = None, classifier: Any | None = None) -> str:
    """The prompt head the domain's agent writes: system prompt, tool list and few-shot examples."""
    import dataclasses
    import tempfile

    from react_core import Agent

    from react_customer_service.spec import SPEC, build_tools

    with tempfile.TemporaryDirectory() as tmp:
        tools = build_tools(db_path=Path(tmp) / "bank.db", index=index, classifier=classifier)
        return Agent.from_domain(None, dataclasses.replace(SPEC, tools=tools)).prompt.head  # type: ignore[arg-type]


def continuation_mix(data_dir: Path, *, pairs: int = 450, out_of_scope: int = 50, seed: int = 0,
                     head: str | None = None) -> list[dict[str, Any]]:
    """The seeded mix; ``head`` (e.g. ``agent_prompt_head()``) is put in front of every trajectory."""
    from react_core.training import with_prompt_head

    records = list(build_training_data(data_dir))
    if head is not None:
        records = with_prompt_head(records, head)
    trajectories = [r for r in records if "messages" in r]
    direct = [r for r in records if "messages" not in r]
    oos = [r for r in direct if r.get("completion", "").strip() == OUT_OF_SCOPE]
    intents = [r for r in direct if r.get("completion", "").strip() != OUT_OF_SCOPE]
    rng = random.Random(seed)
    chosen = rng.sample(intents, pairs) + rng.sample(oos, out_of_scope) + trajectories
    rng.shuffle(chosen)
    return chosen


def main() -> None:
    from react_core import data_dir, write_bytes_atomic

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--agent-head", action="store_true",
                        help="start every trajectory with the agent's prompt head (masked)")
    args = parser.parse_args()
    records = continuation_mix(data_dir(args.data_dir), head=agent_prompt_head() if args.agent_head else None)
    write_bytes_atomic(args.out, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode())
    print(f"wrote {len(records)} records to {args.out}")


if __name__ == "__main__":
    main()
