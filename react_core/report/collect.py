"""Read every results file of a directory and sort them into what the report shows.

File names carry the meaning (see ``react eval --output`` and docs/benchmarks.md):
``eval_<domain>_<base|adapter|fused>_<split>[_<part>].json`` (parts of one setting add up),
``sweep_<domain>_alpha<A>.json``,
``baselines_<domain>.json``, ``cross_domain.json``, ``training_throughput.json``,
``serving_throughput.json``; anything else is kept under its name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from react_core.results import NO_MODEL, read_result

_EVAL = re.compile(r"^eval_(?P<domain>[a-z][a-z0-9_]*?)_(?P<setting>base|adapter|fused)_(?P<split>test|validation)"
                   r"(?:_(?P<part>[a-z0-9_]+))?$")
_SWEEP = re.compile(r"^sweep_(?P<domain>[a-z][a-z0-9_]*?)_alpha(?P<alpha>[0-9.]+)$")


@dataclass
class TaskFigure:
    """One task's figures in one setting."""

    task: str
    metric: str
    value: float
    n: int
    metrics: dict[str, float]
    command: str
    uses_model: bool = True  # False: the task ran without the language model (``EvalTask.uses_model``)


@dataclass
class ResultSet:
    """The results of a directory: domain evaluations, fusion sweeps and named benchmarks."""

    evals: dict[str, dict[str, dict[str, TaskFigure]]] = field(default_factory=dict)  # domain -> setting -> task
    sweeps: dict[str, dict[float, dict[str, TaskFigure]]] = field(default_factory=dict)  # domain -> alpha -> task
    named: dict[str, dict[str, Any]] = field(default_factory=dict)  # file stem -> whole file
    problems: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, directory: Path) -> ResultSet:
        out = cls()
        directory = Path(directory)
        if not directory.is_dir():
            out.problems.append(f"{directory}: no such directory (benchmarks write their results there)")
            return out
        for path in sorted(directory.glob("*.json")):
            try:
                data = read_result(path)
            except (OSError, ValueError) as exc:
                out.problems.append(str(exc))
                continue
            out._add(path.stem, data, path)
        return out

    def _add(self, stem: str, data: dict[str, Any], path: Path) -> None:
        if m := _EVAL.match(stem):
            if m["split"] == "test":  # several files of one setting (``..._test_<part>.json``) add up
                self.evals.setdefault(m["domain"], {}).setdefault(m["setting"], {}).update(self._tasks(data, path))
            else:
                self.named[stem] = data
        elif m := _SWEEP.match(stem):
            self.sweeps.setdefault(m["domain"], {})[float(m["alpha"])] = self._tasks(data, path)
        else:
            self.named[stem] = data

    def _tasks(self, data: dict[str, Any], path: Path) -> dict[str, TaskFigure]:
        tasks = {}
        for row in data["results"].get("tasks", []) if isinstance(data["results"], dict) else []:
            try:
                tasks[row["task"]] = TaskFigure(row["task"], row["metric"], float(row["value"]), int(row["n"]),
                                                dict(row.get("metrics") or {row["metric"]: row["value"]}),
                                                data.get("command", ""), row.get("setting") != NO_MODEL)
            except (KeyError, TypeError, ValueError) as exc:
                self.problems.append(f"{path}: a task row lacks {exc} (write it with react eval --output)")
        if not tasks:
            self.problems.append(f"{path}: no task figures (write it with react eval --output)")
        return tasks

    def domains(self) -> list[str]:
        return sorted(set(self.evals) | set(self.sweeps))
