"""PubMedQA and the exam data: splits, prompts, context truncation, clear errors for bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from react_medical import mcq, pubmedqa
from react_medical.evaluation import TASKS


def test_pubmedqa_splits_are_disjoint_seeded_and_stratified(data_dir: Path) -> None:
    train, val, test = (pubmedqa.read_split(data_dir, s) for s in pubmedqa.SPLITS)
    assert len(train) + len(val) == 40 and len(test) == 12
    assert not {i.pmid for i in train} & {i.pmid for i in val}
    assert {i.label for i in val} == set(pubmedqa.LABELS)  # every label is held out
    assert [i.pmid for i in val] == [i.pmid for i in pubmedqa.read_split(data_dir, "validation")]
    assert all(i.pmid.startswith("2") for i in test)
    with pytest.raises(ValueError, match="unknown split"):
        pubmedqa.read_split(data_dir, "dev")


def test_context_keeps_the_end_of_the_abstract() -> None:
    contexts = ["Background " + "b " * 300, "Methods " + "m " * 100, "Results: the risk fell by half."]
    text = pubmedqa.context_text(contexts, max_chars=300)
    assert len(text) <= 300 and text.endswith("Results: the risk fell by half.")
    assert text.startswith("... ") and "Background" not in text
    assert pubmedqa.context_text(["short one.", "short two."]) == "short one. short two."
    prompt = pubmedqa.prompt("Does it work?", contexts)
    assert prompt.startswith("Abstract: ") and prompt.endswith("Question: Does it work?\nAnswer (yes, no or maybe):")


def test_malformed_pubmedqa_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "pubmedqa"
    bad.mkdir()
    (bad / "pqal_trainval_set.json").write_text('{\n  "1": {"QUESTION": "q",\n  oops\n}')
    (bad / "pqal_test_set.json").write_text("{}")
    with pytest.raises(pubmedqa.PubMedQAError, match=r"pqal_trainval_set.json: line 3"):
        pubmedqa.read_split(tmp_path, "train")
    (bad / "pqal_trainval_set.json").write_text(json.dumps({"7": {"QUESTION": "q", "CONTEXTS": ["c"],
                                                                  "final_decision": "perhaps"}}))
    with pytest.raises(pubmedqa.PubMedQAError, match="entry 7 has final_decision 'perhaps'"):
        pubmedqa.read_split(tmp_path, "train")
    with pytest.raises(FileNotFoundError, match="PubMedQA not found"):
        pubmedqa.read_split(tmp_path / "nowhere", "test")


def test_mcq_splits_and_prompt(data_dir: Path) -> None:
    medqa = mcq.read_split(data_dir, "medqa", "test")
    assert len(medqa) == 12  # MedQA's test is the whole file
    val, test = mcq.read_split(data_dir, "medmcqa", "validation"), mcq.read_split(data_dir, "medmcqa", "test")
    assert len(val) == 10 and len(val) + len(test) == 20 and not {q.id for q in val} & {q.id for q in test}
    assert mcq.read_split(data_dir, "medqa", "validation") == val  # borrowed, never MedQA's own questions
    text = mcq.prompt(medqa[1])
    assert text.splitlines() == ["Question: medqa_usmle question 1?", "A. option A1", "B. option B1",
                                 "C. option C1", "D. option D1", "Answer:"]
    with pytest.raises(ValueError, match="no train split"):
        mcq.read_split(data_dir, "medqa", "train")


def test_malformed_jsonl_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    good = json.dumps({"question": "q", "options": {k: k for k in "ABCD"}, "answer_idx": "B"})
    path.write_text(good + "\n\n" + '{"question": "q", "options"\n')
    with pytest.raises(mcq.MCQError, match=r"q.jsonl:3: not valid JSON"):
        mcq.read_jsonl(path)
    path.write_text(json.dumps({"question": "q", "options": {"A": "a"}, "answer_idx": "A"}) + "\n")
    with pytest.raises(mcq.MCQError, match=r"q.jsonl:1: options must be an object with keys A, B, C, D"):
        mcq.read_jsonl(path)
    path.write_text(json.dumps({"question": "q", "options": {k: k for k in "ABCD"}, "answer_idx": "E"}) + "\n")
    with pytest.raises(mcq.MCQError, match="answer_idx 'E'"):
        mcq.read_jsonl(path)


def test_limit_takes_every_kth_question_of_the_split(data_dir: Path) -> None:
    tasks = {t.name: t for t in TASKS}
    full = [row["pmid"] for row in tasks["pubmedqa"].load(data_dir, "test", None)]
    assert [row["pmid"] for row in tasks["pubmedqa"].load(data_dir, "test", 4)] == full[::3]
    assert [row["id"] for row in tasks["medqa"].load(data_dir, "test", 6)] == \
        [row["id"] for row in tasks["medqa"].load(data_dir, "test", None)][::2]
    with pytest.raises(ValueError, match="at least 1"):
        tasks["pubmedqa"].load(data_dir, "test", 0)
