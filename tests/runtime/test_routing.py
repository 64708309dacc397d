"""The router: domain weights from descriptions and examples, threshold to the base, merges."""

from __future__ import annotations

import pytest

from react_core.routing import DomainProfile, Router, bag_of_words_embedder

PROFILES = [
    DomainProfile("finance", "stocks shares market earnings dividends investing",
                  ("is the stock market up today", "what are the quarterly earnings of the company")),
    DomainProfile("medical", "medicine symptoms disease treatment doctor patients",
                  ("what are the symptoms of flu", "which treatment helps this disease")),
    DomainProfile("translation", "translate text between languages german french english",
                  ("translate this sentence to german", "how do you say hello in french")),
]


@pytest.fixture()
def router() -> Router:
    return Router(PROFILES, bag_of_words_embedder(), temperature=0.05, threshold=0.2, min_share=0.3)


def test_clear_queries_go_to_one_domain(router: Router) -> None:
    assert router.route("what are the symptoms of this disease").domains == ("medical",)
    route = router.route("translate the sentence to french")
    assert route.domains == ("translation",) and route.adapter_spec() == "translation"
    assert abs(sum(route.weights.values()) - 1) < 1e-6


def test_unrelated_query_falls_back_to_the_base(router: Router) -> None:
    route = router.route("zebra zeppelin quokka")
    assert route.domains == () and route.adapter_spec() is None


def test_query_spanning_domains_gives_a_merge(router: Router) -> None:
    route = Router(PROFILES, bag_of_words_embedder(), temperature=0.5, min_share=0.3).route(
        "earnings stocks market treatment disease symptoms")
    assert set(route.domains) == {"finance", "medical"}
    spec = route.adapter_spec()
    assert spec is not None and spec.startswith("finance=") and "+medical=" in spec


def test_domains_without_adapters_are_left_out_of_the_spec(router: Router) -> None:
    route = router.route("translate this sentence to german")
    assert route.adapter_spec(with_adapter=["finance"]) is None


def test_lower_temperature_sharpens_weights() -> None:
    q = "stock market treatment"
    sharp = Router(PROFILES, bag_of_words_embedder(), temperature=0.01).route(q).weights
    soft = Router(PROFILES, bag_of_words_embedder(), temperature=1.0).route(q).weights
    assert max(sharp.values()) > max(soft.values())


def test_trained_router_uses_class_probabilities(router: Router) -> None:
    texts = ["buy shares", "sell stock", "bond yields", "fever and cough", "broken arm", "headache pills",
             "say it in german", "french for cat", "english translation please"]
    labels = ["finance"] * 3 + ["medical"] * 3 + ["translation"] * 3
    router.fit(texts * 3, labels * 3)
    route = router.route("fever and headache")
    assert route.top == "medical" and route.weights["medical"] > 0.5
    with pytest.raises(ValueError, match="not domains"):
        router.fit(["x"], ["cooking"])


def test_router_needs_domains() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Router([], bag_of_words_embedder())
