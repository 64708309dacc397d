"""Fixtures: a small fake data directory (the three data sets' formats), a news index (hashing
embedder), a tiny model, and an isolated cache."""

from __future__ import annotations

from pathlib import Path

import pytest

POSITIVE = ["Operating profit rose to EUR {i} mn from EUR 3 mn", "Net sales increased {i} % to a record high"]
NEGATIVE = ["Operating loss widened to EUR {i} mn after weak demand", "The company will cut {i} jobs after sales fell"]
NEUTRAL = ["The company has {i} employees in Finland", "The annual general meeting is held on May {i}"]


def _phrasebank_lines() -> list[str]:
    lines = []
    for i in range(30):  # 30 positive, 20 negative, 50 neutral sentences, one with a latin-1 character
        lines.append(POSITIVE[i % 2].format(i=i) + " .@positive")
        if i < 20:
            lines.append(NEGATIVE[i % 2].format(i=i) + " .@negative")
        lines.append(NEUTRAL[i % 2].format(i=i) + " .@neutral")
        lines.append(f"Seppälä store number {i} opened in Espoo .@neutral")
    lines.append(POSITIVE[0].format(i=0) + " .@positive")  # an exact duplicate, dropped
    return lines


CONLL = """-DOCSTART- -X- O O

EU NNP I-NP I-ORG
rejects VBZ I-VP O
German JJ I-NP I-MISC
call NN I-NP O
. . O O

Peter NNP I-NP I-PER
Blackburn NNP I-NP I-PER

Reuters NNP I-NP I-ORG
said VBD I-VP O
Nokia NNP I-NP I-ORG
Oyj NNP I-NP I-ORG
in IN I-PP O
Helsinki NNP I-NP I-LOC
and CC O O
Espoo NNP I-NP I-LOC
Tampere NNP I-NP B-LOC
. . O O

Shares NNS I-NP O
fell VBD I-VP O
. . O O
"""


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    pb = root / "financial_phrasebank"
    pb.mkdir(parents=True)
    lines = _phrasebank_lines()
    (pb / "Sentences_50Agree.txt").write_bytes(("\r\n".join(lines) + "\r\n").encode("latin-1"))
    agreed = [line for line in lines if "record high" in line or "Seppälä" in line]
    (pb / "Sentences_AllAgree.txt").write_text("\n".join(dict.fromkeys(agreed)) + "\n", encoding="utf-8")
    tw = root / "twitter_financial_news_sentiment"
    tw.mkdir()
    for name, n in (("sent_train.csv", 20), ("sent_valid.csv", 4)):
        rows = ["text,label"] + [f'"$ABC - {name[5:10]} tweet {i} about stocks, label {i % 3}",{i % 3}' for i in range(n * 3)]
        (tw / name).write_text("\n".join(rows) + "\n", encoding="utf-8")
    conll = root / "conll2003"
    conll.mkdir()
    for name in ("eng.train", "eng.testa", "eng.testb"):
        (conll / name).write_text(CONLL * (4 if name == "eng.train" else 1), encoding="utf-8")
    return root


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No network; a private cache so indexes never touch the user's."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("REACT_CACHE_DIR", str(tmp_path_factory.mktemp("react-cache")))


@pytest.fixture(scope="session")
def news_index():
    from react_core.retrieval import HashingEmbedder, KnowledgeIndex, load_documents

    from react_finance.builder import knowledge_dir

    return KnowledgeIndex.from_documents(load_documents([knowledge_dir()]), HashingEmbedder(256), domain="finance")


@pytest.fixture(scope="session")
def tiny_lm_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random Gemma 3 model directory (react_core.testing), built once per session."""
    from react_core.testing import tiny_causal_lm

    return tiny_causal_lm(tmp_path_factory.mktemp("tiny-lm"))
