"""``react translate --from en --to de FILE [--out FILE] [--glossary FILE]``: translate a file, line by line."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from react_translation.languages import LANGUAGES


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` beside ``path`` and rename it into place: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_input(path: Path) -> list[str]:
    if str(path) == "-":
        return sys.stdin.read().splitlines()
    try:
        return path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise ValueError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise ValueError(f"{path} is a directory; give a text file (one sentence a line)") from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise ValueError(f"{path}:{line}: not UTF-8 text ({exc.reason})") from None


def register(app: typer.Typer) -> None:
    """Add ``translate`` to ``app``."""

    @app.command("translate")
    def translate_cmd(
        file: Annotated[Path, typer.Argument(help="text file, one sentence or paragraph a line ('-': stdin)")],
        source: Annotated[str, typer.Option("--from", help="source language: en, de, fr or auto (detect per line)")]
            = "auto",
        target: Annotated[str, typer.Option("--to", help="target language: en, de or fr")] = "de",
        out: Annotated[Path | None, typer.Option(help="write the translations here (default: stdout)")] = None,
        glossary: Annotated[Path | None, typer.Option(help="glossary file: source term, target term, pair "
                                                           "(TSV or CSV)")] = None,
        batch_size: Annotated[int, typer.Option(min=1, help="lines translated together")] = 16,
        model: Annotated[str, typer.Option(help="base model")] = "gemma-3-270m",
        adapter: Annotated[str, typer.Option(help="adapter directory, 'shipped' or 'none' (base model)")]
            = "shipped",
        device: Annotated[str | None, typer.Option(help="cpu, cuda ... (default: automatic)")] = None,
    ) -> None:
        """Translate FILE line by line (batched, with a progress bar); empty lines stay empty."""
        from react_translation.glossary import GlossaryError, load_glossary
        from react_translation.languages import check_language
        from react_translation.translate import AUTO, translate_batch

        err = Console(stderr=True, soft_wrap=True)

        def fail(message: str) -> typer.Exit:
            err.print(f"[red]error:[/] {escape(message)}", highlight=False)
            return typer.Exit(2)

        try:
            tgt = check_language(target, "target language (--to)")
            src = AUTO if source.strip().lower() == AUTO else check_language(source, "source language (--from)")
            if src == tgt:
                raise ValueError(f"--from and --to are both {src!r}")
            terms = load_glossary(glossary) if glossary is not None else None
            lines = read_input(file)
        except (ValueError, FileNotFoundError) as exc:  # GlossaryError is a ValueError
            raise fail(str(exc)) from None
        if terms is not None and src != AUTO and not terms.for_pair(src, tgt):
            err.print(f"[yellow]warning:[/] the glossary has no {src}-{tgt} terms "
                      f"(it has {', '.join(terms.pairs()) or 'none'})")
        from react_translation.model import load_translator

        try:
            lm, tokenizer = load_translator(model, adapter, device=device)
        except (FileNotFoundError, ValueError) as exc:
            raise fail(str(exc)) from None
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, transient=out is None) as bar:
            job = bar.add_task(f"translate -> {LANGUAGES[tgt]}", total=sum(1 for x in lines if x.strip()))
            results = translate_batch(lm, tokenizer, lines, src, tgt, glossary=terms, batch_size=batch_size,
                                      progress=lambda n: bar.advance(job, n))
            bar.update(job, completed=bar.tasks[0].total)
        text = "".join(r.text + "\n" for r in results)
        if out is None:
            sys.stdout.write(text)
        else:
            write_text_atomic(out, text)
            err.print(f"{len(results)} lines written to {out}")
        used = sum(len(r.terms) for r in results)
        if terms is not None:
            repaired = sum(len(r.repaired) for r in results)
            missing = [(n, e) for n, r in enumerate(results, start=1) for e in r.missing]
            err.print(f"glossary: {used} term uses, {used - repaired - len(missing)} by the model, "
                      f"{repaired} repaired after generation, {len(missing)} not applied")
            for n, e in missing:
                err.print(f"  line {n}: {escape(e.source)} = {escape(e.target)} not applied")
