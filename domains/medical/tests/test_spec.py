"""The spec, the guides and the prompts: complete, consistent, registered by the entry point."""

from __future__ import annotations

import re

from react_core import DomainSpec, new_registry

from react_medical import plugin
from react_medical.spec import SPEC

TOOLS = {"search_literature", "search_guides", "check_safety"}


def test_spec_is_valid_and_complete() -> None:
    SPEC.validate()
    assert isinstance(SPEC, DomainSpec) and SPEC.name == "medical"
    assert SPEC.system_prompt and len(SPEC.few_shot) >= 3 and len(SPEC.example_queries) >= 5
    assert [t.name for t in SPEC.eval_tasks] == ["pubmedqa", "pubmedqa_retrieved", "medqa", "medmcqa"]
    assert SPEC.eval_tasks[0].published == (0.681, "BioBERT, Jin et al. 2019")
    assert SPEC.build_training_data is not None and 0.0 <= SPEC.fusion.alpha <= 1.0


def test_entry_point_module_registers_the_domain() -> None:
    assert new_registry([("medical", plugin)]).domain("medical") is SPEC


def test_guides_are_written_for_the_project() -> None:
    names = sorted(p.name for p in SPEC.knowledge_paths[0].glob("*.md"))
    assert names == ["reading_evidence.md", "safety_policy.md"]
    policy = (SPEC.knowledge_paths[0] / "safety_policy.md").read_text()
    assert "## Not a diagnosis" in policy and "[no retrieved source]" in policy


def test_few_shot_examples_use_real_tools_and_end_with_the_disclaimer() -> None:
    from react_medical.safety import DISCLAIMER

    for shot in SPEC.few_shot:
        assert shot.startswith("Question: ") and "\nFinal Answer: " in shot and shot.endswith(DISCLAIMER)
        for action in re.findall(r"^Action: (\w+)", shot, flags=re.M):
            assert action in TOOLS
        for cited in re.findall(r"\[PMID:(\d+)\]", shot.split("Final Answer:")[1]):
            assert f"[PMID:{cited}]" in shot.split("Final Answer:")[0]  # only retrieved PMIDs are cited
