"""Training-data formats, masking and errors with file and line numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from react_core.training.data import DataFormatError, load_examples, parse_record, split_examples
from react_core.training.tokenize import IGNORE, Collator, encode, render_preview

FIREACT_LIKE = {"messages": [
    {"role": "user", "content": "Who wrote Hamlet?"},
    {"role": "assistant", "content": "Thought: search it.\nAction: search[Hamlet author]"},
    {"role": "user", "content": "Observation: Hamlet is a tragedy by William Shakespeare."},
    {"role": "assistant", "content": "Thought: found it.\nAction: finish[William Shakespeare]"},
    {"role": "user", "content": "Observation: Episode finished, reward = True"},
]}


def _write(tmp_path: Path, rows: list, raw: list[str] = ()) -> Path:
    path = tmp_path / "data.jsonl"
    lines = [json.dumps(r) for r in rows] + list(raw)
    path.write_text("\n".join(lines) + "\n")
    return path


def test_three_formats_are_read(tmp_path: Path) -> None:
    path = _write(tmp_path, [
        {"prompt": "Query: lost card\nIntent:", "completion": " lost_or_stolen_card"},
        FIREACT_LIKE,
        {"instruction": "Classify the sentiment.", "input": "Profits rose.", "output": "positive"},
    ])
    pc, chat, alpaca = load_examples(path)
    assert pc.prompt == "Query: lost card\nIntent:" and pc.target == " lost_or_stolen_card"
    assert chat.prompt == "Question: Who wrote Hamlet?\n"
    assert "Action: finish[William Shakespeare]" in chat.target
    assert "Observation" not in chat.target  # observations are never trained
    assert "Episode finished" not in "".join(t for t, _ in chat.segments)
    assert alpaca.prompt == "Classify the sentiment.\n\nProfits rose.\n" and alpaca.target == "positive"


def test_tool_role_is_an_observation() -> None:
    ex = parse_record({"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "Action: x[1]"},
                                    {"role": "tool", "content": "42"}, {"role": "assistant", "content": "Final Answer: 42"}]})
    assert ("Observation: 42\n", False) in ex.segments


@pytest.mark.parametrize("line, message", [
    ("{not json", "data.jsonl:2: not valid JSON"),
    ('{"text": "hi"}', "data.jsonl:2: unknown format"),
    ('{"messages": [{"role": "user", "content": "q"}]}', "data.jsonl:2: no assistant message"),
    ('{"messages": [{"role": "robot", "content": "q"}]}', "unknown role 'robot'"),
    ('{"prompt": "p", "completion": ""}', "completion non-empty"),
    ("[1, 2]", "expected a JSON object"),
])
def test_malformed_lines_name_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = _write(tmp_path, [{"prompt": "a", "completion": "b"}], [line])
    with pytest.raises(DataFormatError, match=message.replace("[", r"\[")):
        load_examples(path)


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="no such file"):
        load_examples(tmp_path / "nope.jsonl")
    (tmp_path / "empty.jsonl").write_text("\n")
    with pytest.raises(DataFormatError, match="no examples"):
        load_examples(tmp_path / "empty.jsonl")


def test_split_is_seeded_and_disjoint() -> None:
    exs = [parse_record({"prompt": str(i), "completion": "x"}) for i in range(50)]
    a_train, a_val = split_examples(exs, validation=0.2, seed=1)
    b_train, b_val = split_examples(exs, validation=0.2, seed=1)
    assert [e.prompt for e in a_val] == [e.prompt for e in b_val] and len(a_val) == 10
    assert not {e.prompt for e in a_val} & {e.prompt for e in a_train}


def test_only_assistant_tokens_carry_labels(tiny_lm) -> None:
    _, tokenizer = tiny_lm
    ex = parse_record(FIREACT_LIKE)
    enc = encode(ex, tokenizer, max_length=4096)
    trained = "".join(tok for tok, t in render_preview(enc, tokenizer) if t)
    masked = "".join(tok for tok, t in render_preview(enc, tokenizer) if not t)
    assert "Action: finish[William Shakespeare]" in trained
    assert "Shakespeare." in masked and "Who wrote Hamlet?" in masked
    assert "tragedy" not in trained
    assert enc.input_ids[-1] == tokenizer.eos_token_id and enc.labels[-1] == tokenizer.eos_token_id
    assert enc.input_ids[0] == tokenizer.bos_token_id and enc.labels[0] == IGNORE


def test_truncation_that_leaves_no_labels_drops_the_example(tiny_lm) -> None:
    _, tokenizer = tiny_lm
    ex = parse_record({"prompt": "x" * 400, "completion": "y"})
    assert encode(ex, tokenizer, max_length=16) is None


def test_left_padding_aligns_ends_and_skips_padding_in_positions() -> None:
    batch = Collator(0, side="left")([{"input_ids": [5, 6, 7], "labels": [IGNORE, 6, 7]},
                                      {"input_ids": [8], "labels": [8]}])
    assert batch["input_ids"].tolist() == [[5, 6, 7], [0, 0, 8]]
    assert batch["labels"].tolist() == [[IGNORE, 6, 7], [IGNORE, IGNORE, 8]]
    assert batch["attention_mask"].tolist() == [[1, 1, 1], [0, 0, 1]]
    assert batch["position_ids"].tolist() == [[0, 1, 2], [0, 0, 0]]
    right = Collator(0)([{"input_ids": [5, 6], "labels": [5, 6]}, {"input_ids": [8], "labels": [8]}])
    assert right["input_ids"].tolist() == [[5, 6], [8, 0]] and "position_ids" not in right
