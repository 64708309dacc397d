"""Adapter operations on the real base: load (switch-in) and merge latency, memory for 5 domains.

Random rank-8 LoRA adapters on q/k/v/o projections (untrained; latency and memory do not
depend on the values). Medians over --repeats. Memory compares one base holding 5
adapters with 5 merged copies of the model (parameter bytes, computed, not RSS).
Usage:  .venv/bin/python benchmarks/adapter_ops.py [--model gemma-3-270m] [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from results_io import write_result

NAMES = ("customer_service", "finance", "recommendation", "medical", "translation")


def _ms(samples: list[float]) -> float:
    return round(1000 * statistics.median(samples), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="gemma-3-270m")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    from react_core.adapters.spec import AdapterSpec
    from react_core.adapters.store import AdapterStore
    from react_core.adapters.testing import random_lora_adapter
    from react_core.models.loading import load_causal_lm

    loaded = load_causal_lm(args.model)
    model = loaded.model
    base_bytes = sum(p.numel() * p.element_size() for p in model.parameters())
    figures: dict = {"model": args.model, "dtype": loaded.device.dtype_name, "repeats": args.repeats,
                     "adapter_kind": "random LoRA rank 8 on q_proj,k_proj,v_proj,o_proj (untrained)"}
    with tempfile.TemporaryDirectory() as tmp:
        dirs = {n: random_lora_adapter(model, Path(tmp) / n, name=n, seed=i, rank=8,
                                       fingerprint=loaded.fingerprint, base_name=args.model)
                for i, n in enumerate(NAMES)}
        store = AdapterStore(model, fingerprint=loaded.fingerprint, max_loaded=8, max_merges=64)
        for n, d in dirs.items():
            store.install(n, d)
        for n in NAMES:
            store.ensure_loaded(n)
        loads = []
        for _ in range(args.repeats):  # reload one adapter from disk (eviction + lazy load)
            store.unload("finance")
            start = time.perf_counter()
            store.ensure_loaded("finance")
            loads.append(time.perf_counter() - start)
        set_adapter = []
        for i in range(args.repeats * 4):  # the global switch a sequential server does
            start = time.perf_counter()
            store.peft_model.set_adapter(NAMES[i % len(NAMES)])
            set_adapter.append(time.perf_counter() - start)
        figures["load_adapter_from_disk_ms"] = _ms(loads)
        figures["peft_set_adapter_ms"] = _ms(set_adapter)
        figures["engine_switch_ms"] = 0.0
        figures["engine_switch_note"] = "the engine selects adapters per row (adapter_names): no switch step"
        merges: dict[str, float] = {}
        for method, names in [("cat", NAMES[:2]), ("svd", NAMES[:2]), ("ties", NAMES[:2]),
                              ("dare_ties", NAMES[:2]), ("cat", NAMES)]:
            samples = []
            for r in range(args.repeats):
                w = 0.3 + 0.01 * r  # a new weight each time: no cache hit
                weights = {n: (w if i == 0 else (1 - w) / (len(names) - 1)) for i, n in enumerate(names)}
                start = time.perf_counter()
                store.select(AdapterSpec.merge(weights, method=method))
                samples.append(time.perf_counter() - start)
            merges[f"{method}_{len(names)}_adapters_ms"] = _ms(samples)
        hit = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            store.select(AdapterSpec.merge({NAMES[0]: 0.3, NAMES[1]: 0.7}))
            hit.append(time.perf_counter() - start)
        merges["cached_merge_hit_ms"] = _ms(hit)
        figures["merge"] = merges
        sizes = store.memory_bytes()
        adapter_bytes = sum(sizes[n] for n in NAMES)
    figures["memory"] = {
        "base_mb": round(base_bytes / 2**20, 1),
        "five_adapters_mb": round(adapter_bytes / 2**20, 2),
        "one_base_plus_five_adapters_mb": round((base_bytes + adapter_bytes) / 2**20, 1),
        "five_merged_models_mb": round(5 * base_bytes / 2**20, 1),
        "ratio": round(5 * base_bytes / (base_bytes + adapter_bytes), 2),
        "note": "parameter bytes; adapters are held in fp32 by PEFT, the base in " + loaded.device.dtype_name,
    }
    path = write_result("adapter_ops", figures)
    print(figures)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
