"""PNG plots from a ``ResultSet`` (matplotlib, Agg; one function per figure, each returns its path or None)."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path

from react_core.report.collect import ResultSet
from react_core.report.tables import SETTINGS, Published, headline_task

#: Plot file stems and their titles, in the order documents show them.
TITLES = {
    "domains": "Headline task per domain: base, ours, published reference",
    "fusion_sweeps": "Fusion sweeps on validation (alpha = base weight)",
    "cross_domain": "Cross-domain questions: single adapter, runtime merges, per-step adapters",
    "serving": "Serving throughput: engine vs sequential",
    "training": "Training throughput: ours vs plain Trainer + PEFT",
}

_SAVE = {"dpi": 110, "bbox_inches": "tight", "metadata": {"Software": None}}


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _scale(metric: str, value: float) -> float:
    return value if metric.lower() in {"bleu", "chrf"} or "ndcg" in metric.lower() or metric.lower().startswith("hr@") \
        else 100 * value


def _label(metric: str) -> str:
    return metric if _scale(metric, 1.0) == 1.0 else f"{metric} (%)"


def fusion_sweeps(results: ResultSet, out: Path, chosen: Mapping[str, float]) -> Path | None:
    """Per domain, the headline metric against alpha on validation; adapter (0) and base (1) marked."""
    domains = [d for d in sorted(results.sweeps) if len(results.sweeps[d]) >= 2]
    if not domains:
        return None
    plt = _pyplot()
    fig, axes = plt.subplots(1, len(domains), figsize=(3.6 * len(domains), 3.0), squeeze=False)
    for ax, domain in zip(axes[0], domains):
        sweep = results.sweeps[domain]
        task = next(iter(next(iter(sweep.values()))))
        points = sorted((a, figs[task]) for a, figs in sweep.items() if task in figs)
        xs = [a for a, _ in points]
        ys = [_scale(f.metric, f.value) for _, f in points]
        ax.plot(xs, ys, marker="o", color="#1f77b4")
        for a, label in ((0.0, "adapter"), (1.0, "base")):
            if a in sweep and task in sweep[a]:
                ax.annotate(label, (a, _scale(sweep[a][task].metric, sweep[a][task].value)), textcoords="offset points",
                            xytext=(0, 6), ha="center", fontsize=8)
        if domain in chosen:
            ax.axvline(chosen[domain], color="#d62728", linestyle="--", linewidth=1, label=f"chosen {chosen[domain]:g}")
            ax.legend(fontsize=7)
        ax.set_title(f"{domain}: {task}", fontsize=9)
        ax.set_xlabel("alpha (base weight)", fontsize=8)
        ax.set_ylabel(_label(points[0][1].metric) if points else "", fontsize=8)
    path = out / "fusion_sweeps.png"
    fig.savefig(path, **_SAVE)
    plt.close(fig)
    return path


def domains_overview(results: ResultSet, out: Path, published: Published, order: Mapping[str, list[str]]) -> Path | None:
    """Per domain, its headline task: base vs ours vs the published reference."""
    domains = [d for d in sorted(results.evals) if headline_task(results, d, order)]
    if not domains:
        return None
    plt = _pyplot()
    fig, axes = plt.subplots(1, len(domains), figsize=(2.8 * len(domains), 3.0), squeeze=False)
    colors = {"base": "#9e9e9e", "ours": "#1f77b4", "published": "#ff7f0e"}
    for ax, domain in zip(axes[0], domains):
        task = headline_task(results, domain, order)
        by = {s: results.evals[domain].get(s, {}).get(task) for s in SETTINGS}
        ours = by["fused"] or by["adapter"]
        metric = next(f.metric for f in by.values() if f)
        bars = {"base": by["base"].value if by["base"] else None, "ours": ours.value if ours else None,
                "published": published.get((domain, task), (None, ""))[0]}
        names = [k for k, v in bars.items() if v is not None]
        values = [_scale(metric, bars[k]) for k in names]
        ax.bar(names, values, color=[colors[k] for k in names])
        for i, v in enumerate(values):
            ax.text(i, v, f"{v:.1f}", ha="center", va="bottom", fontsize=8)
        ax.set_title(f"{domain}\n{task} ({metric})", fontsize=9)
        ax.tick_params(labelsize=8)
    path = out / "domains.png"
    fig.savefig(path, **_SAVE)
    plt.close(fig)
    return path


def cross_domain(results: ResultSet, out: Path) -> Path | None:
    data = results.named.get("cross_domain")
    if not data:
        return None
    sets = data["results"]["sets"]
    plt = _pyplot()
    fig, axes = plt.subplots(1, len(sets), figsize=(4.0 * len(sets), 3.0), squeeze=False)
    for ax, (name, methods) in zip(axes[0], sets.items()):
        labels = list(methods)
        values = [_scale(m["metric"], m["value"]) for m in methods.values()]
        ax.bar(labels, values, color="#2ca02c")
        ax.set_title(name, fontsize=9)
        ax.tick_params(axis="x", labelrotation=30, labelsize=7)
    path = out / "cross_domain.png"
    fig.savefig(path, **_SAVE)
    plt.close(fig)
    return path


def serving(results: ResultSet, out: Path) -> Path | None:
    data = results.named.get("serving_throughput")
    if not data:
        return None
    r = data["results"]
    points = r.get("concurrency") or [{"requests": r["requests"], "engine_tokens_per_s": r["engine_5_adapters"]["tokens_per_s"],
                                       "sequential_tokens_per_s": r["sequential_set_adapter"]["tokens_per_s"]}]
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(4.5, 3.0))
    xs = [p["requests"] for p in points]
    ax.plot(xs, [p["engine_tokens_per_s"] for p in points], marker="o", label="engine (batched, many adapters)")
    ax.plot(xs, [p["sequential_tokens_per_s"] for p in points], marker="s", label="sequential (set_adapter)")
    ax.set_xlabel("concurrent requests", fontsize=8)
    ax.set_ylabel("generated tokens/s", fontsize=8)
    ax.legend(fontsize=7)
    path = out / "serving.png"
    fig.savefig(path, **_SAVE)
    plt.close(fig)
    return path


def training(results: ResultSet, out: Path) -> Path | None:
    data = results.named.get("training_throughput")
    if not data:
        return None
    rows = {k: v for k, v in data["results"].items() if isinstance(v, dict)}
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 3.0))
    names = list(rows)
    xs = range(len(names))
    ax.bar([x - 0.2 for x in xs], [rows[n]["plain_tokens_per_s"] for n in names], width=0.4, label="plain Trainer + PEFT",
           color="#9e9e9e")
    ax.bar([x + 0.2 for x in xs], [rows[n]["ours_tokens_per_s"] for n in names], width=0.4, label="ours", color="#1f77b4")
    ax.set_xticks(list(xs), [textwrap.fill(n, 24) for n in names], fontsize=6)
    ax.set_ylabel("training tokens/s", fontsize=8)
    ax.legend(fontsize=7)
    path = out / "training.png"
    fig.savefig(path, **_SAVE)
    plt.close(fig)
    return path
