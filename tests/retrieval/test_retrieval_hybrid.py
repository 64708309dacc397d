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
