"""Reciprocal rank fusion: exact scores, weights, ties, and fusion across domains' indexes."""

from __future__ import annotations

import pytest

from react_core.retrieval import Chunk, Hit, KnowledgeIndex, fuse_indexes, reciprocal_rank_fusion
from react_core.retrieval.documents import Document


def hits(*ids: str, domain: str = "") -> list[Hit]:
    return [Hit(Chunk(id=i, doc=i, text=i, domain=domain), 1.0) for i in ids]


def test_rrf_scores_are_sum_of_reciprocal_ranks() -> None:
    fused = reciprocal_rank_fusion([hits("a", "b", "c"), hits("b", "d")], k=60)
    scores = {h.id: h.score for h in fused}
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert scores["a"] == pytest.approx(1 / 61)
    assert scores["d"] == pytest.approx(1 / 62)
    assert scores["c"] == pytest.approx(1 / 63)
    assert [h.id for h in fused] == ["b", "a", "d", "c"]
    assert all(h.method == "rrf" for h in fused)


def test_rrf_weights_limit_and_ties() -> None:
    fused = reciprocal_rank_fusion([hits("a"), hits("b")], k=1, weights=[1.0, 3.0])
    assert [(h.id, h.score) for h in fused] == [("b", 1.5), ("a", 0.5)]
    tie = reciprocal_rank_fusion([hits("x"), hits("y")])
    assert [h.id for h in tie] == ["x", "y"]  # first appearance wins a tie
    assert len(reciprocal_rank_fusion([hits("a", "b", "c")], limit=2)) == 2
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([hits("a")], k=0)


def test_same_id_in_two_domains_stays_apart() -> None:
    fused = reciprocal_rank_fusion([hits("faq", domain="bank"), hits("faq", domain="shop")])
    assert [(h.chunk.domain, h.id) for h in fused] == [("bank", "faq"), ("shop", "faq")]


def test_fuse_indexes_merges_domains_with_weights(embedder) -> None:
    bank = KnowledgeIndex.from_documents([Document("fees", "Card fees are two euros per month.")], embedder,
                                         domain="bank")
    shop = KnowledgeIndex.from_documents([Document("ship", "Shipping fees are five euros.")], embedder,
                                         domain="shop")
    both = fuse_indexes({"bank": bank, "shop": shop}, "fees euros", k=2)
    assert {h.chunk.domain for h in both} == {"bank", "shop"}
    favoured = fuse_indexes({"bank": bank, "shop": shop}, "fees euros", k=2, weights={"shop": 2.0})
    assert favoured[0].chunk.domain == "shop"


def test_vector_search_by_a_profile_among_chosen_chunks(docs, embedder) -> None:
    index = KnowledgeIndex.from_documents(docs, embedder)
    ids = [c.id for _, c in index.items()]
    first = index.dense_search(docs[0].text, 3)
    # a query's own vector, unnormalised, finds what dense_search finds, with the same scores
    vector = embedder.embed_queries([docs[0].text])[0] * 7.0
    again = index.vector_search(vector, 3)
    assert [h.id for h in again] == [h.id for h in first]
    assert [h.score for h in again] == pytest.approx([h.score for h in first], abs=1e-5)
    # a profile: the mean of two chunks' vectors, searched among three chosen chunks
    among = ids[1:4]
    hits_ = index.vector_search(embedder.embed_queries([docs[1].text, docs[2].text]).mean(axis=0), 10,
                                among=[*among, "no-such-chunk"])
    assert sorted(h.id for h in hits_) == sorted(among) and hits_[0].score >= hits_[-1].score
    assert index.vector_search(vector, 3, among=[]) == []
