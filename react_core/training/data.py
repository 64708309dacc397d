"""SFT data formats: each example is a list of segments, each trained on or masked.

Three JSONL formats are read (detected per line):

- prompt/completion: ``{"prompt": "...", "completion": "..."}``; loss on the completion.
- chat: ``{"messages": [{"role": ..., "content": ...}, ...]}``; loss on ``assistant`` turns;
  ``system``/``user``/``tool`` turns (observations) are masked. A ``user`` turn that starts
  with ``Observation:`` is a tool observation (the FireAct trajectories are written so).
- alpaca-style: ``{"instruction": "...", "input": "...", "output": "..."}``; loss on the output.

Trajectories are rendered in the ReAct text format the agent prompts with
(``Question:``, ``Thought:``, ``Action:``, ``Observation:``).
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class DataFormatError(ValueError):
    """A training-data line that cannot be read; the message names file and line."""


@dataclass
class Example:
    """One training example: ``(text, trained)`` segments, concatenated in order."""

    segments: list[tuple[str, bool]]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def prompt(self) -> str:
        """The text before the first trained segment (what the model is given)."""
        out = []
        for text, trained in self.segments:
            if trained:
                break
            out.append(text)
        return "".join(out)

    @property
    def target(self) -> str:
        """All trained text, joined (for inspection and short-answer references)."""
        return "".join(text for text, trained in self.segments if trained)

    def to_json(self) -> dict[str, Any]:
        return {"segments": [[t, m] for t, m in self.segments], "meta": self.meta}


def from_prompt_completion(prompt: str, completion: str, **meta: Any) -> Example:
    return Example([(prompt, False), (completion, True)], dict(meta))


def from_messages(messages: Sequence[dict[str, Any]], **meta: Any) -> Example:
    """Render a chat or ReAct trajectory; only assistant turns are trained."""
    segments: list[tuple[str, bool]] = []
    seen_question = False
    for i, msg in enumerate(messages):
        role, content = msg.get("role"), msg.get("content")
        if not isinstance(content, str):
            raise ValueError(f"message {i} has no string 'content'")
        if role == "system":
            segments.append((content.rstrip() + "\n\n", False))
        elif role == "assistant":
            segments.append((content.strip() + "\n", True))
        elif role in ("user", "tool", "observation"):
            text = content.strip()
            if role != "user" or text.startswith("Observation:"):
                if not text.startswith("Observation:"):
                    text = "Observation: " + text
                if "Episode finished" in text:
                    continue  # the environment's end-of-episode marker teaches nothing
            elif not seen_question:
                text = text if text.startswith("Question:") else "Question: " + text
                seen_question = True
            segments.append((text + "\n", False))
        else:
            raise ValueError(f"message {i} has unknown role {role!r} (use system, user, assistant or tool)")
    if not any(trained for _, trained in segments):
        raise ValueError("no assistant message: nothing to learn from")
    return Example(segments, dict(meta))


def parse_record(record: Any) -> Example:
    """One JSON object in any of the three formats, as an Example."""
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    meta = record.get("meta") or {}
    if "messages" in record:
        if not isinstance(record["messages"], list):
            raise ValueError("'messages' must be a list")
        return from_messages(record["messages"], **meta)
    if "prompt" in record and "completion" in record:
        p, c = record["prompt"], record["completion"]
        if not isinstance(p, str) or not isinstance(c, str) or not c:
            raise ValueError("'prompt' and 'completion' must be strings, completion non-empty")
        return from_prompt_completion(p, c, **meta)
    if "instruction" in record and "output" in record:
        inp = record.get("input") or ""
        prompt = record["instruction"].rstrip() + ("\n\n" + inp.strip() if inp.strip() else "") + "\n"
        return from_prompt_completion(prompt, str(record["output"]), **meta)
    raise ValueError(
        "unknown format: expected keys prompt+completion, messages, or instruction+output; "
        f"got {sorted(record)[:6]}"
    )


def load_examples(path: Path, *, limit: int | None = None) -> list[Example]:
    """Read a JSONL file of examples; a malformed line raises naming the file and line number."""
    path = Path(path)
    if not path.is_file():
        raise DataFormatError(f"{path}: no such file")
    examples: list[Example] = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                examples.append(parse_record(json.loads(line)))
            except json.JSONDecodeError as exc:
                raise DataFormatError(f"{path}:{lineno}: not valid JSON ({exc.msg} at column {exc.colno})") from exc
            except ValueError as exc:
                raise DataFormatError(f"{path}:{lineno}: {exc}") from exc
            if limit is not None and len(examples) >= limit:
                break
    if not examples:
        raise DataFormatError(f"{path}: no examples")
    return examples


def split_examples(examples: Sequence[Example], *, validation: float = 0.1,
                   seed: int = 0) -> tuple[list[Example], list[Example]]:
    """A seeded train/validation split."""
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    n_val = int(round(len(examples) * validation)) if len(examples) > 1 else 0
    val = [examples[i] for i in order[:n_val]]
    train = [examples[i] for i in order[n_val:]]
    return train, val


def data_hash(examples: Iterable[Example]) -> str:
    digest = hashlib.sha256()
    for ex in examples:
        digest.update(json.dumps(ex.to_json(), sort_keys=True).encode())
    return "sha256:" + digest.hexdigest()
