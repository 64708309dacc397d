"""Load documents from .md, .txt, .jsonl and .csv files and cut them into chunks.

- ``.md`` / ``.txt``: one document per file, id = path relative to the root given, title =
  the first ``# heading`` (markdown) or the file stem.
- ``.jsonl`` / ``.csv``: one document per row. The text is the first of ``text``,
  ``content``, ``body``, ``passage`` present; ``id`` and ``title`` are used when present
  (else ``file:row``); every other column becomes metadata (filterable at query time).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from react_core.retrieval.chunking import ChunkingOptions, chunk_text
from react_core.retrieval.documents import Chunk, Document

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".jsonl", ".csv")
TEXT_FIELDS = ("text", "content", "body", "passage")


class LoaderError(ValueError):
    """A knowledge file could not be read; the message names the file and row."""


def iter_files(paths: Iterable[Path | str]) -> Iterator[tuple[Path, Path]]:
    """``(file, root)`` for every supported file under ``paths`` (directories recurse, sorted)."""
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                if file.suffix.lower() in SUPPORTED_SUFFIXES and not any(
                        part.startswith(".") for part in file.relative_to(path).parts):
                    yield file, path
        elif path.is_file():
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                raise LoaderError(f"{path}: unsupported file type; use one of {', '.join(SUPPORTED_SUFFIXES)}")
            yield path, path.parent
        else:
            raise LoaderError(f"{path}: no such file or directory")


def _row_document(row: dict[str, Any], file: Path, rel: str, number: int) -> Document:
    text_key = next((k for k in TEXT_FIELDS if isinstance(row.get(k), str)), None)
    if text_key is None:
        raise LoaderError(f"{file}:{number}: no text field; expected one of {', '.join(TEXT_FIELDS)}")
    doc_id = str(row.get("id") or f"{rel}:{number}")
    title = str(row.get("title") or "")
    metadata = {k: v for k, v in row.items() if k not in {text_key, "id", "title"} and v not in (None, "")}
    return Document(id=doc_id, text=row[text_key], title=title, source=rel, metadata=metadata)


def load_file(file: Path, root: Path | None = None) -> list[Document]:
    """The documents in one file (see the module docstring for each format)."""
    rel = file.relative_to(root).as_posix() if root else file.name
    suffix = file.suffix.lower()
    if suffix in (".md", ".markdown", ".txt"):
        text = file.read_text(encoding="utf-8")
        title = file.stem
        if suffix != ".txt":
            first = next((ln for ln in text.splitlines() if ln.startswith("# ")), None)
            title = first[2:].strip() if first else title
        return [Document(id=rel, text=text, title=title, source=rel)]
    docs: list[Document] = []
    if suffix == ".jsonl":
        with file.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise LoaderError(f"{file}:{number}: invalid JSON ({exc.msg})") from None
                if not isinstance(row, dict):
                    raise LoaderError(f"{file}:{number}: each line must be a JSON object")
                docs.append(_row_document(row, file, rel, number))
    elif suffix == ".csv":
        with file.open(encoding="utf-8", newline="") as fh:
            for number, row in enumerate(csv.DictReader(fh), start=2):
                docs.append(_row_document(dict(row), file, rel, number))
    return docs


def load_documents(paths: Iterable[Path | str]) -> list[Document]:
    """Every document under ``paths``; a repeated document id is an error naming both places."""
    docs: list[Document] = []
    seen: dict[str, str] = {}
    for file, root in iter_files(paths):
        for doc in load_file(file, root):
            if doc.id in seen:
                raise LoaderError(f"document id {doc.id!r} appears twice ({seen[doc.id]} and {doc.source}); "
                                  "ids must be unique across a knowledge base")
            seen[doc.id] = doc.source
            docs.append(doc)
    return docs


def chunk_documents(docs: Sequence[Document], options: ChunkingOptions | None = None,
                    *, domain: str = "") -> list[Chunk]:
    """Chunks of ``docs``: a one-chunk document keeps its id, others get ``id#0``, ``id#1`` ..."""
    options = options or ChunkingOptions()
    chunks: list[Chunk] = []
    for doc in docs:
        pieces = chunk_text(doc.text, options)
        for i, piece in enumerate(pieces):
            title = doc.title
            if piece.heading and piece.heading != doc.title:
                title = f"{doc.title} > {piece.heading}" if doc.title else piece.heading
                title = title.replace(f"{doc.title} > {doc.title} > ", f"{doc.title} > ")
            chunk_id = doc.id if len(pieces) == 1 else f"{doc.id}#{i}"
            chunks.append(Chunk(id=chunk_id, doc=doc.id, text=piece.text, title=title, source=doc.source,
                                domain=domain, metadata=dict(doc.metadata)))
    return chunks
