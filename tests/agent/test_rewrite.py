"""Steps written with another adapter: the question before the loop, the answer after it."""

from __future__ import annotations

import pytest

from react_core import Agent, Rewrite
from react_core.agent import StepEvent
from react_core.agent.testing import ScriptedBackend
from react_core.training.trajectories import run_to_record

LOOKUP = " I should look the card up.\nAction: card_status[CARD-1]"
ANSWER = " I know it.\nFinal Answer: Your card is active."


def _card_status(card_id: str) -> str:
    """Status of a card."""
    return f"{card_id}: active"


def _german(query: str) -> bool:
    return any(w in query.lower().split() for w in ("meine", "ist", "karte"))


TO_EN = Rewrite("to_english", lambda q, text: f"German: {text}\nEnglish:" if _german(q) else None, adapter="translation")
BACK = Rewrite("to_german", lambda q, text: f"English: {text}\nGerman:" if _german(q) else None, adapter="translation")


def _agent(responses, **kwargs):
    from react_core.agent import tool

    backend = ScriptedBackend(responses)
    agent = Agent(backend, [tool(_card_status, name="card_status")], adapter="customer_service",
                  domain="customer_service", query_rewrite=TO_EN, answer_rewrite=BACK, **kwargs)
    return agent, backend


def test_german_question_is_reasoned_in_english_and_answered_in_german() -> None:
    agent, backend = _agent([" Is my card CARD-1 active?", LOOKUP, ANSWER, " Ihre Karte ist aktiv."])
    result = agent.run("Ist meine Karte CARD-1 aktiv?")
    assert result.ok and result.answer == "Ihre Karte ist aktiv."
    # each step ran with its own adapter: translation, the domain's (twice), translation
    assert [c.adapter for c in backend.calls] == ["translation", "customer_service", "customer_service", "translation"]
    assert backend.calls[0].prompt == "German: Ist meine Karte CARD-1 aktiv?\nEnglish:"
    assert "Is my card CARD-1 active?" in backend.calls[1].prompt
    assert "Ist meine Karte" not in backend.calls[1].prompt  # the domain adapter sees English only
    assert backend.calls[3].prompt == "English: Your card is active.\nGerman:"
    kinds = [(s.kind, s.action, s.adapter) for s in result.steps]
    assert kinds == [("rewrite", "to_english", "translation"), ("react", "card_status", None),
                     ("react", "finish", None), ("rewrite", "to_german", "translation")]
    assert result.steps[-1].action_input == "Your card is active." and result.query == "Ist meine Karte CARD-1 aktiv?"
    assert result.usage.generations == 4


def test_english_question_skips_both_rewrites() -> None:
    agent, backend = _agent([LOOKUP, ANSWER])
    result = agent.run("Is card CARD-1 active?")
    assert result.answer == "Your card is active." and all(s.kind == "react" for s in result.steps)
    assert [c.adapter for c in backend.calls] == ["customer_service", "customer_service"]


@pytest.mark.parametrize("failure", [RuntimeError("adapter not loaded"), "   "])
def test_a_failed_rewrite_keeps_the_answer_and_says_why(failure) -> None:
    agent, _ = _agent([" Is my card CARD-1 active?", LOOKUP, ANSWER, failure])
    result = agent.run("Ist meine Karte CARD-1 aktiv?")
    assert result.ok and result.answer == "Your card is active."
    last = result.steps[-1]
    assert last.kind == "rewrite" and last.observation == "Your card is active."
    assert "to_german" in last.error and "kept as it was" in last.error


def test_rewrite_steps_are_streamed_and_left_out_of_training_records() -> None:
    agent, _ = _agent([" Is my card CARD-1 active?", LOOKUP, ANSWER, " Ihre Karte ist aktiv."])
    events = list(agent.stream("Ist meine Karte CARD-1 aktiv?"))
    steps = [e.step for e in events if isinstance(e, StepEvent)]
    assert [s.action for s in steps] == ["to_english", "card_status", "finish", "to_german"]
    record = run_to_record(events[-1].result)
    contents = [m["content"] for m in record["messages"]]
    assert contents[0] == "Is my card CARD-1 active?"
    assert not any("to_german" in c or "Ihre Karte" in c for c in contents)


def test_a_rewrite_needs_a_name_and_a_callable() -> None:
    with pytest.raises(ValueError, match="needs a name"):
        Rewrite("", lambda q, t: t)
    with pytest.raises(ValueError, match="callable"):
        Rewrite("x", "not callable")  # type: ignore[arg-type]
