"""Cross-domain run on the real models: a customer asks in German, the banking adapter reasons in
English, the translation adapter writes the question in English and the answer back in German.
Each question runs twice: plain, and with the package's example banking glossary
(``data/banking_glossary.tsv``: Karte = card ...) in the rewrite prompts.

One base model in memory (``react_core.Runtime``: every installed domain's adapter), the
customer-service agent with the translation plugin's rewrite steps. Writes each run's steps to
benchmarks/results/crossdomain_translation.json. Loads the real model:

    flock /tmp/react-heavy.lock .venv/bin/python -m benchmarks.translation_crossdomain
"""

from __future__ import annotations

import argparse
import time

from react_core import Agent, AgentConfig, Runtime

from react_translation.glossary import load_glossary
from react_translation.rewrite import rewrites
from react_translation.terms import data_file

from benchmarks.results_io import write_result

QUESTIONS = [
    "Meine neue Karte ist noch nicht angekommen. Wann kommt sie?",
    "Ich habe meine Karte verloren, was soll ich tun?",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domain", default="customer_service")
    parser.add_argument("--max-steps", type=int, default=4)
    args = parser.parse_args()
    runtime = Runtime.load()
    spec = runtime.registry.domain(args.domain)
    runs = []
    try:
        for use_glossary in (False, True):
            glossary = load_glossary(data_file("banking_glossary.tsv")) if use_glossary else None
            to_english, back = rewrites(adapter=runtime.adapter_for("translation"), glossary=glossary)
            agent = Agent.from_domain(runtime.backend, spec, adapter=runtime.adapter_for(args.domain),
                                      config=AgentConfig(max_steps=args.max_steps, max_new_tokens=96,
                                                         max_seconds=300),
                                      query_rewrite=to_english, answer_rewrite=back)
            for question in QUESTIONS:
                start = time.perf_counter()
                result = agent.run(question)
                steps = [{"kind": s.kind, "adapter": s.adapter, "action": s.action, "action_input": s.action_input,
                          "observation": s.observation, "error": s.error, "raw_output": s.raw_output}
                         for s in result.steps]
                runs.append({"question": question, "glossary": use_glossary, "answer": result.answer,
                             "stop_reason": result.stop_reason, "seconds": round(time.perf_counter() - start, 1),
                             "steps": steps})
                print(f"Q: {question} (glossary: {use_glossary})\nA: {result.answer}  "
                      f"({runs[-1]['seconds']} s, {result.stop_reason})")
                for s in steps:
                    print(f"   [{s['kind']} {s['adapter']}] {s['action']}: {str(s['observation'])[:160]} "
                          f"| error: {s['error']} | raw: {str(s['raw_output'])[:200]!r}")
    finally:
        runtime.close()
    print(f"written to {write_result('crossdomain_translation', {'domain': args.domain, 'runs': runs})}")


if __name__ == "__main__":
    main()
