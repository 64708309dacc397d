"""Vector index: factory choice, stable ids, in-place add/delete/update, metadata filters."""

from __future__ import annotations

import numpy as np
import pytest

from react_core.retrieval import (
    Document,
    DuplicateIdError,
    IndexConfigError,
    KnowledgeIndex,
    VectorIndex,
    choose_factory,
)
from react_core.retrieval.index import ivf_nlist


def unit(n: int, d: int = 16, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_factory_follows_corpus_size() -> None:
    assert choose_factory(100) == choose_factory(99_999) == "Flat"
    assert choose_factory(100_000) == "IVF1024,Flat"
    assert choose_factory(1_000_000) == f"IVF{ivf_nlist(1_000_000)},Flat" == "IVF4096,Flat"
    assert VectorIndex(8, "IVF4096,Flat").nprobe == 128 and VectorIndex(8, "IVF64,Flat").nprobe == 32


def test_bad_factory_is_a_clear_error() -> None:
    with pytest.raises(IndexConfigError, match="factory 'Nonsense42'"):
        VectorIndex(16, "Nonsense42")
    with pytest.raises(IndexConfigError, match="needs at least 64 vectors"):
        VectorIndex(16, "IVF64,Flat").add(np.arange(10), unit(10))


@pytest.mark.parametrize("factory", ["Flat", "HNSW16", "IVF8,Flat"])
def test_ids_are_stable_across_removals(factory: str) -> None:
    x = unit(400)
    index = VectorIndex(16, factory, nprobe=8)
    ids = np.arange(1000, 1400)
    index.add(ids, x)
    index.remove([1000, 1001, 1002])
    scores, found = index.search(x[[3, 10]], k=1)
    assert found[:, 0].tolist() == [1003, 1010]
    assert scores[0, 0] == pytest.approx(1.0, abs=1e-5)
    _, found = index.search(x[[0]], k=5)
    assert not {1000, 1001, 1002} & set(found[0].tolist())


def test_hnsw_tombstones_then_compacts() -> None:
    x = unit(100)
    index = VectorIndex(16, "HNSW16")
    index.add(np.arange(100), x)
    index.remove(range(10))
    assert index.tombstones == set(range(10)) and index.ntotal == 100  # below the compaction threshold
    index.remove(range(10, 30))
    assert index.tombstones == set() and index.ntotal == 70  # compacted from its own vectors
    _, found = index.search(x[[50]], k=1)
    assert found[0, 0] == 50


def test_allowed_ids_restrict_search() -> None:
    x = unit(50)
    for factory in ("Flat", "HNSW16"):
        index = VectorIndex(16, factory)
        index.add(np.arange(50), x)
        _, found = index.search(x[[0]], k=3, allowed=np.array([7, 9]))
        assert set(found[0].tolist()) - {-1} == {7, 9}


def test_add_delete_update_without_rebuild(embedder, docs) -> None:
    index = KnowledgeIndex.from_documents(docs[:3], embedder)
    faiss_index = index.vectors.index
    assert embedder.documents_embedded == 3
    index.add_documents(docs[3:])
    assert embedder.documents_embedded == 5  # only the new documents were embedded
    assert index.delete(["berlin"]) == 1
    assert index.get("berlin") is None and len(index) == 4
    assert all(h.id != "berlin" for h in index.search("capital of Germany", k=5))
    index.update([Document("paris", "Paris hosts the Louvre museum.", "Paris")])
    assert embedder.documents_embedded == 6
    assert index.search("Louvre museum", k=1)[0].id == "paris"
    assert "largest city" not in index.get("paris").text
    assert index.vectors.index is faiss_index  # same faiss index object: changed in place
    assert index.vectors.ntotal == 4


def test_duplicate_ids_are_refused(embedder, docs) -> None:
    index = KnowledgeIndex.from_documents(docs, embedder)
    with pytest.raises(DuplicateIdError, match="use update"):
        index.add_documents(docs[:1])


def test_metadata_filters_in_every_mode(embedder, docs) -> None:
    index = KnowledgeIndex.from_documents(docs, embedder)
    for mode in ("dense", "keyword", "hybrid"):
        found = index.search("capital city", k=5, mode=mode, filters={"lang": "en", "topic": "geo"})
        assert found and {h.id for h in found} <= {"paris", "berlin"}, mode
    assert {h.id for h in index.search("首都", k=5, filters={"lang": ["ja", "xx"]})} == {"tokyo"}
    assert index.search("capital", k=5, filters={"source": "nowhere"}) == []
    assert [h.id for h in index.search("capital", k=5, mode="dense", filters={"id": "python"})] == ["python"]


def test_hybrid_finds_what_either_method_finds(embedder, docs) -> None:
    index = KnowledgeIndex.from_documents(docs, embedder)
    assert index.search("Guido van Rossum", k=1, mode="keyword")[0].id == "python"
    top = index.search("Guido van Rossum", k=2)
    assert top[0].id == "python" and top[0].method == "rrf"
    with pytest.raises(ValueError, match="mode must be"):
        index.search("x", mode="fuzzy")  # type: ignore[arg-type]


def test_large_corpus_gets_an_approximate_index(embedder) -> None:
    index = KnowledgeIndex(embedder, factory="auto")
    many = [Document(f"d{i}", f"document number {i} about topic {i % 37}") for i in range(50)]
    index.add_documents(many)
    assert index.factory == "Flat"
    hnsw = KnowledgeIndex.from_documents(many, embedder, factory="HNSW16")
    assert hnsw.vectors.is_hnsw and hnsw.search("topic 5", k=1, mode="dense")


def test_load_embedder_shares_one_model_embedder_per_name() -> None:
    from react_core.retrieval import HashingEmbedder, load_embedder

    first = load_embedder("all-MiniLM-L6-v2")  # the model itself loads lazily, on first embed
    assert load_embedder("all-MiniLM-L6-v2") is first
    assert load_embedder("all-MiniLM-L6-v2", device="cpu") is not first  # with options: its own
    assert isinstance(load_embedder("hashing-64"), HashingEmbedder)
