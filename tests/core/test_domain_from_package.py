"""DomainSpec.from_package: prompts, few-shot examples, adapter and knowledge read from a package folder."""

from __future__ import annotations

import sys

import pytest

from react_core import DomainSpec


@pytest.fixture
def package(tmp_path, monkeypatch):
    root = tmp_path / "react_weather"
    (root / "prompts" / "few_shot").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "prompts" / "system.md").write_text("You forecast the weather.\n")
    (root / "prompts" / "few_shot" / "2_rain.txt").write_text("Question: rain?\n")
    (root / "prompts" / "few_shot" / "1_sun.txt").write_text("Question: sun?\n")
    (root / "prompts" / "few_shot" / "notes.md").write_text("not an example")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield root
    sys.modules.pop("react_weather", None)


def test_reads_what_the_package_folder_has(package) -> None:
    spec = DomainSpec.from_package("react_weather", name="weather", description="Weather forecasts.")
    assert spec.system_prompt == "You forecast the weather."
    assert spec.few_shot == ["Question: sun?", "Question: rain?"]  # sorted by file name, .txt only
    assert spec.adapter_path is None and list(spec.knowledge_paths) == []  # absent: defaults

    (package / "knowledge").mkdir()
    (package / "adapter").mkdir()
    assert DomainSpec.from_package("react_weather", name="weather", description="x").adapter_path is None
    (package / "adapter" / "react_adapter.json").write_text("{}")  # an adapter counts only with its manifest
    spec = DomainSpec.from_package("react_weather", name="weather", description="x")
    assert spec.adapter_path == package / "adapter" and list(spec.knowledge_paths) == [package / "knowledge"]


def test_given_fields_win(package) -> None:
    spec = DomainSpec.from_package("react_weather", name="weather", description="x", system_prompt="Mine.",
                                   few_shot=())
    assert spec.system_prompt == "Mine." and spec.few_shot == ()


def test_an_unknown_package_is_a_clear_error() -> None:
    with pytest.raises(ModuleNotFoundError, match="react_no_such_domain"):
        DomainSpec.from_package("react_no_such_domain", name="x", description="x")
