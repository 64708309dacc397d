"""``react finance monitor``: registered through the ``react_register_commands`` hook."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(help="Finance domain: negative-news monitoring.", no_args_is_help=True)

SCORERS = ("model", "lexicon")


def load_analyzer(scorer: str, model: str) -> tuple[Any, Any]:
    """``(analyzer, runtime or None)``: the base ``model`` with the finance adapter on the runtime's
    engine, or the rule-based fallback."""
    from react_finance.analyzer import LexiconAnalyzer, ModelAnalyzer

    if scorer == "lexicon":
        return LexiconAnalyzer(), None
    from react_core import Runtime

    runtime = Runtime.load(model)
    adapter = runtime.adapter_for("finance")
    if adapter is None:
        typer.echo("warning: no finance adapter is installed; the base model scores the news", err=True)
    return ModelAnalyzer(runtime.engine, adapter), runtime


@app.command("monitor")
def monitor(
    input: Annotated[Path, typer.Option("--input", help="JSONL news items: {text, time?, id?, entities?}")],
    window: Annotated[int, typer.Option(help="items per sliding window (overall and per entity)", min=1)] = 20,
    threshold: Annotated[float, typer.Option(help="alert when the negative share exceeds this", min=0.0, max=0.99)] = 0.5,
    min_items: Annotated[int, typer.Option(help="items a window needs before it can alert", min=1)] = 5,
    out: Annotated[Path | None, typer.Option(help="write the alerts here as JSONL")] = None,
    plot: Annotated[Path | None, typer.Option(help="write a PNG of the negative share with alert markers")] = None,
    scorer: Annotated[str, typer.Option(help="model (base + finance adapter) or lexicon (rules, no model)")] = "model",
    model: Annotated[str, typer.Option(help="base model for --scorer model")] = "gemma-3-270m",
    entity_type: Annotated[list[str] | None, typer.Option(help="entity types tracked when an item lists none "
                                                                "(repeatable; default ORG)")] = None,
) -> None:
    """Score a stream of news items and alert when negative news surges, overall or per entity."""
    from react_finance.monitor import read_items, run_monitor, write_jsonl_atomic

    if scorer not in SCORERS:
        raise typer.BadParameter(f"--scorer must be one of {', '.join(SCORERS)}, got {scorer!r}")
    if min_items > window:
        raise typer.BadParameter(f"--min-items ({min_items}) cannot exceed --window ({window})")
    if not input.is_file():
        typer.echo(f"error: {input} does not exist or is not a file", err=True)
        raise typer.Exit(2)
    items, problems = read_items(input)
    for problem in problems:
        typer.echo(f"skipped {problem}", err=True)
    if not items:
        typer.echo(f"error: {input} holds no valid news item ({len(problems)} malformed lines)", err=True)
        raise typer.Exit(1)
    analyzer, runtime = load_analyzer(scorer, model)
    try:
        result = run_monitor(items, analyzer.sentiments, analyzer.entities, window=window, threshold=threshold,
                             min_items=min_items, entity_types=entity_type or ("ORG",))
    finally:
        if runtime is not None:
            runtime.close()
    for alert in result.alerts:
        typer.echo(alert.describe())
    negatives = sum(label == "negative" for label in result.labels)
    typer.echo(f"{len(items)} items ({negatives} negative, scored by {analyzer.name}), "
               f"{len(result.series) - 1} entities tracked, {len(result.alerts)} alerts, "
               f"{len(problems)} malformed lines skipped", err=True)
    if out is not None:
        write_jsonl_atomic(out, (a.as_dict() for a in result.alerts))
        typer.echo(f"alerts written to {out}", err=True)
    if plot is not None:
        from react_finance.plot import plot_monitor

        plot_monitor(result, plot, threshold=threshold)
        typer.echo(f"plot written to {plot}", err=True)
    sys.stdout.flush()
