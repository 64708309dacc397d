"""How often the medical emergency screen fires on other domains' questions.

``medical_emergency`` is an ``everywhere`` guard: it screens questions in every domain. Each
time it fires on a question that is not an emergency, a user of another domain gets an
emergency pointer instead of an answer. This counts the fires on public non-medical data
(test/validation splits only) and lists every one, so a reader can judge them.

    .venv/bin/python -m benchmarks.medical_guard_elsewhere   # -> benchmarks/results/medical_guard_elsewhere.json
"""

from __future__ import annotations

import csv
import json

from benchmarks.results_io import write_result
from react_core.paths import data_dir
from react_medical.guards import emergency_screen
from react_medical.safety import emergency_kind


def sources(root):
    with (root / "banking77" / "test.csv").open(encoding="utf-8") as fh:
        yield "banking77 test (customer_service)", [r["text"] for r in csv.DictReader(fh)]
    clinc = json.loads((root / "clinc150" / "data_full.json").read_text(encoding="utf-8"))
    yield "clinc150 test, 150 everyday intents", [q for q, _ in clinc["test"]]
    yield "clinc150 out-of-scope test", [q for q, _ in clinc["oos_test"]]
    with (root / "twitter_financial_news_sentiment" / "sent_valid.csv").open(encoding="utf-8") as fh:
        yield "twitter financial news validation (finance)", [r["text"] for r in csv.DictReader(fh)]
    lines = (root / "multi30k" / "test_2016_flickr.en").read_text(encoding="utf-8").splitlines()
    yield "multi30k test 2016 English captions (translation)", [line for line in lines if line.strip()]


def main() -> None:
    figures = {}
    for name, texts in sources(data_dir(None)):
        fired = [{"text": t, "kind": emergency_kind(t)} for t in texts if emergency_screen(t) is not None]
        figures[name] = {"n": len(texts), "fired": len(fired), "rate": round(len(fired) / len(texts), 5),
                         "examples": fired}
        print(f"{name}: fired on {len(fired)} of {len(texts)}")
        for f in fired:
            print(f"   [{f['kind']}] {f['text']}")
    print("wrote", write_result("medical_guard_elsewhere", figures))


if __name__ == "__main__":
    main()
