"""``ServerSettings``: the server's limits and keys. Each field's metadata carries its help text."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any


def _opt(default: Any, help: str) -> Any:  # noqa: A002 - the metadata key CLIs read
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class ServerSettings:
    """What ``react serve`` accepts; a request over a limit gets a 4xx or 429, never a crash."""

    api_keys: frozenset[str] = _opt(frozenset(), "accepted API keys; empty: no key needed")
    max_body_bytes: int = _opt(1_000_000, "largest request body, bytes (413 beyond)")
    max_tokens: int = _opt(1024, "largest max_tokens a request may ask for (400 beyond)")
    max_concurrent: int = _opt(32, "requests generating at once; more wait in the queue")
    max_queue: int = _opt(64, "requests waiting for a slot; more get 429")
    queue_timeout: float = _opt(30.0, "seconds a request may wait for a slot before 429")
    request_timeout: float = _opt(120.0, "seconds one request may run (its agent run or completion)")
    body_timeout: float = _opt(10.0, "seconds to receive a request body (slow clients get 408)")
    max_messages: int = _opt(256, "messages in one chat request (400 beyond)")
    shutdown_timeout: float = _opt(30.0, "seconds in-flight requests get to finish on shutdown")

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, (int, float)) and value <= 0:
                raise ValueError(f"ServerSettings.{f.name} must be positive, got {value}")

    @classmethod
    def help(cls, name: str) -> str:
        return next(f.metadata["help"] for f in fields(cls) if f.name == name)

    @property
    def auth_required(self) -> bool:
        return bool(self.api_keys)


def load_api_keys(keys: list[str] | tuple[str, ...] = (), key_file: Path | None = None,
                  env: dict[str, str] | None = None) -> frozenset[str]:
    """Keys from the arguments, ``REACT_API_KEYS`` (comma separated) and a file (one per line, # comments)."""
    env = os.environ if env is None else env
    found = {k.strip() for k in keys if k.strip()}
    found |= {k.strip() for k in env.get("REACT_API_KEYS", "").split(",") if k.strip()}
    path = key_file or (Path(env["REACT_API_KEYS_FILE"]) if env.get("REACT_API_KEYS_FILE") else None)
    if path is not None:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                found.add(line)
    return frozenset(found)
