"""Write a benchmark's machine-readable result under ``benchmarks/results/`` (see react_core.results)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from react_core.results import environment, write_result as _write

RESULTS_DIR = Path(__file__).resolve().parent / "results"

__all__ = ["RESULTS_DIR", "environment", "write_result"]


def write_result(name: str, figures: dict[str, Any]) -> Path:
    """Save ``figures`` with the run's environment to ``benchmarks/results/NAME.json`` (atomically)."""
    return _write(RESULTS_DIR / f"{name}.json", figures)
