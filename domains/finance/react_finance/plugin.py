"""Entry point (group ``react_core``): registers the finance domain and ``react finance monitor``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from react_core import hookimpl


@hookimpl
def react_register_domains(register: Callable[[Any], None]) -> None:
    from react_finance.spec import SPEC

    register(SPEC)


@hookimpl
def react_register_commands(app: Any) -> None:
    """Add ``react finance monitor``."""
    from react_finance.cli import app as finance_app

    app.add_typer(finance_app, name="finance")
