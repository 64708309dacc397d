"""Fill the marked blocks of a markdown file with generated text.

A block is written by hand once and refreshed by ``react report`` ever after::

    <!-- react-report:headline -->
    (generated: anything here is replaced)
    <!-- /react-report -->

Names: ``headline``, ``training``, ``serving``, ``cross_domain``, ``plots``,
``domain:<name>``, ``sweep:<name>``. Text outside the blocks is left exactly as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from react_core.report import tables
from react_core.report.collect import ResultSet

_BLOCK = re.compile(r"(<!-- react-report:(?P<name>[a-z_]+(?::[a-z0-9_]+)?) -->\n)(?P<body>.*?)(<!-- /react-report -->)",
                    re.DOTALL)


@dataclass
class Context:
    """What the blocks are made from: the results, plus what the installed domains declare."""

    results: ResultSet
    published: tables.Published = field(default_factory=dict)
    order: Mapping[str, list[str]] = field(default_factory=dict)  # domain -> its task names in spec order
    chosen: Mapping[str, float] = field(default_factory=dict)  # domain -> its policy's alpha
    plots: Mapping[str, Path] = field(default_factory=dict)  # plot name -> path relative to the document


def _plots(ctx: Context) -> str:
    if not ctx.plots:
        return "_No plots yet: run `react report`._"
    return "\n\n".join(f"![{name}]({path.as_posix()})" for name, path in ctx.plots.items())


BLOCKS: dict[str, Callable[[Context, str], str]] = {
    "headline": lambda c, _: tables.headline(c.results, c.published, c.order),
    "training": lambda c, _: tables.training_table(c.results),
    "serving": lambda c, _: tables.serving_table(c.results),
    "cross_domain": lambda c, _: tables.cross_domain_table(c.results),
    "plots": lambda c, _: _plots(c),
    "domain": lambda c, arg: tables.domain_table(c.results, arg, c.published),
    "sweep": lambda c, arg: tables.sweep_table(c.results, arg, c.chosen.get(arg)),
}


def render_text(text: str, ctx: Context, *, where: str = "") -> str:
    """``text`` with every block refreshed; an unknown block name is a ``ValueError``."""

    def fill(m: re.Match[str]) -> str:
        kind, _, arg = m["name"].partition(":")
        make = BLOCKS.get(kind)
        if make is None or (kind in {"domain", "sweep"}) != bool(arg):
            line = text[:m.start()].count("\n") + 1
            raise ValueError(f"{where}:{line}: unknown report block {m['name']!r}; known: "
                             f"{', '.join(k + (':<domain>' if k in {'domain', 'sweep'} else '') for k in BLOCKS)}")
        return f"{m.group(1)}{make(ctx, arg).rstrip()}\n{m.group(4)}"

    return _BLOCK.sub(fill, text)


def render_file(path: Path, ctx: Context, *, check: bool = False) -> bool:
    """Refresh ``path``'s blocks; return True if it changed (with ``check``, write nothing)."""
    from react_core.atomic import write_bytes_atomic

    path = Path(path)
    old = path.read_text(encoding="utf-8")
    new = render_text(old, ctx, where=str(path))
    if new != old and not check:
        write_bytes_atomic(path, new.encode("utf-8"))
    return new != old
