"""Installed versions of the distributions that matter, for reports, manifests and results."""

from __future__ import annotations

import platform
from collections.abc import Iterable
from importlib import metadata

CORE_DISTRIBUTIONS = ("react-core", "torch", "transformers", "peft", "sentence-transformers", "faiss-cpu",
                      "pluggy", "typer", "gguf")


def installed_versions(dists: Iterable[str] = CORE_DISTRIBUTIONS, *, python: bool = True) -> dict[str, str]:
    """``{"python": ..., dist: version or "not installed"}``."""
    out = {"python": platform.python_version()} if python else {}
    for dist in dists:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out
