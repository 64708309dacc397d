"""Fixtures: a small fake data directory (PubMedQA, MedQA, MedMCQA), a tiny model, isolated caches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

TOPICS = ["statins dementia", "aspirin stroke", "vitamin fractures", "acupuncture pain", "exercise depression",
          "smoking surgery", "coffee arrhythmia", "sleep obesity", "fluoride caries", "yoga asthma"]
LABELS = ["yes", "no", "maybe"]


def pqal_entry(i: int, topic: str) -> dict:
    label = LABELS[i % 3] if i % 5 else "yes"
    return {"QUESTION": f"Does {topic} study {i} show an effect?",
            "CONTEXTS": [f"Background {i}: we studied {topic} in {100 + i} adults.",
                         f"Results {i}: the {topic} group differed ({label} finding) with p = 0.0{i % 9 + 1}."],
            "LABELS": ["BACKGROUND", "RESULTS"], "MESHES": ["Humans"], "YEAR": "2001",
            "final_decision": label, "LONG_ANSWER": f"Our data on {topic} suggest the answer is {label}."}


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("data")
    (root / "pubmedqa").mkdir()
    trainval = {str(1000000 + i): pqal_entry(i, TOPICS[i % len(TOPICS)]) for i in range(40)}
    test = {str(2000000 + i): pqal_entry(i + 40, TOPICS[i % len(TOPICS)]) for i in range(12)}
    (root / "pubmedqa" / "pqal_trainval_set.json").write_text(json.dumps(trainval, indent=4))
    (root / "pubmedqa" / "pqal_test_set.json").write_text(json.dumps(test, indent=4))
    for folder, n in (("medqa_usmle", 12), ("medmcqa", 20)):
        (root / folder).mkdir()
        with (root / folder / "test.jsonl").open("w") as fh:
            for i in range(n):
                fh.write(json.dumps({"realidx": i, "question": f"{folder} question {i}?",
                                     "options": {k: f"option {k}{i}" for k in "ABCD"},
                                     "answer_idx": "ABCD"[i % 4], "answer": f"option {'ABCD'[i % 4]}{i}"}) + "\n")
    return root


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No network; a private cache so indexes never touch the user's."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("REACT_CACHE_DIR", str(tmp_path_factory.mktemp("react-cache")))


@pytest.fixture(scope="session")
def literature_index(data_dir: Path):
    from react_core.retrieval import HashingEmbedder

    from react_medical import literature, pubmedqa

    return literature.build(pubmedqa.all_items(data_dir), HashingEmbedder(256))


@pytest.fixture(scope="session")
def guides_index():
    from react_core.retrieval import HashingEmbedder, KnowledgeIndex, load_documents

    from react_medical.spec import SPEC

    return KnowledgeIndex.from_documents(load_documents(SPEC.knowledge_paths), HashingEmbedder(256), domain="medical")


@pytest.fixture(scope="session")
def tiny_lm_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random Gemma 3 model directory (react_core.testing), built once per session."""
    from react_core.testing import tiny_causal_lm

    return tiny_causal_lm(tmp_path_factory.mktemp("tiny-lm"))
