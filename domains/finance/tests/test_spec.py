"""The spec, the knowledge base and the prompts: complete, consistent, registered by the entry point."""

from __future__ import annotations

import re

from react_core import DomainSpec, new_registry
from react_core.cli import build_app
from typer.testing import CliRunner

from react_finance import plugin
from react_finance.builder import READING, news_chunks
from react_finance.spec import SPEC


def test_spec_is_valid_and_complete() -> None:
    SPEC.validate()
    assert isinstance(SPEC, DomainSpec) and SPEC.name == "finance"
    assert SPEC.system_prompt and len(SPEC.few_shot) >= 3 and len(SPEC.example_queries) >= 5
    assert [t.name for t in SPEC.eval_tasks] == ["phrasebank", "phrasebank_allagree", "twitter", "conll_ner"]
    assert SPEC.build_training_data is not None and SPEC.knowledge_paths


def test_entry_point_module_registers_the_domain_and_the_command() -> None:
    registry = new_registry([("finance", plugin)])
    assert registry.domain("finance") is SPEC
    result = CliRunner().invoke(build_app(registry), ["finance", "monitor", "--help"])
    assert result.exit_code == 0 and "--threshold" in result.output and "--plot" in result.output


def test_every_news_item_has_a_date_and_a_market_reading() -> None:
    items = [c for c in news_chunks() if " > " in c.title]
    assert len(items) == 20
    for chunk in items:
        assert re.match(r"2026-\d\d-\d\d\. ", chunk.text.split("\n")[-1].strip() or chunk.text), chunk.id
        assert READING.search(chunk.text), chunk.id


def test_few_shot_examples_cite_real_items_and_tools() -> None:
    ids = {c.id for c in news_chunks()}
    for shot in SPEC.few_shot:
        assert shot.startswith("Question: ") and "\nFinal Answer: " in shot
        for cited in re.findall(r"\[([a-z_]+\.md#\d+)\]", shot):
            assert cited in ids, cited
        for action in re.findall(r"^Action: (\w+)", shot, flags=re.M):
            assert action in {"search_news", "sentiment", "entities"}
