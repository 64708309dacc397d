"""The readers and the fixed splits: stratified, disjoint, deterministic, held out; clear errors."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from react_finance.data import DataError, conll, iob_spans, phrasebank, phrasebank_allagree, read_conll, twitter


def test_phrasebank_split_is_stratified_disjoint_and_fixed(data_dir: Path) -> None:
    splits = {s: phrasebank(data_dir, s) for s in ("train", "validation", "test")}
    counts = {s: Counter(label for _, label in rows) for s, rows in splits.items()}
    assert counts["train"] == {"positive": 24, "negative": 16, "neutral": 48}  # 80 % of 30 / 20 / 60
    assert counts["validation"] == counts["test"] == {"positive": 3, "negative": 2, "neutral": 6}
    texts = [set(t for t, _ in rows) for rows in splits.values()]
    assert not texts[0] & texts[1] and not texts[0] & texts[2] and not texts[1] & texts[2]
    assert sum(len(rows) for rows in splits.values()) == 110  # the duplicate line is dropped
    assert any("Seppälä" in t for t, _ in splits["train"])  # latin-1 decoded
    assert phrasebank(data_dir, "test") == splits["test"]


def test_allagree_is_the_agreed_part_of_the_split(data_dir: Path) -> None:
    test = dict(phrasebank(data_dir, "test"))
    agreed = phrasebank_allagree(data_dir, "test")
    assert agreed and all(test[t] == y for t, y in agreed)
    assert all("record high" in t or "Seppälä" in t for t, _ in agreed)


def test_twitter_labels_and_splits(data_dir: Path) -> None:
    test = twitter(data_dir, "test")
    assert len(test) == 12 and test[0] == ("$ABC - valid tweet 0 about stocks, label 0", "negative")
    assert Counter(y for _, y in test) == {"negative": 4, "positive": 4, "neutral": 4}
    train, val = twitter(data_dir, "train"), twitter(data_dir, "validation")
    assert len(train) == 54 and len(val) == 6 and not set(train) & set(val)


def test_conll_reads_iob1_spans(data_dir: Path) -> None:
    sentences = conll(data_dir, "test")
    assert [s.text for s in sentences][:2] == ["EU rejects German call .", "Peter Blackburn"]
    assert sentences[0].entities == (("ORG", "EU"), ("MISC", "German"))
    # B-LOC starts a new span right after another LOC
    assert sentences[2].entities == (("ORG", "Reuters"), ("ORG", "Nokia Oyj"), ("LOC", "Helsinki"),
                                     ("LOC", "Espoo"), ("LOC", "Tampere"))
    assert sentences[3].entities == ()
    assert len(conll(data_dir, "train")) == 16


def test_iob2_tags_read_the_same() -> None:
    assert iob_spans(["New", "York", "Times"], ["B-ORG", "I-ORG", "I-ORG"]) == [("ORG", "New York Times")]
    assert iob_spans(["A", "B"], ["I-PER", "I-LOC"]) == [("PER", "A"), ("LOC", "B")]


def test_malformed_files_name_file_and_line(tmp_path: Path, data_dir: Path) -> None:
    bad = tmp_path / "bad.conll"
    bad.write_text("EU NNP I-NP I-ORG\nrejects VBZ\n")
    with pytest.raises(DataError, match=r"bad.conll:2: expected 'word POS chunk NER'"):
        read_conll(bad)
    pb = data_dir / "financial_phrasebank" / "Sentences_50Agree.txt"
    pb.write_bytes(pb.read_bytes() + b"no label here\n")
    with pytest.raises(DataError, match=r"Sentences_50Agree.txt:112: expected 'sentence@label'"):
        phrasebank(data_dir, "train")
    with pytest.raises(ValueError, match="unknown split 'dev'"):
        twitter(data_dir, "dev")
    with pytest.raises(FileNotFoundError, match="REACT_DATA_DIR"):
        phrasebank(tmp_path, "test")
