"""Negative-news monitoring over a stream of news items (``react finance monitor``).

Input: JSONL, one news item per line: ``{"text": "...", "time": "2026-03-04T09:30", "entities":
["Northwind Metals"], "id": "n1"}``. ``text`` is required; ``time`` (any string or number) and
``id`` are carried into the alerts; ``entities`` (a list of names) is optional: when absent the
entities are extracted from the text and those of ``entity_types`` (default ORG) are tracked.
A malformed line is reported as ``FILE:LINE: why`` and skipped; the others are processed.

For every item, in file order: its sentiment is scored, then the last ``window`` items overall
and the last ``window`` items mentioning each entity form sliding windows. When a window holds
at least ``min_items`` items and its negative share exceeds ``threshold``, an alert is raised,
once: the key re-arms only after its share falls back to the threshold or below. The
sentiment scorer and the entity extractor are injected (the model with the adapter, the
rule-based fallback, or a test's stub), so the logic here needs no model.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

OVERALL = "*"
Scorer = Callable[[Sequence[str]], list[str]]
Extractor = Callable[[Sequence[str]], list[list[tuple[str, str]]]]


@dataclass(frozen=True)
class NewsItem:
    line: int
    text: str
    time: str | None = None
    id: str | None = None
    entities: tuple[str, ...] | None = None


@dataclass(frozen=True)
class InputProblem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Alert:
    line: int
    time: str | None
    id: str | None
    entity: str  # OVERALL ("*") for the whole stream
    negative_share: float
    negatives: int
    window_items: int
    threshold: float
    text: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        who = "all news" if self.entity == OVERALL else self.entity
        when = f" ({self.time})" if self.time is not None else ""
        return (f"ALERT line {self.line}{when}: {who}: negative share {self.negative_share:.2f} "
                f"({self.negatives}/{self.window_items}) > {self.threshold:.2f}")


@dataclass
class MonitorResult:
    items: list[NewsItem]
    labels: list[str]
    entities: list[tuple[str, ...]]
    alerts: list[Alert]
    # key -> [(item position, negative share after that item)]
    series: dict[str, list[tuple[int, float]]] = field(default_factory=dict)


def read_items(path: Path) -> tuple[list[NewsItem], list[InputProblem]]:
    """The valid items of a JSONL file and a problem (with its line number) for each malformed line."""
    path = Path(path)
    items: list[NewsItem] = []
    problems: list[InputProblem] = []
    with path.open(encoding="utf-8", errors="replace") as fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                items.append(parse_item(raw, lineno))
            except ValueError as exc:
                problems.append(InputProblem(str(path), lineno, str(exc)))
    return items, problems


def parse_item(raw: str, line: int) -> NewsItem:
    """One JSONL line as a :class:`NewsItem`; ``ValueError`` says what is wrong with it."""
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise ValueError(f"expected a JSON object, got {type(obj).__name__}")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError('"text" must be a non-empty string')
    time = obj.get("time")
    if time is not None and not isinstance(time, (str, int, float)):
        raise ValueError('"time" must be a string or a number')
    entities = obj.get("entities")
    if entities is not None:
        if not isinstance(entities, list) or not all(isinstance(e, str) and e.strip() for e in entities):
            raise ValueError('"entities" must be a list of non-empty strings')
        entities = tuple(dict.fromkeys(" ".join(e.split()) for e in entities))
    item_id = obj.get("id")
    return NewsItem(line=line, text=" ".join(text.split()), time=None if time is None else str(time),
                    id=None if item_id is None else str(item_id), entities=entities)


class SlidingMonitor:
    """Sliding windows of negative flags, overall and per entity, with edge-triggered alerts."""

    def __init__(self, window: int = 20, threshold: float = 0.5, min_items: int = 5) -> None:
        if window < 1:
            raise ValueError(f"window must be at least 1, got {window}")
        if not 0.0 <= threshold < 1.0:
            raise ValueError(f"threshold must be in [0, 1), got {threshold}")
        if not 1 <= min_items <= window:
            raise ValueError(f"min_items must be between 1 and the window ({window}), got {min_items}")
        self.window, self.threshold, self.min_items = window, threshold, min_items
        self._windows: dict[str, deque[bool]] = {}
        self._alerting: set[str] = set()

    def update(self, key: str, negative: bool) -> tuple[float, Alert | None]:
        """Add one item to ``key``'s window; its negative share and, on a rising edge, an alert stub."""
        win = self._windows.setdefault(key, deque(maxlen=self.window))
        win.append(negative)
        share = sum(win) / len(win)
        if len(win) >= self.min_items and share > self.threshold:
            if key not in self._alerting:
                self._alerting.add(key)
                return share, Alert(0, None, None, key, share, sum(win), len(win), self.threshold, "")
        elif share <= self.threshold:
            self._alerting.discard(key)
        return share, None


def tracked_entities(items: Sequence[NewsItem], extractor: Extractor | None,
                     entity_types: Iterable[str] = ("ORG",)) -> list[tuple[str, ...]]:
    """Each item's own ``entities`` or, when absent, the names of ``entity_types`` the extractor finds."""
    types = set(entity_types)
    missing = [i for i, item in enumerate(items) if item.entities is None]
    found: dict[int, tuple[str, ...]] = {}
    if missing and extractor is not None:
        extracted = extractor([items[i].text for i in missing])
        for i, ents in zip(missing, extracted):
            found[i] = tuple(dict.fromkeys(name for kind, name in ents if kind in types))
    return [item.entities if item.entities is not None else found.get(i, ()) for i, item in enumerate(items)]


def run_monitor(items: Sequence[NewsItem], scorer: Scorer, extractor: Extractor | None = None, *,
                window: int = 20, threshold: float = 0.5, min_items: int = 5,
                entity_types: Iterable[str] = ("ORG",)) -> MonitorResult:
    """Score ``items`` and replay them in order through the sliding windows."""
    items = list(items)
    labels = list(scorer([item.text for item in items])) if items else []
    if len(labels) != len(items):
        raise ValueError(f"the scorer returned {len(labels)} labels for {len(items)} items")
    entities = tracked_entities(items, extractor, entity_types)
    monitor = SlidingMonitor(window, threshold, min_items)
    result = MonitorResult(items=items, labels=labels, entities=entities, alerts=[])
    for pos, (item, label, names) in enumerate(zip(items, labels, entities)):
        for key in (OVERALL, *names):
            share, stub = monitor.update(key, label == "negative")
            result.series.setdefault(key, []).append((pos, share))
            if stub is not None:
                result.alerts.append(Alert(item.line, item.time, item.id, key, round(share, 4), stub.negatives,
                                           stub.window_items, threshold, item.text))
    return result


def write_jsonl_atomic(path: Path, rows: Iterable[dict[str, Any]]) -> Path:
    """Write ``rows`` as JSONL to ``path`` through a temporary file and a rename (never half-written)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
