"""The ``Action taken:`` record: read back from the real tools' observations, and the guard that
makes an answer say what the run did instead of what the model claims."""

from __future__ import annotations

from react_core import Agent
from react_core.agent.testing import ScriptedBackend

from react_customer_service.actions import ACTION_RECORD_GUARD, action_note
from react_customer_service.tools import make_tools


def call(bank, name: str, raw: str):
    """``(tool, action input as the step records it, observation)`` of the real tool called with
    ``raw`` on the demo bank, bound as the loop binds it."""
    tool = {t.name: t for t in make_tools(bank)}[name]
    kwargs = tool.bind(raw)
    return name, raw if tool.single_argument else kwargs, tool(**kwargs)


def test_each_account_tool_call_that_did_something_has_its_note(bank) -> None:
    assert action_note(*call(bank, "card_status", "c1001")) == "looked up the cards of C1001"
    assert action_note(*call(bank, "card_status", '{"card_id": "CARD-2001"}')) == "looked up CARD-2001"
    assert action_note(*call(bank, "transfer_status", "TR-3002")) == "checked transfer TR-3002"
    assert action_note(*call(bank, "freeze_card", '{"card_id": "CARD-2001"}')) == (
        "asked you to confirm before freezing CARD-2001; reply 'yes, freeze CARD-2001' to freeze it")
    assert action_note(*call(bank, "freeze_card", '{"card_id": "CARD-2001", "confirm": true}')) == "froze CARD-2001"
    assert action_note(*call(bank, "create_ticket", '{"customer_id": "C1002", "subject": "double charge"}')) == (
        "opened ticket #1")
    assert action_note(*call(bank, "escalate_to_human", "customer asked")) == "handed over to a person (escalation #2)"


def test_a_call_that_changed_nothing_has_no_note(bank) -> None:
    for tool, argument in [("card_status", "C9999"), ("card_status", "my card"), ("transfer_status", "TR-9999"),
                           ("transfer_status", "C1001"), ("freeze_card", '{"card_id": "CARD-9999", "confirm": true}'),
                           ("create_ticket", '{"customer_id": "C9999", "subject": "x"}'), ("escalate_to_human", '{"reason": " "}')]:
        assert action_note(*call(bank, tool, argument)) is None, (tool, argument)
    call(bank, "freeze_card", '{"card_id": "CARD-2001", "confirm": true}')
    assert action_note(*call(bank, "freeze_card", '{"card_id": "CARD-2001", "confirm": true}')) is None  # already frozen
    assert action_note("search_faq", "fees", "[fees.md#1] Fees (0.9): ...") is None


def test_an_action_the_run_did_not_take_is_not_claimed(bank) -> None:
    tools = make_tools(bank)
    claim = " I can answer.\nFinal Answer: Intent: lost_or_stolen_card. Freeze it in the app. Action taken: froze CARD-2001."
    result = Agent(ScriptedBackend([claim]), tools, guards=[ACTION_RECORD_GUARD]).run("I lost my card CARD-2001")
    assert result.answer == "Intent: lost_or_stolen_card. Freeze it in the app. Action taken: none."
    guard = result.steps[-1]
    assert guard.kind == "guard" and guard.action == "action_record" and guard.action_input.endswith("froze CARD-2001.")
    assert bank.card("CARD-2001")["status"] == "active"  # and nothing was frozen


def test_the_record_says_what_the_tools_did_and_ends_a_repeating_answer(bank) -> None:
    tools = make_tools(bank)
    script = [" Look at the cards.\nAction: card_status[C1001]",
              ' Freeze, after confirming.\nAction: freeze_card[{"card_id": "CARD-2001"}]',
              " Done.\nFinal Answer: Intent: lost_or_stolen_card. Confirm first. Action taken: froze CARD-2001 "
              "(source: [security.md#1]) Action taken: froze CARD-2001 (source"]
    result = Agent(ScriptedBackend(script), tools, guards=[ACTION_RECORD_GUARD]).run("I lost my card, I'm C1001")
    assert result.answer == ("Intent: lost_or_stolen_card. Confirm first. Action taken: looked up the cards of C1001; "
                             "asked you to confirm before freezing CARD-2001; reply 'yes, freeze CARD-2001' to freeze it.")


def test_a_true_record_is_left_alone_and_a_missing_one_is_added(bank) -> None:
    tools = make_tools(bank)
    script = [" Check.\nAction: transfer_status[TR-3002]",
              " Done.\nFinal Answer: Intent: pending_transfer. It is pending. Action taken: checked transfer TR-3002."]
    result = Agent(ScriptedBackend(script), tools, guards=[ACTION_RECORD_GUARD]).run("Where is TR-3002?")
    assert result.answer.endswith("Action taken: checked transfer TR-3002.")
    assert all(s.kind == "react" for s in result.steps)  # nothing changed, so no guard step
    bare = " Done.\nFinal Answer: Intent: exchange_rate. Rates are in the app."
    result = Agent(ScriptedBackend([bare]), tools, guards=[ACTION_RECORD_GUARD]).run("What is the euro rate?")
    assert result.answer == "Intent: exchange_rate. Rates are in the app. Action taken: none."


def test_the_domain_guards_together_keep_the_hand_over_record(data_dir, bank) -> None:
    from react_customer_service.candidates import load_classifier
    from react_customer_service.scope import HAND_OVER_GUARD

    tools = make_tools(bank, classifier=load_classifier(data_dir))
    backend = ScriptedBackend([" Ask.\nAction: classify_intent[a person]",
                               " Done.\nFinal Answer: Intent: card_arrival. Posted. Action taken: froze CARD-2001."])
    result = Agent(backend, tools, guards=[HAND_OVER_GUARD, ACTION_RECORD_GUARD]).run("Let me talk to a real person")
    assert result.answer.endswith("Action taken: handed over to a person (escalation #1).")
    # the draft's invented CARD-2001 was caught and repaired; then the record agreed: no second change
    assert result.grounding["unsupported"] == ["CARD-2001"]
    assert [s.action for s in result.steps if s.kind == "guard"] == ["grounding", "hand_over"]


def test_the_policies_consult_the_classifier_and_faq_and_look_up_every_id_in_order() -> None:
    from react_customer_service.policy import consult, record_lookups

    question = "(conversation so far)\nUser: my card is card-2003\n(now answer)\nDid TR-3002 go? I'm C1001"
    assert consult(question) == [("classify_intent", "Did TR-3002 go? I'm C1001"),
                                 ("search_faq", "Did TR-3002 go? I'm C1001")]
    assert record_lookups(question) == [("card_status", "CARD-2003"), ("transfer_status", "TR-3002"),
                                        ("card_status", "C1001")]
    assert record_lookups("How do I top up?") == []
