"""Entry point (group ``react_core``): registers the translation domain and ``react translate``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from react_core import hookimpl


@hookimpl
def react_register_domains(register: Callable[[Any], None]) -> None:
    from react_translation.spec import SPEC

    register(SPEC)


@hookimpl
def react_register_commands(app: Any) -> None:
    """Add ``react translate --from en --to de FILE``."""
    from react_translation.cli import register

    register(app)
