"""Required calls (Guard.require) and grounded answers (react_core.agent.repair), with scripted backends."""

from __future__ import annotations

from react_core.agent import Agent, AgentConfig, Guard, tool
from react_core.agent.testing import ScriptedBackend

RECORDS = {
    "CARD-2001": "CARD-2001: Visa debit ending 4821, status active, posted 2025-11-20 (customer C1001)",
    "CARD-2003": "CARD-2003: Visa debit ending 1194, status posted, posted 2025-11-28 (customer C1002)",
}


@tool
def card_status(card_id: str) -> str:
    """Status of a card.

    Args:
        card_id: A card id like CARD-2001.
    """
    return RECORDS.get(card_id.strip().upper(), f"No card with id {card_id}.")


@tool
def search(query: str) -> str:
    """Search the FAQ.

    Args:
        query: What to look for.
    """
    return "[faq#1] Cards arrive within 5 to 7 working days."


LOOKUP = Guard("lookup", require=lambda q: [("card_status", m) for m in ("CARD-2001", "CARD-2003") if m in q])
STATED = Guard("records", require=LOOKUP.require, state_required=True)


def test_a_policy_makes_its_call_before_the_model_and_the_model_continues_from_it() -> None:
    backend = ScriptedBackend([" I can answer.\nFinal Answer: Your card ending 4821 is active."])
    result = Agent(backend, [card_status, search], guards=[LOOKUP]).run("Where is my card CARD-2001?")
    first = result.steps[0]
    assert (first.kind, first.action, first.action_input) == ("policy", "card_status", "CARD-2001")
    assert first.observation == RECORDS["CARD-2001"] and "lookup" in first.thought
    assert backend.calls[0].prompt.endswith(f"Action: card_status[CARD-2001]\nObservation: {RECORDS['CARD-2001']}\n"
                                            "Thought:")
    assert result.answer == "Your card ending 4821 is active." and result.grounding["supported"] == ["ending 4821"]


def test_asking_again_for_what_a_policy_looked_up_is_a_repeat_and_the_next_step_must_answer() -> None:
    backend = ScriptedBackend([" Look.\nAction: card_status[CARD-2001]", " Done.\nFinal Answer: It is active."],
                              supports_grammar=True)
    result = Agent(backend, [card_status, search], guards=[LOOKUP]).run("Is CARD-2001 active?")
    repeat = result.steps[1]
    assert repeat.action == "card_status" and "already called card_status" in repeat.observation
    assert "Action: " in backend.calls[0].grammar  # the first step may act
    assert "Action: " not in backend.calls[1].grammar and "Final Answer: " in backend.calls[1].grammar


def test_the_last_allowed_step_can_only_answer() -> None:
    backend = ScriptedBackend([" Look.\nAction: search[cards]", " Done.\nFinal Answer: Soon."], supports_grammar=True)
    result = Agent(backend, [card_status, search], config=AgentConfig(max_steps=2)).run("When will it come?")
    assert result.stop_reason == "final_answer"
    assert "Action: " in backend.calls[0].grammar and "Action: " not in backend.calls[1].grammar


def test_a_policy_for_a_tool_the_agent_lacks_is_skipped_and_a_broken_policy_fails_closed() -> None:
    backend = ScriptedBackend([" Fine.\nFinal Answer: I cannot look cards up here."])
    result = Agent(backend, [search], guards=[LOOKUP]).run("Is CARD-2001 active?")
    assert [s.kind for s in result.steps] == ["react"] and result.ok
    broken = Guard("broken", require=lambda q: ["card_status"])
    result = Agent(ScriptedBackend([]), [card_status], guards=[broken]).run("Is CARD-2001 active?")
    assert result.stop_reason == "guard_error" and result.answer is None and "require must return" in result.stop_detail


def test_an_invented_id_and_a_foreign_date_are_caught_and_the_rewrite_replaces_them() -> None:
    backend = ScriptedBackend([
        " Done.\nFinal Answer: Your card CARD-2003 ending 1194 was posted on 2025-11-28.",
        " Your card ending 4821 is active; it was posted on 2025-11-20.",  # the rewrite, shown the evidence
    ])
    result = Agent(backend, [card_status], guards=[LOOKUP]).run("Where is my card CARD-2001?")
    assert result.grounding["unsupported"] == ["CARD-2003", "ending 1194", "2025-11-28"]
    assert result.grounding["repair"] == "regenerated" and result.grounding["remaining"] == []
    assert result.answer == "Your card ending 4821 is active; it was posted on 2025-11-20."
    assert "CARD-2003, ending 1194, 2025-11-28, which no observation" in backend.calls[1].prompt
    repair = result.steps[-1]
    assert (repair.kind, repair.action, repair.observation) == ("guard", "grounding", result.answer)


