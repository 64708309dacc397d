"""Write a benchmark's machine-readable result: figures plus command, versions, hardware, date."""

from __future__ import annotations

import json
import os
import platform
import shlex
import sys
import time
from pathlib import Path
from typing import Any

from react_core.versions import installed_versions

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def environment() -> dict[str, Any]:
    versions = installed_versions(python=False)
    return {
        "command": " ".join(shlex.quote(a) for a in [Path(sys.argv[0]).as_posix(), *sys.argv[1:]]),
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "python": platform.python_version(),
        "versions": versions,
        "hardware": {"machine": platform.machine(), "cpus": os.cpu_count(), "processor": platform.processor()},
    }


def write_result(name: str, figures: dict[str, Any]) -> Path:
    """Save ``figures`` with the run's environment to ``benchmarks/results/NAME.json`` (atomically)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({**environment(), "results": figures}, indent=2, default=str) + "\n")
    os.replace(tmp, path)
    return path
