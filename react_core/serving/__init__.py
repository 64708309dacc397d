"""Serving: the embedding API (``Service``) and the OpenAI-compatible HTTP server.

``Service`` needs only the core; ``create_app``, ``ServerSettings`` and ``ServerThread``
need the ``serve`` extra (FastAPI, uvicorn) and are imported on first use.
"""

from typing import Any

from react_core.serving.service import RunOptions, Service

__all__ = ["RunOptions", "ServerSettings", "ServerThread", "Service", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from react_core.serving.app import create_app

        return create_app
    if name == "ServerSettings":
        from react_core.serving.settings import ServerSettings

        return ServerSettings
    if name == "ServerThread":
        from react_core.serving.server import ServerThread

        return ServerThread
    raise AttributeError(f"module 'react_core.serving' has no attribute {name!r}")
