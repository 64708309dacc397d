"""The real packaged all-MiniLM-L6-v2 (small: loads in a few seconds on CPU)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from react_core.retrieval import (
    Document,
    EmbedderMismatchError,
    HashingEmbedder,
    KnowledgeIndex,
    SentenceTransformerEmbedder,
)


@pytest.fixture(scope="module")
def minilm() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder("all-MiniLM-L6-v2", device="cpu")


def test_vectors_are_normalized_batched_and_384_wide(minilm) -> None:
    texts = [f"sentence number {i}" for i in range(70)]  # more than one batch
    vectors = minilm.embed_documents(texts)
    assert vectors.shape == (70, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert minilm.embed_queries([]).shape == (0, 384)
    assert minilm.fingerprint.startswith("sha256:")


def test_semantic_search_without_shared_words(minilm, tmp_path: Path) -> None:
    docs = [Document("cat", "The kitten is sleeping on the sofa.", "Pets"),
            Document("bank", "Interest rates on savings accounts rose this year.", "Finance"),
            Document("car", "The automobile needs new tyres.", "Cars")]
    index = KnowledgeIndex.from_documents(docs, minilm)
    assert index.search("a young cat naps", k=1, mode="dense")[0].id == "cat"
    index.save(tmp_path / "idx")
    with pytest.raises(EmbedderMismatchError, match="all-MiniLM-L6-v2"):
        KnowledgeIndex.load(tmp_path / "idx", HashingEmbedder(384))
    assert KnowledgeIndex.load(tmp_path / "idx").search("money in the bank", k=1)[0].id == "bank"


def test_threads_that_first_use_the_embedder_together_load_it_once(monkeypatch) -> None:
    import threading
    import time

    embedder = SentenceTransformerEmbedder("all-MiniLM-L6-v2", device="cpu")
    loads = []

    def slow_load():
        loads.append(1)
        time.sleep(0.2)  # a real load takes seconds; every thread arrives while it runs
        return object()

    monkeypatch.setattr(embedder, "_load", slow_load)
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(embedder.model)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(loads) == 1 and len({id(m) for m in seen}) == 1
