"""``react index build | query | info`` through the real app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from react_core import hookimpl
from react_core.cli import build_app
from react_core.domain import DomainSpec
from react_core.registry import new_registry

runner = CliRunner()


@pytest.fixture
def app():
    return build_app(new_registry())


def test_build_query_info_from_docs(app, kb_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "idx"
    result = runner.invoke(app, ["index", "build", "--docs", str(kb_dir), "--out", str(out),
                                 "--embedder", "hashing-64"])
    assert result.exit_code == 0, result.output
    assert "indexed 6 documents" in result.output
    result = runner.invoke(app, ["index", "query", "how long does shipping take", "--index", str(out), "-k", "2"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("[faq-1] Shipping (score")
    result = runner.invoke(app, ["index", "query", "配送", "--index", str(out), "--filter", "lang=ja", "--json",
                                 "--mode", "keyword"])
    assert [h["id"] for h in json.loads(result.output)] == ["faq-2"]
    result = runner.invoke(app, ["index", "info", "--index", str(out), "--json"])
    info = json.loads(result.output)
    assert info["embedder"]["name"] == "hashing-64" and info["documents"] == 6


def test_build_a_registered_domain_into_the_cache(kb_dir: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    class ShopPlugin:
        @hookimpl
        def react_register_domains(self, register) -> None:
            register(DomainSpec(name="shop", description="a shop", knowledge_paths=(kb_dir,)))

    registry = new_registry([("shop-plugin", ShopPlugin())])
    monkeypatch.setenv("REACT_CACHE_DIR", str(tmp_path / "cache"))
    app = build_app(registry)
    result = runner.invoke(app, ["index", "build", "shop", "--embedder", "hashing-32"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cache" / "indexes" / "shop" / "manifest.json").is_file()
    result = runner.invoke(app, ["index", "query", "toaster slots", "--domain", "shop", "-k", "1"])
    assert result.output.startswith("[sku-2] Toaster")
    result = runner.invoke(app, ["index", "info", "shop"])
    assert result.exit_code == 0 and "hashing-32" in result.output
    result = runner.invoke(app, ["index", "build", "nosuch", "--embedder", "hashing-32"])
    assert result.exit_code == 1 and "unknown domain 'nosuch'" in result.output


def test_usage_errors_are_clear(app, tmp_path: Path) -> None:
    result = runner.invoke(app, ["index", "build"])
    assert result.exit_code == 2 and "exactly one" in result.output
    result = runner.invoke(app, ["index", "build", "--docs", str(tmp_path)])
    assert result.exit_code == 2 and "--out" in result.output
    result = runner.invoke(app, ["index", "query", "x", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1 and "react index build" in result.output
    result = runner.invoke(app, ["index", "build", "--docs", str(tmp_path), "--out", str(tmp_path / "o"),
                                 "--embedder", "hashing-8"])
    assert result.exit_code == 1 and "no documents found" in result.output
