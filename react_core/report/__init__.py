"""``react report``: docs tables and PNG plots rendered from ``benchmarks/results/*.json``."""

from react_core.report.collect import ResultSet
from react_core.report.render import BLOCKS, render_file

__all__ = ["BLOCKS", "ResultSet", "render_file"]