def test_when_the_rewrite_still_invents_the_answer_is_composed_from_the_observations() -> None:
    backend = ScriptedBackend([
        " Done.\nFinal Answer: Cards arrive in a week. Your card CARD-2003 ending 1194 was posted.",
        " Cards arrive in a week. Your card ending 1194 was posted.",
    ])
    result = Agent(backend, [card_status], guards=[LOOKUP]).run("Where is my card CARD-2001?")
    assert result.grounding["repair"] == "extracted" and result.grounding["remaining"] == []
    assert "1194" not in result.answer and "CARD-2003" not in result.answer
    assert result.answer == ("Cards arrive in a week. Here is what I found: " + RECORDS["CARD-2001"]
                             + " (card_status[CARD-2001]).")


def test_a_failed_rewrite_never_returns_the_invented_fact() -> None:
    backend = ScriptedBackend([" Done.\nFinal Answer: CARD-2003 was posted on 2025-11-28.", RuntimeError("down")])
    result = Agent(backend, [card_status], guards=[LOOKUP]).run("Where is CARD-2001?")
    assert "CARD-2003" not in result.answer and "2025-11-28" not in result.answer
    assert result.steps[-1].error.startswith("the rewrite failed")


def test_an_answer_that_leaves_out_a_required_record_gets_it_added() -> None:
    backend = ScriptedBackend([" Done.\nFinal Answer: Cards arrive within 5 to 7 working days."])
    result = Agent(backend, [card_status], guards=[STATED]).run("Where is my card CARD-2001?")
    assert result.answer == ("Cards arrive within 5 to 7 working days. From your records: " + RECORDS["CARD-2001"]
                             + " (card_status[CARD-2001]).")
    assert result.grounding["added"] == ["card_status[CARD-2001]"]
    stated = ScriptedBackend([" Done.\nFinal Answer: Your card ending 4821 is active, posted 2025-11-20, "
                              "for customer C1001."])
    result = Agent(stated, [card_status], guards=[STATED]).run("Where is my card CARD-2001?")
    assert result.grounding["added"] == []  # every fact of the record is in the answer already


def test_repeated_sentences_and_dangling_labels_are_removed_in_code() -> None:
    backend = ScriptedBackend([" Done.\nFinal Answer: Cards arrive in a week. Cards arrive in a week. "
                               "Cards arrive in a week. Intent Action taken: none."])
    result = Agent(backend, [search]).run("When will my card come?")
    assert result.answer == "Cards arrive in a week. Action taken: none."


def test_grounding_off_returns_the_draft_unchecked() -> None:
    backend = ScriptedBackend([" Done.\nFinal Answer: CARD-2003 was posted."])
    result = Agent(backend, [card_status], config=AgentConfig(grounding=False)).run("Where is CARD-2001?")
    assert result.answer == "CARD-2003 was posted." and result.grounding is None


def test_a_trajectory_keeps_a_policy_call_as_context_the_model_did_not_write() -> None:
    from react_core.training.trajectories import run_to_record

    backend = ScriptedBackend([" I can answer.\nFinal Answer: It is active."])
    result = Agent(backend, [card_status], guards=[LOOKUP]).run("Is CARD-2001 active?")
    messages = run_to_record(result)["messages"]
    assert [m["role"] for m in messages] == ["user", "user", "assistant"]
    assert messages[1]["content"] == (f"Thought: {result.steps[0].thought}\nAction: card_status[CARD-2001]\n"
                                      f"Observation: {RECORDS['CARD-2001']}")


def test_a_grounding_check_that_fails_withholds_the_answer() -> None:
    def broken() -> list[str]:
        raise RuntimeError("names unavailable")

    backend = ScriptedBackend([" Done.\nFinal Answer: It is active."])
    result = Agent(backend, [card_status], record_names=broken).run("Is CARD-2001 active?")
    assert result.stop_reason == "guard_error" and result.answer is None
    assert "grounding check failed" in result.stop_detail
