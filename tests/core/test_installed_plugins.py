"""Installed plugins found through entry points, in a real `react` process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

GOOD = '''
from react_core import DomainSpec, hookimpl

@hookimpl
def react_register_domains(register):
    register(DomainSpec(name="weather", description="Weather forecasts", example_queries=["rain tomorrow?"]))
'''

BROKEN = '''
raise ImportError("this plugin needs a package that is not installed")
'''


def _install(site: Path, dist: str, version: str, module: str, code: str) -> None:
    """Lay out a distribution the way pip does: a module plus a dist-info with entry points."""
    (site / f"{module}.py").write_text(code)
    info = site / f"{dist}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
    (info / "entry_points.txt").write_text(f"[react_core]\n{module} = {module}\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("site")
    _install(site, "react_weather", "1.2.0", "react_weather", GOOD)
    _install(site, "react_broken", "0.0.1", "react_broken", BROKEN)
    return site


def _react(site: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "PYTHONPATH": str(site), **env}
    for k in ("REACT_LOAD_PLUGINS", "REACT_STRICT_PLUGINS"):
        if k not in env:
            full_env.pop(k, None)
    return subprocess.run([sys.executable, "-m", "react_core.cli", *args], capture_output=True,
                          text=True, env=full_env, timeout=120)


def _by_name(stdout: str) -> dict[str, dict]:
    rows = json.loads(stdout)
    for row in rows:
        assert {"name", "version", "status", "error", "domains"} <= set(row)
    return {r["name"]: r for r in rows}


def test_broken_plugin_is_shown_as_error_and_others_load(site: Path) -> None:
    proc = _react(site, "plugins", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = _by_name(proc.stdout)
    assert rows["react_weather"]["status"] == "ok"
    assert rows["react_weather"]["version"] == "1.2.0"
    assert rows["react_weather"]["domains"] == ["weather"]
    assert rows["react_broken"]["status"] == "error"
    assert "not installed" in rows["react_broken"]["error"]
    assert rows["react_core.models.builtin"]["status"] == "ok"


def test_human_output_names_the_failure(site: Path) -> None:
    proc = _react(site, "plugins")
    assert proc.returncode == 0
    assert "react_broken" in proc.stdout and "error" in proc.stdout
    assert "failed to load" in proc.stderr


def test_select_plugins_by_environment(site: Path) -> None:
    only = _by_name(_react(site, "plugins", "--json", REACT_LOAD_PLUGINS="react_weather").stdout)
    assert "react_weather" in only and "react_broken" not in only
    none = _by_name(_react(site, "plugins", "--json", REACT_LOAD_PLUGINS="").stdout)
    assert not {"react_weather", "react_broken"} & set(none)
    assert "react_core.models.builtin" in none  # built-ins always load


def test_strict_mode_fails_fast(site: Path) -> None:
    proc = _react(site, "plugins", "--json", REACT_STRICT_PLUGINS="1")
    assert proc.returncode == 2
    assert "react_broken" in proc.stderr
