"""Where public data sets are read from: ``--data-dir``, ``REACT_DATA_DIR``, or ``../shared/data``."""

from __future__ import annotations

import os
from pathlib import Path


class DataDirError(FileNotFoundError):
    """No data directory could be found."""


def data_dir(explicit: str | Path | None = None) -> Path:
    """The data directory: the argument, then ``REACT_DATA_DIR``, then ``../shared/data``.

    ``../shared/data`` is looked for beside the current directory and beside the source
    checkout of react-core. Data sets are read from there, never copied into a package.
    """
    if explicit is not None:
        path = Path(explicit).expanduser()
        if not path.is_dir():
            raise DataDirError(f"data directory {path} does not exist")
        return path
    env = os.environ.get("REACT_DATA_DIR")
    if env:
        path = Path(env).expanduser()
        if not path.is_dir():
            raise DataDirError(f"REACT_DATA_DIR={env} does not exist")
        return path
    for base in (Path.cwd(), Path(__file__).resolve().parents[1]):
        candidate = base.parent / "shared" / "data"
        if candidate.is_dir():
            return candidate
    raise DataDirError("no data directory found: pass --data-dir DIR or set REACT_DATA_DIR "
                       "(the folder holding banking77/, pubmedqa/, ...)")
