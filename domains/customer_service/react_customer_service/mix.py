"""The stage-2 training mix of the shipped adapter: every trajectory plus a seeded sample of pairs.

    python -m react_customer_service.mix .cache/cs-continue.jsonl [--data-dir DIR]

writes 450 direct intent pairs, 50 out-of-scope pairs and all ReAct trajectories of the
builder, shuffled with ``random.Random(0)`` (see docs/domains/customer_service.md, Training).
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

from react_customer_service.builder import build_training_data
from react_customer_service.intents import OUT_OF_SCOPE


def continuation_mix(data_dir: Path, *, pairs: int = 450, out_of_scope: int = 50, seed: int = 0) -> list[dict[str, Any]]:
    records = list(build_training_data(data_dir))
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
    args = parser.parse_args()
    records = continuation_mix(data_dir(args.data_dir))
    write_bytes_atomic(args.out, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode())
    print(f"wrote {len(records)} records to {args.out}")


if __name__ == "__main__":
    main()
