"""Traces: runs as JSON Lines, one record per line, and back.

A trace file holds one or more runs. Each run is a ``{"type": "run", ...}`` record (query,
domain, adapter), one ``{"type": "step", ...}`` record per step, and a ``{"type": "result",
...}`` record (answer, stop reason, usage). Files are appended to, so an interactive
session writes every run to the same file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from react_core.agent.steps import AgentResult, Step, Usage

TRACE_VERSION = 1


def trace_records(result: AgentResult) -> Iterator[dict[str, Any]]:
    """The JSON records of one run, in file order."""
    yield {"type": "run", "version": TRACE_VERSION, "query": result.query, "domain": result.domain,
           "adapter": result.adapter}
    for step in result.steps:
        yield {"type": "step", **step.to_dict()}
    yield {"type": "result", "answer": result.answer, "stop_reason": result.stop_reason,
           "stop_detail": result.stop_detail, "usage": result.usage.to_dict(), "seconds": result.seconds,
           "grounding": result.grounding}


def write_trace(result: AgentResult, out: str | Path | IO[str]) -> None:
    """Append ``result`` to a JSONL file (a path) or write it to an open text stream."""
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in trace_records(result))
    if isinstance(out, (str, Path)):
        with open(out, "a", encoding="utf-8") as fh:
            fh.write(lines)
    else:
        out.write(lines)


def read_traces(source: str | Path | Iterable[str]) -> list[AgentResult]:
    """Every run in a JSONL trace (a path or lines); raises ``ValueError`` naming a bad line."""
    if isinstance(source, (str, Path)):
        with open(source, encoding="utf-8") as fh:
            return read_traces(list(fh))
    runs: list[AgentResult] = []
    current: AgentResult | None = None
    for number, line in enumerate(source, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            kind = record.pop("type")
        except (json.JSONDecodeError, KeyError, AttributeError) as exc:
            raise ValueError(f"trace line {number}: not a trace record ({exc})") from None
        if kind == "run":
            current = AgentResult(query=record.get("query", ""), answer=None, stop_reason="",
                                  domain=record.get("domain"), adapter=record.get("adapter"))
            runs.append(current)
        elif current is None:
            raise ValueError(f"trace line {number}: a {kind!r} record before any 'run' record")
        elif kind == "step":
            current.steps.append(Step.from_dict(record))
        elif kind == "result":
            current.answer = record.get("answer")
            current.stop_reason = record.get("stop_reason", "")
            current.stop_detail = record.get("stop_detail", "")
            current.usage = Usage.from_dict(record.get("usage", {}))
            current.seconds = float(record.get("seconds", 0.0))
            current.grounding = record.get("grounding")
        else:
            raise ValueError(f"trace line {number}: unknown record type {kind!r}")
    return runs
