"""Markdown tables from a ``ResultSet`` (each returns the block's text, or says what to run)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from react_core.report.collect import ResultSet, TaskFigure
from react_core.results import NO_MODEL

Published = Mapping[tuple[str, str], tuple[float, str]]  # (domain, task) -> (value, source)
SETTINGS = ("base", "adapter", "fused")


def fmt(metric: str, value: float | None) -> str:
    """Fractions as percentages; BLEU-like scores and ranking metrics as they are."""
    if value is None:
        return "—"
    name = metric.lower()
    if name in {"bleu", "chrf", "ter"} or abs(value) > 1.0:
        return f"{value:.1f}"
    if "ndcg" in name or name.startswith("hr@") or "mrr" in name:
        return f"{value:.3f}"
    return f"{100 * value:.1f} %"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _missing(what: str, command: str) -> str:
    return f"_No results yet for {what}: run `{command}`._"


def headline_task(results: ResultSet, domain: str, order: Mapping[str, list[str]]) -> str | None:
    """The domain's first evaluation task (the spec's order when known) that has figures."""
    settings = results.evals.get(domain, {})
    seen = [t for s in SETTINGS for t in settings.get(s, {})]
    for task in [*order.get(domain, []), *seen]:
        if task in seen:
            return task
    return None


def headline(results: ResultSet, published: Published, order: Mapping[str, list[str]]) -> str:
    """One row per domain: task, metric, base, ours (fused, else adapter), published reference."""
    rows = []
    for domain in sorted(results.evals):
        task = headline_task(results, domain, order)
        if task is None:
            continue
        by = {s: results.evals[domain].get(s, {}).get(task) for s in SETTINGS}
        ours_setting = "fused" if by["fused"] else "adapter"
        ours = by[ours_setting]
        metric = next(f.metric for f in by.values() if f)
        ref = published.get((domain, task))
        n = ours.n if ours else (by["base"].n if by["base"] else 0)
        rows.append([domain, task, metric, fmt(metric, by["base"].value if by["base"] else None),
                     f"**{fmt(metric, ours.value if ours else None)}** "
                     f"({ours_setting if ours is None or ours.uses_model else NO_MODEL})",
                     f"{fmt(metric, ref[0])} ({ref[1]})" if ref else "—", str(n)])
    if not rows:
        return _missing("any domain", "react eval DOMAIN --output benchmarks/results/eval_DOMAIN_adapter_test.json")
    return _table(["domain", "task", "metric", "base, prompted", "ours", "published reference", "n (test)"], rows)


def domain_table(results: ResultSet, domain: str, published: Published) -> str:
    """Every task of ``domain`` in every setting measured, with all its metrics and the command."""
    settings = results.evals.get(domain, {})
    if not settings:
        return _missing(domain, f"react eval {domain} --adapter none --output "
                                f"benchmarks/results/eval_{domain}_base_test.json (and _adapter_, _fused_)")
    rows = []
    tasks = list(dict.fromkeys(t for s in SETTINGS for t in settings.get(s, {})))
    for task in tasks:
        figs = [f for s in SETTINGS if (f := settings.get(s, {}).get(task)) is not None]
        for setting in SETTINGS:
            fig: TaskFigure | None = settings.get(setting, {}).get(task)
            if fig is None:
                continue
            others = ", ".join(f"{k} {fmt(k, v)}" for k, v in fig.metrics.items() if k != fig.metric)
            shown = setting if fig.uses_model else NO_MODEL  # a classifier task: no adapter, no fusion
            rows.append([task, shown, f"{fig.metric} **{fmt(fig.metric, fig.value)}**", others or "—",
                         str(fig.n), f"`{fig.command}`"])
        ref = published.get((domain, task))
        if ref:
            rows.append([task, "published", f"{figs[0].metric} {fmt(figs[0].metric, ref[0])}", ref[1], "—", "—"])
    return _table(["task", "setting", "headline", "other metrics", "n", "command"], rows)


def sweep_table(results: ResultSet, domain: str, chosen: float | None) -> str:
    """Validation figures per alpha (the base's weight: 0 = adapter only, 1 = base only)."""
    sweep = results.sweeps.get(domain, {})
    if not sweep:
        return _missing(f"the {domain} fusion sweep", f"react eval {domain} --alpha A --split validation "
                                                    f"--output benchmarks/results/sweep_{domain}_alphaA.json")
    tasks = list(dict.fromkeys(t for figs in sweep.values() for t in figs))
    rows = []
    for alpha in sorted(sweep):
        figs = sweep[alpha]
        mark = " (chosen)" if chosen is not None and abs(alpha - chosen) < 1e-9 else ""
        rows.append([f"{alpha:g}{mark}"] + [f"{fmt(figs[t].metric, figs[t].value)} (n={figs[t].n})" if t in figs else "—"
                                             for t in tasks])
    return _table(["alpha (base weight)"] + tasks, rows)


def training_table(results: ResultSet) -> str:
    data = results.named.get("training_throughput")
    if not data:
        return _missing("training throughput", "python benchmarks/training_throughput.py")
    found = [(name, r) for name, r in data["results"].items() if isinstance(r, dict)]
    parts = any("label_only_tokens_per_s" in r for _, r in found)  # older files have no per-part figure
    rows = []
    for name, r in found:
        part = [f"{r['label_only_tokens_per_s']:.0f} ({r['label_only_speedup']:.2f}x)"] if parts else []
        rows.append([name, f"{r['ours_tokens_per_s']:.0f}", *part, f"{r['plain_tokens_per_s']:.0f}",
                     f"**{r['speedup']:.2f}x**", str(r.get("batch", "")), r.get("device", "")])
    head = ["data", "ours tokens/s", *(["label logits only, no shared head"] if parts else []),
            "plain Trainer + PEFT tokens/s", "speed-up", "batch", "device"]
    return _table(head, rows) + f"\n\nCommand: `{data['command']}` ({data['date']})."


def serving_table(results: ResultSet) -> str:
    data = results.named.get("serving_throughput")
    if not data:
        return _missing("serving throughput", "python benchmarks/serving_throughput.py")
    r = data["results"]
    rows = []
    for point in r.get("concurrency", []):
        rows.append([str(point["requests"]), f"{point['engine_tokens_per_s']:.1f}",
                     f"{point['sequential_tokens_per_s']:.1f}", f"{point['engine_tokens_per_s'] / point['sequential_tokens_per_s']:.1f}x"])
    if not rows:
        rows.append([str(r["requests"]), f"{r['engine_5_adapters']['tokens_per_s']:.1f}",
                     f"{r['sequential_set_adapter']['tokens_per_s']:.1f}", f"{r['engine_over_sequential']:.1f}x"])
    return _table(["concurrent requests", "engine tokens/s", "sequential set_adapter tokens/s", "engine / sequential"],
                  rows) + f"\n\nCommand: `{data['command']}` ({data['date']}, {r.get('device', '')}, {r.get('dtype', '')})."


def cross_domain_table(results: ResultSet) -> str:
    data = results.named.get("cross_domain")
    if not data:
        return _missing("cross-domain questions", "python benchmarks/cross_domain.py")
    r: dict[str, Any] = data["results"]
    rows = []
    for item_set, methods in r["sets"].items():
        for method, fig in methods.items():
            rows.append([item_set, method, fmt(fig["metric"], fig["value"]), str(fig["n"]), fig.get("note", "")])
    return _table(["question set", "method", "score", "n", "note"], rows) + f"\n\nCommand: `{data['command']}` ({data['date']})."
