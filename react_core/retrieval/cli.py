"""``react index build | query | info``: build, search and inspect knowledge indexes."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from react_core.retrieval.chunking import ChunkingOptions
from react_core.retrieval.embedder import DEFAULT_EMBEDDER, load_embedder
from react_core.retrieval.knowledge import MODES

console = Console()
err_console = Console(stderr=True)

app = typer.Typer(help="Knowledge indexes: build, query and inspect.", no_args_is_help=True)


def _registry(ctx: typer.Context) -> Any:
    """The registry the running ``react`` app was built with."""
    from react_core.cli import current_registry

    return current_registry(ctx)


def _fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


def _index_dir(domain: str | None, index: Path | None) -> Path:
    from react_core.retrieval.domain_index import default_index_dir

    if (domain is None) == (index is None):
        raise _fail("give a DOMAIN or --index DIR (exactly one)", 2)
    return index if index is not None else default_index_dir(domain)


def _parse_filters(raw: list[str]) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    for item in raw:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise _fail(f"--filter takes FIELD=VALUE, got {item!r}", 2)
        filters.setdefault(key, []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in filters.items()}


@app.command("build")
def build_cmd(
    ctx: typer.Context,
    domain: Annotated[str | None, typer.Argument(help="a registered domain (uses its knowledge paths)")] = None,
    docs: Annotated[list[Path] | None, typer.Option("--docs", help="files or directories to index (repeatable)")]
    = None,
    out: Annotated[Path | None, typer.Option(help="output directory (default: the domain's cache directory)")]
    = None,
    embedder: Annotated[str, typer.Option(help="embedder: model source name, local dir, hub id, or hashing-N")]
    = DEFAULT_EMBEDDER,
    factory: Annotated[str, typer.Option(help="faiss factory string (Flat, HNSW32, IVF1024,Flat) or auto")]
    = "auto",
    chunk_size: Annotated[int, typer.Option(min=50, help="maximum characters per chunk")] = 1000,
    overlap: Annotated[int, typer.Option(min=0, help="characters carried over between chunks")] = 150,
) -> None:
    """Build an index from DOMAIN's knowledge paths or from --docs PATH..., saved atomically."""
    from react_core.retrieval.domain_index import build_index, default_index_dir

    if (domain is None) == (not docs):
        raise _fail("give a DOMAIN or --docs PATH... (exactly one)", 2)
    if domain is not None:
        try:
            spec = _registry(ctx).domain(domain)
        except KeyError as exc:
            raise _fail(str(exc.args[0])) from None
        if not spec.knowledge_paths:
            raise _fail(f"domain {domain!r} has no knowledge paths; use --docs PATH to index files")
        paths = [Path(p) for p in spec.knowledge_paths]
    else:
        paths = list(docs or [])
    if out is None:
        if domain is None:
            raise _fail("--out DIR is required with --docs", 2)
        out = default_index_dir(domain)
    start = time.perf_counter()
    try:
        index = build_index(paths, embedder=load_embedder(embedder), out=out, domain=domain or "",
                            factory=factory, chunking=ChunkingOptions(chunk_size, overlap), progress=True)
    except (ValueError, OSError, LookupError) as exc:
        raise _fail(str(exc)) from None
    console.print(f"indexed {len(index.documents())} documents as {len(index)} chunks "
                  f"({index.factory}, {index.embedder.name}) in {time.perf_counter() - start:.1f}s -> {out}",
                  highlight=False)


@app.command("query")
def query_cmd(
    query: Annotated[str, typer.Argument(help="what to search for")],
    domain: Annotated[str | None, typer.Option(help="search this domain's index")] = None,
    index: Annotated[Path | None, typer.Option(help="search the index in this directory")] = None,
    k: Annotated[int, typer.Option("-k", min=1, help="passages to return")] = 5,
    mode: Annotated[str, typer.Option(help="hybrid, dense or keyword")] = "hybrid",
    filter_: Annotated[list[str] | None, typer.Option("--filter", help="FIELD=VALUE (repeatable)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Search an index and print the passages with their ids, titles and scores."""
    from react_core.retrieval.knowledge import KnowledgeIndex
    from react_core.retrieval.store import IndexLoadError
    from react_core.retrieval.tool import format_hits

    if mode not in MODES:
        raise _fail(f"--mode must be one of {', '.join(MODES)}", 2)
    path = _index_dir(domain, index)
    try:
        loaded = KnowledgeIndex.load(path)
    except (IndexLoadError, LookupError) as exc:
        raise _fail(str(exc)) from None
    hits = loaded.search(query, k, mode=mode, filters=_parse_filters(filter_ or []))  # type: ignore[arg-type]
    if as_json:
        sys.stdout.write(json.dumps([h.as_dict() for h in hits], indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(format_hits(hits, query) + "\n")


@app.command("info")
def info_cmd(
    domain: Annotated[str | None, typer.Argument(help="a domain whose index is in the default place")] = None,
    index: Annotated[Path | None, typer.Option(help="the index directory")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Show an index's manifest: embedder, factory, sizes, corpus hash, versions."""
    from react_core.retrieval.store import IndexLoadError, read_manifest

    path = _index_dir(domain, index)
    try:
        manifest = read_manifest(path)
    except IndexLoadError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        sys.stdout.write(json.dumps({"path": str(path), **manifest}, indent=2) + "\n")
        return
    table = Table("field", "value", show_header=False)
    table.add_row("path", str(path))
    for key, value in manifest.items():
        table.add_row(key, json.dumps(value) if isinstance(value, (dict, list)) else str(value))
    console.print(table)
