"""Persistence: round trips, manifest, embedder refusal, atomic saves, no pickle, load_or_build."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from react_core.domain import DomainSpec
from react_core.retrieval import (
    Document,
    EmbedderMismatchError,
    HashingEmbedder,
    IndexLoadError,
    KnowledgeIndex,
    load_or_build,
    read_manifest,
)
from react_core.retrieval import store


@pytest.mark.parametrize("factory", ["Flat", "HNSW16"])
def test_round_trip_keeps_chunks_ids_and_results(tmp_path: Path, embedder, docs, factory: str) -> None:
    index = KnowledgeIndex.from_documents(docs, embedder, factory=factory, domain="geo")
    index.delete(["berlin"])  # a tombstone for HNSW
    index.save(tmp_path / "idx")
    loaded = KnowledgeIndex.load(tmp_path / "idx", embedder)
    assert [c.as_dict() for c in loaded] == [c.as_dict() for c in index]
    for query in ("capital of France", "首都", "refunds"):
        assert [h.id for h in loaded.search(query, k=3)] == [h.id for h in index.search(query, k=3)]
    assert loaded.get("berlin") is None
    loaded.add_documents([Document("rome", "Rome is the capital of Italy.")])
    assert loaded.search("capital of Italy", k=1, mode="keyword")[0].id == "rome"


def test_ivf_round_trip(tmp_path: Path, embedder) -> None:
    many = [Document(f"d{i}", f"passage {i} on subject {i % 13} and theme {i % 7}") for i in range(300)]
    index = KnowledgeIndex.from_documents(many, embedder, factory="IVF8,Flat", nprobe=8)
    index.delete(["d0", "d1"])
    index.save(tmp_path / "ivf")
    loaded = KnowledgeIndex.load(tmp_path / "ivf", embedder)
    assert len(loaded) == 298 and loaded.vectors.nprobe == 8
    assert [h.id for h in loaded.search("subject 5", k=5)] == [h.id for h in index.search("subject 5", k=5)]


def test_manifest_describes_the_index(tmp_path: Path, embedder, docs) -> None:
    KnowledgeIndex.from_documents(docs, embedder).save(tmp_path / "idx")
    manifest = read_manifest(tmp_path / "idx")
    assert manifest["embedder"] == {"name": "hashing-64", "fingerprint": "hashing:v1:64", "dimension": 64}
    assert manifest["metric"] == "inner_product" and manifest["factory"] == "Flat"
    assert manifest["chunks"] == manifest["vectors"] == 5
    assert manifest["corpus_hash"].startswith("sha256:")
    assert {"faiss-cpu", "numpy", "sentence-transformers", "python"} <= set(manifest["versions"])
    assert sorted(p.name for p in (tmp_path / "idx").iterdir()) == ["chunks.sqlite", "index.faiss", "manifest.json"]


def test_another_embedder_is_refused_with_a_clear_message(tmp_path: Path, embedder, docs) -> None:
    KnowledgeIndex.from_documents(docs, embedder).save(tmp_path / "idx")
    with pytest.raises(EmbedderMismatchError) as info:
        KnowledgeIndex.load(tmp_path / "idx", HashingEmbedder(32))
    message = str(info.value)
    assert "hashing-64" in message and "hashing-32" in message and "rebuild" in message
    assert isinstance(KnowledgeIndex.load(tmp_path / "idx"), KnowledgeIndex)  # manifest names the embedder


def test_missing_or_foreign_index_is_explained(tmp_path: Path) -> None:
    with pytest.raises(IndexLoadError, match="react index build"):
        KnowledgeIndex.load(tmp_path / "nothing")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "manifest.json").write_text(json.dumps({"format": "x"}))
    with pytest.raises(IndexLoadError, match="rebuild"):
        KnowledgeIndex.load(tmp_path / "other")


def test_crash_mid_save_leaves_the_previous_index_intact(tmp_path: Path, embedder, docs,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "idx"
    KnowledgeIndex.from_documents(docs[:2], embedder).save(target)
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    bigger = KnowledgeIndex.from_documents(docs, embedder)

    def crash(path: Path, items) -> None:  # the faiss file is already written in the staging directory
        path.write_bytes(b"half a sidecar")
        raise OSError("disk full")

    monkeypatch.setattr(store, "_write_sidecar", crash)
    with pytest.raises(OSError, match="disk full"):
        bigger.save(target)
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["idx"]  # no staging directory left behind
    monkeypatch.undo()
    assert len(KnowledgeIndex.load(target, embedder)) == 2
    bigger.save(target)
    assert len(KnowledgeIndex.load(target, embedder)) == 5


def test_no_pickle_in_save_or_load(tmp_path: Path, embedder, docs, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("pickle was used")

    for name in ("dump", "dumps", "load", "loads"):
        monkeypatch.setattr(pickle, name, refuse)
    KnowledgeIndex.from_documents(docs, embedder, factory="HNSW16").save(tmp_path / "idx")
    KnowledgeIndex.load(tmp_path / "idx", embedder)
    for file in (tmp_path / "idx").iterdir():
        assert not file.read_bytes().startswith(b"\x80")  # pickle protocol 2+ magic
    source = Path(store.__file__).parent
    assert not [p.name for p in source.glob("*.py") if "import pickle" in p.read_text()]


def test_load_or_build_builds_once_and_rebuilds_when_sources_change(tmp_path: Path, kb_dir: Path,
                                                                   counting_embedder) -> None:
    CountingEmbedder = counting_embedder  # noqa: N806
    spec = DomainSpec(name="shop", description="a shop", knowledge_paths=(kb_dir,))
    first = CountingEmbedder()
    index = load_or_build(spec, embedder=first, path=tmp_path / "idx")
    assert first.documents_embedded == len(index) > 0 and {c.domain for c in index} == {"shop"}
    second = CountingEmbedder()
    again = load_or_build(spec, embedder=second, path=tmp_path / "idx")
    assert second.documents_embedded == 0 and len(again) == len(index)
    (kb_dir / "notes.txt").write_text("Opening hours changed: ten to six.", encoding="utf-8")
    third = CountingEmbedder()
    rebuilt = load_or_build(spec, embedder=third, path=tmp_path / "idx")
    assert third.documents_embedded > 0 and "ten to six" in rebuilt.get("notes.txt").text
    assert load_or_build(DomainSpec(name="bare", description="none"), embedder=third) is None


def test_default_location_is_under_the_cache(tmp_path: Path, kb_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from react_core.retrieval import default_index_dir

    monkeypatch.setenv("REACT_CACHE_DIR", str(tmp_path / "cache"))
    assert default_index_dir("shop") == tmp_path / "cache" / "indexes" / "shop"
    spec = DomainSpec(name="shop", description="a shop", knowledge_paths=(kb_dir,))
    load_or_build(spec, embedder=HashingEmbedder())
    assert read_manifest(default_index_dir("shop"))["domain"] == "shop"
