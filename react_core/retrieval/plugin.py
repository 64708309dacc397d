"""Built-in plugin: the retrieval commands (registered like any third-party plugin)."""

from __future__ import annotations

from typing import Any

from react_core.hookspecs import hookimpl


@hookimpl
def react_register_commands(app: Any) -> None:
    """Add ``react index build | query | info``."""
    from react_core.retrieval.cli import app as index_app

    app.add_typer(index_app, name="index")
