"""The sentiment_record guard: the answer's ``Sentiment:`` line states what the tool returned."""

from __future__ import annotations

from react_core import Step

from react_finance.review import answer_label, observed_label, sentiment_review


def scored(*observations: str) -> list[Step]:
    return [Step(i, action="sentiment", action_input="x", observation=o) for i, o in enumerate(observations)]


def test_the_answer_states_the_tools_label() -> None:
    steps = scored("negative (finance adapter)")
    assert sentiment_review("q", "Sentiment: positive. Profit will fall.", steps) == "Sentiment: negative. Profit will fall."
    assert sentiment_review("q", "sentiment:Neutral", steps) == "sentiment:Negative"
    assert sentiment_review("q", "Sentiment: negative.", steps) == "Sentiment: negative."
    # without a Sentiment: line, the one label word it uses, wherever it uses it
    neutral = scored("neutral (finance adapter)")
    assert sentiment_review("q", "Positive. The sentiment is positive.", neutral) == "Neutral. The sentiment is neutral."
    assert sentiment_review("q", "Sentiment: POSITIVE. A positive quarter.", neutral) == "Sentiment: NEUTRAL. A neutral quarter."


def test_nothing_to_check_leaves_the_answer() -> None:
    assert sentiment_review("q", "Sentiment: positive.", []) == "Sentiment: positive."  # no tool called
    mixed = scored("negative (finance adapter)", "positive (finance adapter)")  # two texts, two labels
    assert observed_label(mixed) is None and sentiment_review("q", "Sentiment: positive.", mixed) == "Sentiment: positive."
    assert sentiment_review("q", "Good news for investors.", scored("negative (x)")) == "Good news for investors."
    both = "Not positive, rather negative."
    assert sentiment_review("q", both, scored("neutral (x)")) == both  # states two labels: left alone
    failed = scored("Give the news text to score, e.g. sentiment[...]")
    assert observed_label(failed) is None
    other = [Step(0, action="entities", observation="negative ORG: x")]
    assert observed_label(other) is None


def test_answer_label_reads_the_line_else_one_label_word() -> None:
    assert answer_label("Sentiment: Positive. The loss shrank.") == "positive"
    assert answer_label("This is negative news for investors.") == "negative"
    assert answer_label("Not positive, rather negative.") is None
    assert answer_label(None) is None and answer_label("No idea.") is None
