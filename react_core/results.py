"""Machine-readable results: figures plus the command, versions, hardware and date of the run.

Every benchmark and ``react eval --output`` writes this shape, and ``react report`` reads it:
``{"command", "date", "python", "versions", "hardware", "results"}``.
"""

from __future__ import annotations

import json
import os
import platform
import shlex
import sys
import time
from pathlib import Path
from typing import Any

from react_core.atomic import write_bytes_atomic
from react_core.versions import installed_versions

NO_MODEL = "no model"  # a task row's setting when the task ran without the language model


def environment(argv: list[str] | None = None) -> dict[str, Any]:
    """The command line, date, Python, package versions and hardware of this run."""
    argv = sys.argv if argv is None else argv
    program = Path(argv[0]).name if argv and argv[0].endswith(("/react", "\\react.exe")) else Path(argv[0]).as_posix()
    return {
        "command": " ".join(shlex.quote(a) for a in [program, *argv[1:]]),
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "python": platform.python_version(),
        "versions": installed_versions(python=False),
        "hardware": {"machine": platform.machine(), "cpus": os.cpu_count(), "processor": _processor(),
                     "accelerator": _accelerator()},
    }


def _processor() -> str:
    """The CPU's model name (``platform.processor()`` is empty on most Linux systems)."""
    name = platform.processor()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return name


def _accelerator() -> str | None:
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency
        return None
    return torch.cuda.get_device_name(0) if torch.cuda.is_available() else None


def write_result(path: Path, figures: Any) -> Path:
    """Save ``figures`` with this run's environment to ``path`` (atomically)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(path, (json.dumps({**environment(), "results": figures}, indent=2, default=str) + "\n").encode())
    return path


def read_result(path: Path) -> dict[str, Any]:
    """Read a result file written by ``write_result``; a clear error if it is not one."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from exc
    if not isinstance(data, dict) or "results" not in data:
        raise ValueError(f"{path}: not a results file (no 'results' key); write it with react_core.results.write_result")
    return data
