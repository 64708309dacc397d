"""Built-in plugin: ``react report`` (docs tables and plots from benchmarks/results)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from react_core.hookspecs import hookimpl


def report(
    ctx: typer.Context,
    results: Annotated[Path, typer.Option(help="results directory")] = Path("benchmarks/results"),
    doc: Annotated[list[Path] | None, typer.Option(help="markdown files with report blocks (repeatable; default: "
                                                         "docs/benchmarks.md, README.md and docs/domains/*.md with blocks)")] = None,
    plots: Annotated[Path, typer.Option(help="where the PNG plots go")] = Path("docs/plots"),
    check: Annotated[bool, typer.Option(help="write nothing; exit 1 if a document is out of date")] = False,
) -> None:
    """Render docs/benchmarks.md and README.md blocks and PNG plots from the results files."""
    from rich.console import Console

    from react_core.cli import current_registry
    from react_core.report import plots as plotting
    from react_core.report.collect import ResultSet
    from react_core.report.render import Context, render_file

    console = Console(stderr=True, soft_wrap=True, highlight=False)
    docs = doc or [Path("docs/benchmarks.md"), Path("README.md"),
                   *(p for p in sorted(Path("docs/domains").glob("*.md")) if "<!-- react-report:" in p.read_text())]
    missing = [str(d) for d in docs if not d.is_file()]
    if missing:
        console.print(f"[red]error:[/] no such document: {', '.join(missing)} (run from the project root or pass --doc)")
        raise typer.Exit(2)
    found = ResultSet.load(results)
    for problem in found.problems:
        console.print(f"[yellow]skipped:[/] {problem}")
    registry = current_registry(ctx)
    published, order, chosen = {}, {}, {}
    for name, spec in registry.domains.items():
        order[name] = [t.name for t in spec.eval_tasks]
        chosen[name] = spec.fusion.alpha
        published.update({(name, t.name): t.published for t in spec.eval_tasks if t.published})
    made: dict[str, Path] = {}
    if not check:
        plots.mkdir(parents=True, exist_ok=True)
        for path in (plotting.domains_overview(found, plots, published, order),
                     plotting.fusion_sweeps(found, plots, chosen), plotting.cross_domain(found, plots),
                     plotting.serving(found, plots), plotting.training(found, plots)):
            if path is not None:
                console.print(f"plot {path}")
    for stem, title in plotting.TITLES.items():
        if (plots / f"{stem}.png").is_file():
            made[title] = plots / f"{stem}.png"
    stale = []
    for document in docs:
        relative = {k: Path(os.path.relpath(v, document.parent)) for k, v in made.items()}
        context = Context(found, published, order, chosen, relative)
        try:
            changed = render_file(document, context, check=check)
        except ValueError as exc:
            console.print(f"[red]error:[/] {exc}")
            raise typer.Exit(2) from exc
        if changed:
            stale.append(str(document))
        console.print(f"{document}: {'out of date' if check and changed else 'updated' if changed else 'up to date'}")
    if check and stale:
        raise typer.Exit(1)


@hookimpl
def react_register_commands(app: Any) -> None:
    """Add ``react report``."""
    app.command("report")(report)
