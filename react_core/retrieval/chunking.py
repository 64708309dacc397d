"""Split text into overlapping chunks that respect headings and paragraph boundaries.

Markdown headings start a new section (a chunk never spans two sections) and give the
chunk its title (``Guide > Install``). Inside a section, whole paragraphs are packed up to
``max_chars``; the next chunk starts with the tail paragraphs of the previous one, up to
``overlap`` characters. A paragraph longer than ``max_chars`` is split at sentence ends,
then at spaces, never inside a word where avoidable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])")


@dataclass(frozen=True)
class ChunkingOptions:
    """How text is cut: sizes are in characters."""

    max_chars: int = 1000
    overlap: int = 150
    markdown: bool = True

    def __post_init__(self) -> None:
        if self.max_chars < 50:
            raise ValueError(f"max_chars must be at least 50, got {self.max_chars}")
        if not 0 <= self.overlap < self.max_chars:
            raise ValueError(f"overlap must be in [0, max_chars), got {self.overlap}")


@dataclass(frozen=True)
class TextChunk:
    """A piece of a document and the heading path it sits under ('' outside any heading)."""

    text: str
    heading: str = ""


def sections(text: str, *, markdown: bool = True) -> list[tuple[str, str]]:
    """``(heading path, body)`` pairs; without markdown the whole text is one section."""
    if not markdown:
        return [("", text)]
    out: list[tuple[str, str]] = []
    path: list[tuple[int, str]] = []
    body: list[str] = []
    in_fence = False

    def flush() -> None:
        joined = "\n".join(body).strip()
        if joined:
            out.append((" > ".join(title for _, title in path), joined))
        body.clear()

    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match:
            flush()
            level = len(match.group(1))
            path = [(lvl, t) for lvl, t in path if lvl < level] + [(level, match.group(2))]
        else:
            body.append(line)
    flush()
    return out


def _split_long(paragraph: str, max_chars: int) -> list[str]:
    """Cut one over-long paragraph at sentence ends, then at spaces, then hard."""
    pieces: list[str] = []
    current = ""
    for sentence in (s for s in _SENTENCE_END.split(paragraph) if s):
        while len(sentence) > max_chars:
            cut = sentence.rfind(" ", 0, max_chars)
            cut = cut if cut > max_chars // 2 else max_chars
            head, sentence = sentence[:cut].strip(), sentence[cut:].strip()
            if current:
                pieces.append(current)
                current = ""
            pieces.append(head)
        if current and len(current) + 1 + len(sentence) > max_chars:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip() if current else sentence
    if current:
        pieces.append(current)
    return pieces


def _pack(paragraphs: list[str], options: ChunkingOptions) -> list[str]:
    """Greedily pack paragraphs into chunks, carrying tail paragraphs over as overlap."""
    units: list[str] = []
    for p in paragraphs:
        units.extend(_split_long(p, options.max_chars) if len(p) > options.max_chars else [p])
    chunks: list[str] = []
    current: list[str] = []
    fresh = 0  # units in `current` not already emitted in the previous chunk

    def size(parts: list[str]) -> int:
        return sum(len(p) for p in parts) + 2 * max(len(parts) - 1, 0)

    for unit in units:
        if current and size(current + [unit]) > options.max_chars:
            chunks.append("\n\n".join(current))
            tail: list[str] = []
            for prev in reversed(current):
                if size([prev] + tail) > options.overlap or size([prev] + tail + [unit]) > options.max_chars:
                    break
                tail.insert(0, prev)
            current, fresh = tail, 0
        current.append(unit)
        fresh += 1
    if current and fresh:
        chunks.append("\n\n".join(current))
    return chunks


def chunk_text(text: str, options: ChunkingOptions | None = None) -> list[TextChunk]:
    """Chunks of ``text`` in reading order; empty text gives no chunks."""
    options = options or ChunkingOptions()
    out: list[TextChunk] = []
    for heading, body in sections(text, markdown=options.markdown):
        paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(body) if p.strip()]
        out.extend(TextChunk(text=c, heading=heading) for c in _pack(paragraphs, options))
    return out
