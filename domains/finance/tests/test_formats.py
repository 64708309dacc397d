"""Prompts, the entity format and the metrics (entity micro-F1, accuracy and macro-F1)."""

from __future__ import annotations

import pytest

from react_finance.formats import (
    classification_scores,
    entity_prf,
    entity_prompt,
    format_entities,
    parse_entities,
    parse_label,
    sentiment_prompt,
)


def test_prompts_normalise_whitespace() -> None:
    assert sentiment_prompt("Profit  rose\n") == "Financial news: Profit rose\nSentiment:"
    assert entity_prompt(" EU rejects ") == "Sentence: EU rejects\nEntities:"


def test_entity_format_round_trips() -> None:
    ents = [("PER", "John Smith"), ("ORG", "Reuters"), ("LOC", "U.S.")]
    assert format_entities(ents) == "PER: John Smith; ORG: Reuters; LOC: U.S."
    assert parse_entities(" " + format_entities(ents) + "\nSentence: more") == ents
    assert format_entities([]) == "none" and parse_entities(" none") == [] and parse_entities("None.") == []


def test_parse_entities_drops_what_it_cannot_read() -> None:
    assert parse_entities(" PER:  John   Smith ; FOO: x; ORG Reuters; LOC:   ; MISC: Euro") == [
        ("PER", "John Smith"), ("MISC", "Euro")]
    assert parse_entities("") == []


def test_entity_prf_counts_exact_type_and_text_matches() -> None:
    gold = [[("PER", "John"), ("ORG", "Reuters")], [("LOC", "Oslo"), ("LOC", "Oslo")], []]
    pred = [[("PER", "John"), ("LOC", "Reuters")], [("LOC", "Oslo")], [("ORG", "X")]]
    scores = entity_prf(pred, gold)
    # tp = 2 (John, one Oslo); 4 predicted, 4 gold
    assert scores == {"f1": 0.5, "precision": 0.5, "recall": 0.5}
    assert entity_prf([[]], [[]]) == {"f1": 0.0, "precision": 0.0, "recall": 0.0}
    with pytest.raises(ValueError, match="1 predictions for 2 sentences"):
        entity_prf([[]], [[], []])


def test_classification_scores_match_sklearn() -> None:
    sklearn = pytest.importorskip("sklearn.metrics")
    gold = ["positive", "negative", "neutral", "neutral", "positive", "negative", "neutral"]
    pred = ["positive", "neutral", "neutral", "positive", "positive", "negative", "neutral"]
    scores = classification_scores(pred, gold)
    assert scores["accuracy"] == pytest.approx(sklearn.accuracy_score(gold, pred))
    assert scores["macro_f1"] == pytest.approx(sklearn.f1_score(gold, pred, average="macro"))
    assert classification_scores(["neutral"] * 3, ["neutral", "positive", "negative"])["macro_f1"] == pytest.approx(
        sklearn.f1_score(["neutral", "positive", "negative"], ["neutral"] * 3, average="macro",
                         labels=["negative", "neutral", "positive"], zero_division=0))


def test_parse_label_reads_the_first_word() -> None:
    assert parse_label(" negative\nmore") == "negative" and parse_label("Positive.") == "positive"
    assert parse_label(" bullish") == "" and parse_label("") == ""
