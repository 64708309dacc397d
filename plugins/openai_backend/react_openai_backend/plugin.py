"""The plugin: registers the ``openai`` backend factory."""

from __future__ import annotations

from typing import Any

from react_core import hookimpl


@hookimpl
def react_register_backends(register: Any) -> None:
    """``openai``: ``OpenAIBackend(base_url, api_key=..., model=...)`` over HTTP."""
    from react_openai_backend.backend import OpenAIBackend

    register("openai", OpenAIBackend)
