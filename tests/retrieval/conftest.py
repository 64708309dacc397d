"""Fixtures for the retrieval tests: a deterministic embedder and a small knowledge base."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from react_core.retrieval import Document, HashingEmbedder


class CountingEmbedder(HashingEmbedder):
    """A hashing embedder that counts the texts it embeds (to prove nothing is re-embedded)."""

    def __init__(self, dimension: int = 64) -> None:
        super().__init__(dimension)
        self.documents_embedded = 0

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.documents_embedded += len(texts)
        return super().embed_documents(texts)


@pytest.fixture
def counting_embedder() -> type[CountingEmbedder]:
    """The class, for tests that need several fresh embedders."""
    return CountingEmbedder


@pytest.fixture
def embedder() -> CountingEmbedder:
    return CountingEmbedder(64)


@pytest.fixture
def docs() -> list[Document]:
    return [
        Document("paris", "Paris is the capital and largest city of France.", "Paris", "cities.jsonl",
                 {"lang": "en", "topic": "geo"}),
        Document("berlin", "Berlin is the capital of Germany, on the river Spree.", "Berlin", "cities.jsonl",
                 {"lang": "en", "topic": "geo"}),
        Document("tokyo", "東京は日本の首都であり、世界最大の都市圏です。", "東京", "cities.jsonl",
                 {"lang": "ja", "topic": "geo"}),
        Document("refunds", "Refunds are paid within five working days to the original card.", "Refunds",
                 "faq.md", {"lang": "en", "topic": "support"}),
        Document("python", "Python is a programming language created by Guido van Rossum.", "Python",
                 "lang.txt", {"lang": "en", "topic": "tech"}),
    ]


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    """A knowledge directory with one file of each supported type."""
    root = tmp_path / "kb"
    root.mkdir()
    (root / "guide.md").write_text(
        "# Guide\n\nWelcome to the guide.\n\n## Install\n\nRun pip install react-core.\n\n"
        "## Refunds\n\nRefunds are paid within five days.\n", encoding="utf-8")
    (root / "notes.txt").write_text("Opening hours are nine to five.\n\nClosed on Sundays.", encoding="utf-8")
    (root / "faq.jsonl").write_text(
        '{"id": "faq-1", "title": "Shipping", "text": "Shipping takes two days.", "lang": "en"}\n'
        '{"id": "faq-2", "title": "配送", "text": "配送には二日かかります。", "lang": "ja"}\n', encoding="utf-8")
    (root / "products.csv").write_text(
        "id,title,text,price\nsku-1,Kettle,An electric kettle that boils water fast.,25\n"
        "sku-2,Toaster,A toaster with four slots.,40\n", encoding="utf-8")
    return root
