"""Fixtures: a small fake Banking77 directory, a seeded demo bank and an FAQ index (hashing embedder)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

# real Banking77 labels that have FAQ passages and tool paths in the builder
LABELS = ["card_arrival", "pending_transfer", "cancel_transfer", "lost_or_stolen_card", "Refund_not_showing_up", "exchange_rate"]


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    (root / "banking77").mkdir(parents=True)
    (root / "banking77" / "categories.json").write_text(json.dumps(LABELS))
    for split, n in (("train", 20), ("test", 4)):
        with (root / "banking77" / f"{split}.csv").open("w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["text", "category"])
            for label in LABELS:
                for i in range(n):
                    w.writerow([f"{split} question {i} about {label.replace('_', ' ')}", label])
    return root


@pytest.fixture()
def bank(tmp_path: Path):
    from react_customer_service.db import Bank

    return Bank(tmp_path / "bank.db")


@pytest.fixture(scope="session")
def faq_index():
    from react_core.retrieval import HashingEmbedder, KnowledgeIndex, load_documents

    from react_customer_service.builder import knowledge_dir

    return KnowledgeIndex.from_documents(load_documents([knowledge_dir()]), HashingEmbedder(256),
                                         domain="customer_service")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No network; a private cache so the demo bank and indexes never touch the user's."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("REACT_CACHE_DIR", str(tmp_path_factory.mktemp("react-cache")))


@pytest.fixture(scope="session")
def tiny_lm_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random Gemma 3 model directory (react_core.testing), built once per session."""
    from react_core.testing import tiny_causal_lm

    return tiny_causal_lm(tmp_path_factory.mktemp("tiny-lm"))


@pytest.fixture(autouse=True)
def _hashing_classifier(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The intent classifier on a hashing embedder: tests neither load MiniLM nor depend on it
    (except the slow tests, which run the domain as shipped)."""
    from react_customer_service import candidates

    if request.node.get_closest_marker("slow"):
        return
    monkeypatch.setattr(candidates, "EMBEDDER", "hashing-256")
