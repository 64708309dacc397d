"""Build a generation backend a plugin registered (``react_register_backends``) from CLI options.

``react serve --backend openai --backend-option base_url=http://gpu-box:8000/v1`` and the
same for ``react chat``: the options are ``key=value`` texts passed to the factory as
keyword arguments (numbers and true/false are converted).
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any


class BackendSetupError(ValueError):
    """The backend name or its options are wrong; the message says what to pass."""


def _value(raw: str) -> Any:
    low = raw.lower()
    if low in ("true", "false"):
        return low == "true"
    for kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            pass
    return raw


def parse_options(options: Sequence[str]) -> dict[str, Any]:
    """``["base_url=http://x", "timeout=30"]`` -> ``{"base_url": "http://x", "timeout": 30}``."""
    parsed: dict[str, Any] = {}
    for option in options:
        key, sep, raw = option.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or not key.isidentifier():
            raise BackendSetupError(f"backend option {option!r} is not key=value (e.g. base_url=http://host:8000/v1)")
        parsed[key] = _value(raw.strip())
    return parsed


def make_backend(registry: Any, name: str, options: Sequence[str] = ()) -> Any:
    """The backend ``name`` from ``registry.backends``, built with ``options``."""
    factory = registry.backends.get(name)
    if factory is None:
        known = ", ".join(sorted(registry.backends)) or "none (pip install -e plugins/openai_backend adds 'openai')"
        raise BackendSetupError(f"no backend named {name!r}; installed backends: {known}")
    kwargs = parse_options(options)
    try:
        signature = inspect.signature(factory)
        signature.bind(**kwargs)
    except TypeError as exc:
        raise BackendSetupError(f"backend {name!r} takes {signature}: {exc}") from None
    except ValueError:  # no signature to check: let the call say
        pass
    try:
        return factory(**kwargs)
    except (TypeError, ValueError) as exc:
        raise BackendSetupError(f"backend {name!r} could not be built: {exc}") from exc


def domain_adapter_names(registry: Any):
    """``adapter_for(domain, query)`` for a remote backend: a domain that ships an adapter asks
    for it by the domain's name (a remote ``react serve`` installs each domain's adapter under
    that name); anything else asks for the base."""

    def adapter_for(domain: str | None, query: str = "") -> str | None:
        spec = registry.domains.get(domain) if domain else None
        return domain if spec is not None and spec.adapter_path is not None else None

    return adapter_for
