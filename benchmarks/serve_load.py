"""Load on ``react serve``: N concurrent clients for a bounded time, on loopback only.

Reports requests/s, p50/p95/p99 latency, failed and lost requests (a lost request is a
200 without the full answer, or a stream without ``[DONE]``), and the process's RSS at
start and end (memory must stay flat). The server runs on 127.0.0.1 in this process.

    # framework overhead: a scripted model (two agent steps, one tool call per request)
    python benchmarks/serve_load.py --clients 16 --seconds 120
    # the real base model (raw completions through the batched engine)
    python benchmarks/serve_load.py --backend model --endpoint completions --clients 16 --seconds 60
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_CLIENTS, MAX_SECONDS = 64, 300  # bounds: this is a benchmark, not a stress tool
QUESTION = "What is the answer?"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    lost: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, status: str, lost: bool) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            self.lost += lost


def one_request(client: Any, endpoint: str, stream: bool, model: str, expect: str | None, tokens: int) -> tuple[str, bool]:
    """Send one request; return its status and whether it was lost (incomplete)."""
    if endpoint == "chat":
        body = {"model": model, "messages": [{"role": "user", "content": QUESTION}], "stream": stream,
                "max_tokens": tokens}
        path = "/v1/chat/completions"
    else:
        body = {"model": model, "prompt": "The three most useful things a bank's support assistant can do are",
                "max_tokens": tokens, "stream": stream}
        path = "/v1/completions"
    if not stream:
        r = client.post(path, json=body)
        if r.status_code != 200:
            return str(r.status_code), False
        data = r.json()
        text = data["choices"][0]["message"]["content"] if endpoint == "chat" else data["choices"][0]["text"]
        return "200", (expect is not None and text != expect) or (expect is None and not text)
    parts, done = [], False
    with client.stream("POST", path, json=body) as r:
        if r.status_code != 200:
            r.read()
            return str(r.status_code), False
        for line in r.iter_lines():
            if line == "data: [DONE]":
                done = True
            elif line.startswith("data: "):
                chunk = json.loads(line[6:])
                for c in chunk.get("choices", []):
                    parts.append((c.get("delta") or {}).get("content") or c.get("text") or "")
    text = "".join(parts)
    return "200", not done or (expect is not None and text != expect) or (expect is None and not text)


def run_load(url: str, *, clients: int, seconds: float, endpoint: str = "chat", model: str = "guide",
             expect: str | None = None, tokens: int = 64, sample_every: float = 10.0) -> dict[str, Any]:
    """``clients`` threads send requests (alternately non-streamed and streamed) for ``seconds``."""
    import httpx

    if not url.startswith(("http://127.0.0.1", "http://localhost", "http://[::1]")):
        raise ValueError("the load test only targets loopback addresses")
    clients, seconds = min(clients, MAX_CLIENTS), min(seconds, MAX_SECONDS)
    tally = Tally()
    stop_at = time.monotonic() + seconds
    samples = [(0.0, rss_mb())]
    started = time.monotonic()

    def client_loop(i: int) -> None:
        with httpx.Client(base_url=url, timeout=120) as c:
            n = 0
            while time.monotonic() < stop_at:
                t0 = time.perf_counter()
                try:
                    status, lost = one_request(c, endpoint, (n + i) % 2 == 1, model, expect, tokens)
                except Exception as exc:  # noqa: BLE001 - a failed request is counted, not raised
                    status, lost = type(exc).__name__, False
                tally.add(time.perf_counter() - t0, status, lost)
                n += 1

    threads = [threading.Thread(target=client_loop, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    while time.monotonic() < stop_at:
        time.sleep(min(sample_every, max(stop_at - time.monotonic(), 0.0)))
        samples.append((round(time.monotonic() - started, 1), rss_mb()))
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    lat = sorted(tally.latencies)
    q = statistics.quantiles(lat, n=100) if len(lat) >= 2 else [lat[0]] * 99 if lat else [0.0] * 99
    ok = tally.statuses.get("200", 0)
    return {"clients": clients, "seconds": round(wall, 1), "endpoint": endpoint, "requests": len(lat),
            "ok": ok, "failed": len(lat) - ok, "lost": tally.lost, "statuses": tally.statuses,
            "requests_per_s": round(len(lat) / wall, 1), "p50_ms": round(q[49] * 1000, 1),
            "p95_ms": round(q[94] * 1000, 1), "p99_ms": round(q[98] * 1000, 1),
            "rss_mb_start": round(samples[0][1], 1), "rss_mb_end": round(samples[-1][1], 1),
            "rss_mb_samples": [(t, round(m, 1)) for t, m in samples]}


def scripted_service() -> Any:
    """A service whose model is scripted: each request is two agent steps and one tool call."""
    from react_core import DomainSpec, hookimpl, new_registry, tool
    from react_core.engine.backend import Generation, cut_at_stop
    from react_core.serving import Service

    @tool
    def lookup(query: str) -> str:
        """Look a question up.

        Args:
            query: What to look up.
        """
        return f"[d1] The Guide (score 0.9): the answer to {query} is forty-two"

    def answer(prompt: str) -> str:
        if "Observation:" in prompt.rsplit("Question:", 1)[-1]:
            return " The guide answers it.\nFinal Answer: Forty-two [d1]."
        return " I should look this up.\nAction: lookup[the question]"

    class Plugin:
        @hookimpl
        def react_register_domains(self, register: Any) -> None:
            register(DomainSpec("guide", "questions about the guide", tools=[lookup]))

    class Scripted:  # like agent.testing.ScriptedBackend, without recording every call (memory stays flat)
        def generate(self, prompt: str, *, stop: Any = (), **_: Any) -> Generation:
            text, found = cut_at_stop(answer(prompt), stop)
            return Generation(text, "stop", len(prompt.split()), len(text.split()), found)

        def stream(self, prompt: str, *, stop: Any = (), **_: Any) -> Any:
            text = self.generate(prompt, stop=stop).text
            for i in range(0, len(text), 4):
                yield text[i:i + 4]

    registry = new_registry([("bench", Plugin())], defaults=False)
    return Service(Scripted(), registry)  # type: ignore[arg-type]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--backend", choices=("scripted", "model"), default="scripted")
    ap.add_argument("--model", default="gemma-3-270m", help="base model for --backend model")
    ap.add_argument("--endpoint", choices=("chat", "completions"), default="chat")
    ap.add_argument("--tokens", type=int, default=32, help="max_tokens per request")
    ap.add_argument("--out", default=None, help="result name under benchmarks/results (default: serve_load_BACKEND)")
    args = ap.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from results_io import write_result

    from react_core.serving.server import ServerThread
    from react_core.serving.settings import ServerSettings

    if args.backend == "scripted":
        service, model, expect = scripted_service(), "guide", "Forty-two [d1]."
    else:
        from react_core.serving import Service

        service = Service.load(args.model, warm=False)  # REACT_LOAD_PLUGINS= keeps installed domains out
        model, expect = ("base" if args.endpoint == "completions" else "auto"), None
    settings = ServerSettings(max_concurrent=max(args.clients, 1), max_queue=max(args.clients, 1))
    with ServerThread(service, settings) as server:
        figures = run_load(server.url, clients=args.clients, seconds=args.seconds, endpoint=args.endpoint,
                           model=model, expect=expect, tokens=args.tokens)
    if service.runtime is not None:
        figures["engine"] = service.runtime.engine.stats.as_dict()
        service.close()
    figures["backend"] = args.backend
    path = write_result(args.out or f"serve_load_{args.backend}_{args.endpoint}", figures)
    print(json.dumps({k: v for k, v in figures.items() if k != "rss_mb_samples"}, indent=2))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
