"""The monitor's PNG: negative share over the stream, overall and per entity, with alert markers."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from react_finance.monitor import OVERALL, MonitorResult

MAX_ENTITIES = 8


def plot_monitor(result: MonitorResult, path: Path, *, threshold: float, max_entities: int = MAX_ENTITIES) -> Path:
    """Draw the overall line and the ``max_entities`` most mentioned entities; alerts as red markers.

    The x axis is the item's position in the stream (its ``time`` labels the ticks when every
    item has one). Written through a temporary file and a rename.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - matplotlib is a dependency of the package
        raise RuntimeError("the plot needs matplotlib: pip install matplotlib") from exc

    keys = [k for k in sorted(result.series, key=lambda k: -len(result.series[k])) if k != OVERALL][:max_entities]
    fig, ax = plt.subplots(figsize=(10, 5), dpi=100)
    try:
        for key in [OVERALL, *keys]:
            points = result.series.get(key, [])
            if not points:
                continue
            xs, ys = zip(*points)
            style = {"color": "black", "linewidth": 2.0} if key == OVERALL else {"linewidth": 1.2, "alpha": 0.85}
            line, = ax.step(xs, ys, where="post", label="all news" if key == OVERALL else key, **style)
            pos_of = {item.line: i for i, item in enumerate(result.items)}
            alerts = [(pos_of[a.line], a.negative_share) for a in result.alerts if a.entity == key]
            if alerts:
                ax.scatter(*zip(*alerts), marker="v", s=80, color="red", edgecolors=line.get_color(), zorder=5)
        ax.axhline(threshold, color="red", linestyle="--", linewidth=1, label=f"threshold {threshold:g}")
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("news item")
        ax.set_ylabel("negative share in window")
        ax.set_title(f"Negative news share ({len(result.alerts)} alerts, red markers)")
        if result.items and all(item.time is not None for item in result.items):
            ticks = ax.get_xticks()
            ticks = [int(t) for t in ticks if 0 <= t < len(result.items)]
            ax.set_xticks(ticks, [str(result.items[t].time)[:16] for t in ticks], rotation=30, ha="right")
        ax.legend(loc="upper left", fontsize=8, ncol=2)
        fig.tight_layout()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".png", dir=path.parent)
        os.close(fd)
        try:
            fig.savefig(tmp, format="png")
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    finally:
        plt.close(fig)
    return path
