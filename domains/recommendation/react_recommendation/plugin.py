"""Entry point (group ``react_core``): registers the recommendation domain."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from react_core import hookimpl


@hookimpl
def react_register_domains(register: Callable[[Any], None]) -> None:
    from react_recommendation.spec import SPEC

    register(SPEC)
