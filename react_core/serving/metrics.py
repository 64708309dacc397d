"""Prometheus metrics in the text exposition format, by hand (no dependency): counters,
gauges and one latency histogram, safe to update from any thread."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)


def _labels(pairs: tuple[tuple[str, str], ...]) -> str:
    if not pairs:
        return ""
    body = ",".join(f'{k}="{v.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"' for k, v in pairs)
    return "{" + body + "}"


class Metrics:
    """The server's numbers: requests by route and status, latency, tokens, agent stops, queue depth."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: dict[str, dict[tuple[tuple[str, str], ...], float]] = defaultdict(dict)
        self._hist_counts: dict[str, list[int]] = defaultdict(lambda: [0] * (len(BUCKETS) + 1))
        self._hist_sums: dict[str, float] = defaultdict(float)
        self._gauges: dict[str, Callable[[], float]] = {}
        self._kinds: dict[str, str] = {}
        self._help: dict[str, str] = {}

    def describe(self, name: str, text: str) -> None:
        self._help[name] = text

    def inc(self, name: str, value: float = 1.0, **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        with self._lock:
            series = self._counters[name]
            series[key] = series.get(key, 0.0) + value

    def observe(self, route: str, seconds: float) -> None:
        with self._lock:
            counts = self._hist_counts[route]
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    counts[i] += 1
                    break
            else:
                counts[-1] += 1
            self._hist_sums[route] += seconds

    def gauge(self, name: str, read: Callable[[], float], help: str, *, kind: str = "gauge") -> None:  # noqa: A002
        """A number read when the metrics are rendered; ``kind="counter"`` for one that only grows
        (a count kept elsewhere, such as the engine's)."""
        if kind not in ("gauge", "counter"):
            raise ValueError(f"kind must be 'gauge' or 'counter', got {kind!r}")
        self._gauges[name] = read
        self._kinds[name] = kind
        self._help[name] = help

    def value(self, name: str, **labels: str) -> float:
        with self._lock:
            return self._counters[name].get(tuple(sorted(labels.items())), 0.0)

    def render(self) -> str:
        """The text exposition format (``text/plain; version=0.0.4``)."""
        out: list[str] = []
        with self._lock:
            for name, series in sorted(self._counters.items()):
                out.append(f"# HELP {name} {self._help.get(name, name)}")
                out.append(f"# TYPE {name} counter")
                out.extend(f"{name}{_labels(k)} {v:g}" for k, v in sorted(series.items()))
            hist = "react_request_duration_seconds"
            out.append(f"# HELP {hist} request latency, seconds, by route")
            out.append(f"# TYPE {hist} histogram")
            for route, counts in sorted(self._hist_counts.items()):
                running = 0
                for bound, n in zip((*BUCKETS, float("inf")), counts):
                    running += n
                    le = "+Inf" if bound == float("inf") else f"{bound:g}"
                    out.append(f'{hist}_bucket{{route="{route}",le="{le}"}} {running}')
                out.append(f'{hist}_sum{{route="{route}"}} {self._hist_sums[route]:.6f}')
                out.append(f'{hist}_count{{route="{route}"}} {running}')
        for name, read in sorted(self._gauges.items()):
            out.append(f"# HELP {name} {self._help.get(name, name)}")
            out.append(f"# TYPE {name} {self._kinds[name]}")
            out.append(f"{name} {read():g}")
        return "\n".join(out) + "\n"
