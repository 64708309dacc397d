"""Cross-domain questions: one domain's adapter, runtime merges, or a different adapter per step.

The set: 40 German customer questions (benchmarks/data/cross_domain_de_banking.jsonl, German
renderings of Banking77 test queries), scored as intent accuracy with the customer-service
prompt and parser. Methods, all through one Runtime (one base model, the installed adapters):

- ``base``: no adapter;
- ``single: customer_service``: the banking adapter reads the German question as it is;
- ``merge cat|svd|ties``: customer_service + translation merged at run time (weights 1 and 1);
- ``per step``: the translation adapter writes the question in English, then the banking
  adapter names the intent (what ``Agent(query_rewrite=...)`` does);
- ``reference: English original``: the banking adapter on the original English query (the
  ceiling for the German set).

    .venv/bin/python benchmarks/cross_domain.py     # writes benchmarks/results/cross_domain.json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from react_core import Runtime

from results_io import write_result

DATA = Path(__file__).resolve().parent / "data" / "cross_domain_de_banking.jsonl"
MERGES = ("cat", "svd", "ties")


def _generate_all(engine, prompts: list[str], adapter: str | None, max_new_tokens: int, stop=("\n",)) -> list[str]:
    handles = [engine.submit(p, adapter=adapter, max_new_tokens=max_new_tokens, stop=stop) for p in prompts]
    return [h.result().text for h in handles]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="gemma-3-270m")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()

    from react_customer_service.intents import intent_prompt, parse_intent
    from react_translation import translation_prompt

    items = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()][:args.limit]
    with Runtime.load(args.model) as runtime:
        installed = runtime.adapters()
        missing = {"customer_service", "translation"} - set(installed)
        if missing:
            raise SystemExit(f"adapters {sorted(missing)} are not installed (installed: {installed}); "
                             "pip install -e domains/customer_service domains/translation")
        engine = runtime.engine

        def accuracy(texts: list[str], adapter: str | None) -> float:
            out = _generate_all(engine, [intent_prompt(t) for t in texts], adapter, 17)
            return sum(parse_intent(o) == it["intent"] for o, it in zip(out, items)) / len(items)

        german = [it["text_de"] for it in items]
        methods: dict[str, dict] = {}
        timings: dict[str, float] = {}

        def record(name: str, value: float, note: str, started: float) -> None:
            methods[name] = {"metric": "accuracy", "value": round(value, 4), "n": len(items), "note": note}
            timings[name] = round(time.perf_counter() - started, 1)
            print(f"{name:32s} {value:.3f}  ({timings[name]} s)", flush=True)

        t = time.perf_counter()
        record("base", accuracy(german, None), "no adapter", t)
        t = time.perf_counter()
        record("single: customer_service", accuracy(german, "customer_service"), "banking adapter, German text", t)
        for method in MERGES:
            t = time.perf_counter()
            spec = f"customer_service=1+translation=1;method={method}"
            record(f"merge {method}", accuracy(german, spec), spec, t)
        t = time.perf_counter()
        english = _generate_all(engine, [translation_prompt(g, "de", "en") for g in german], "translation", 64)
        record("per step: translate, then classify", accuracy([e.strip() for e in english], "customer_service"),
               "translation adapter de->en, then the banking adapter", t)
        t = time.perf_counter()
        record("reference: English original", accuracy([it["text_en"] for it in items], "customer_service"),
               "banking adapter on the original English query (ceiling)", t)
    write_result("cross_domain", {"sets": {"German banking questions (intent accuracy)": methods},
                                  "seconds": timings, "model": args.model,
                                  "translations": [{"de": g, "en": e.strip()} for g, e in zip(german, english)]})


if __name__ == "__main__":
    main()
