"""The demo bank and the account tools: validation, unknown ids, confirmation, transactions, the agent."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest
from react_core import Agent
from react_core.agent.testing import ScriptedBackend

from react_customer_service.db import Bank
from react_customer_service.spec import SPEC
from react_customer_service.tools import make_tools


def tools_by_name(bank: Bank, index=None) -> dict:
    return {t.name: t for t in make_tools(bank, index)}


def test_seed_is_deterministic_and_created_once(tmp_path) -> None:
    a, b = Bank(tmp_path / "a.db"), Bank(tmp_path / "b.db")
    assert a.cards_of("C1001") == b.cards_of("C1001") and a.transfer("TR-3002") == b.transfer("TR-3002")
    Bank(tmp_path / "a.db")  # opening again must not seed twice
    with sqlite3.connect(tmp_path / "a.db") as con:
        assert con.execute("SELECT COUNT(*) FROM customers").fetchone()[0] == 5


def test_default_path_is_under_the_cache(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("REACT_CACHE_DIR", str(tmp_path / "cache"))
    assert Bank().path == tmp_path / "cache" / "customer_service" / "bank.db"


def test_card_status_for_a_card_a_customer_and_bad_ids(bank: Bank) -> None:
    tools = tools_by_name(bank)
    assert "ending 4821, status active" in tools["card_status"]("CARD-2001")
    assert tools["card_status"](" card-2001 ") == tools["card_status"]("CARD-2001")
    listing = tools["card_status"]("C1002")
    assert "CARD-2003" in listing and "posted 2025-11-20" in listing and "CARD-2004" in listing
    assert tools["card_status"]("CARD-9999").startswith("No card with id CARD-9999")
    assert tools["card_status"]("C9999").startswith("No customer with id C9999")
    assert "is not a card id" in tools["card_status"]("my card")


def test_transfer_status(bank: Bank) -> None:
    t = tools_by_name(bank)["transfer_status"]
    assert "1,200.00 EUR to Maison Lenoir SARL" in t("TR-3002") and "status pending" in t("TR-3002")
    assert t("TR-0000").startswith("No transfer with id TR-0000")
    assert "is not a transfer id" in t("12345")


def test_freeze_card_asks_for_confirmation_first(bank: Bank) -> None:
    freeze = tools_by_name(bank)["freeze_card"]
    asked = freeze(card_id="CARD-2001")
    assert asked.startswith("Not frozen yet") and '"confirm": true' in asked
    assert bank.card("CARD-2001")["status"] == "active"
    assert freeze(card_id="CARD-2001", confirm=True).startswith("Done: CARD-2001")
    assert bank.card("CARD-2001")["status"] == "frozen"
    assert "already frozen" in freeze(card_id="CARD-2001", confirm=True)
    assert "cancelled" in freeze(card_id="CARD-2006", confirm=True)
    assert freeze(card_id="CARD-0404", confirm=True).startswith("No card with id CARD-0404")


def test_freeze_through_the_agent_parses_json_input(bank: Bank) -> None:
    backend = ScriptedBackend([' Freeze it.\nAction: freeze_card[{"card_id": "CARD-2005"}]',
                               ' Confirmed.\nAction: freeze_card[{"card_id": "CARD-2005", "confirm": true}]',
                               " Done.\nFinal Answer: Intent: lost_or_stolen_card. Frozen. Action taken: froze CARD-2005."])
    result = Agent(backend, make_tools(bank)).run("I lost CARD-2005, yes freeze it")
    assert result.ok and [s.observation[:14] for s in result.steps[:2]] == ["Not frozen yet", "Done: CARD-200"]
    assert bank.card("CARD-2005")["status"] == "frozen"


def test_tickets_and_escalations_are_written(bank: Bank) -> None:
    tools = tools_by_name(bank)
    out = tools["create_ticket"](customer_id="C1003", subject="refund missing", details="since Monday")
    assert out.startswith("Ticket #1 created for C1003")
    assert tools["create_ticket"](customer_id="C7777", subject="x").startswith("No customer with id C7777")
    assert "needs a subject" in tools["create_ticket"](customer_id="C1003", subject="  ")
    assert tools["escalate_to_human"](reason="customer asked for a person").startswith("Handed over")
    assert "No customer" in tools["escalate_to_human"](reason="angry", customer_id="C0000")
    rows = bank.tickets()
    assert [(r["kind"], r["customer_id"]) for r in rows] == [("ticket", "C1003"), ("escalation", None)]


def test_a_failed_write_rolls_back(bank: Bank, monkeypatch) -> None:
    with pytest.raises(RuntimeError):
        with bank._transaction() as con:
            con.execute("UPDATE cards SET status = 'frozen' WHERE id = 'CARD-2001'")
            raise RuntimeError("crash mid-transaction")
    assert bank.card("CARD-2001")["status"] == "active"


def test_agent_cites_the_faq_and_uses_the_account_tools(bank: Bank, faq_index) -> None:
    backend = ScriptedBackend([
        " The customer's intent is card_arrival. I will check the FAQ.\nAction: search_faq[when will my card arrive]",
        " I will look at the customer's cards.\nAction: card_status[C1002]",
        " I can answer now.\nFinal Answer: Intent: card_arrival. Posted 2025-11-20 (source: [cards.md#1]) "
        "Action taken: looked up the cards of C1002.",
    ])
    spec = replace(SPEC, tools=lambda: make_tools(bank, faq_index, k=SPEC.fusion.retrieval_k), guards=[])
    agent = Agent.from_domain(backend, spec, adapter=None)
    result = agent.run("My card has not arrived. My customer id is C1002.")
    assert result.ok and result.answer.startswith("Intent: card_arrival")
    search, status, _ = result.steps
    assert search.action == "search_faq" and search.observation.startswith("[")
    assert status.observation.startswith("CARD-2003")
    prompt = backend.calls[0].prompt
    assert "search_faq" in prompt and "escalate_to_human" in prompt and "Harbor Bank" in prompt


def test_unknown_ids_never_crash_the_agent(bank: Bank) -> None:
    backend = ScriptedBackend([" Check.\nAction: transfer_status[TR-9999]", " Done.\nFinal Answer: not found"])
    result = Agent(backend, make_tools(bank)).run("where is TR-9999")
    assert result.ok and result.steps[0].error is None
    assert result.steps[0].observation.startswith("No transfer with id TR-9999")


def test_classify_intent_reports_the_best_matches_or_why_it_cannot(data_dir, bank) -> None:
    from react_customer_service.candidates import load_classifier

    calls = []

    def loader():
        calls.append(1)
        return load_classifier(data_dir)

    tool = {t.name: t for t in make_tools(bank, classifier=loader)}["classify_intent"]
    out = tool("test question 3 about card arrival")
    assert out.startswith("card_arrival ") and out.count(";") == 2
    tool("anything else")
    assert calls == [1]  # loaded once, on first use
    assert "needs the customer's message" in tool("   ")

    def missing():
        raise FileNotFoundError("banking77/train.csv not found; set REACT_DATA_DIR")

    broken = {t.name: t for t in make_tools(bank, classifier=missing)}["classify_intent"]
    assert "not available (FileNotFoundError: banking77/train.csv not found" in broken("where is my card")
    assert "classify_intent" not in {t.name for t in make_tools(bank)}  # no classifier given: no tool


def test_classify_intent_in_a_run_classifies_the_question_not_the_garbled_input(data_dir, bank) -> None:
    from react_core import Agent
    from react_core.agent.testing import ScriptedBackend

    from react_customer_service.candidates import load_classifier

    tools = make_tools(bank, classifier=load_classifier(data_dir))
    backend = ScriptedBackend([" I will ask the classifier.\nAction: classify_intent[What's the weather in Leeds?]",
                               " Done.\nFinal Answer: ok"])
    result = Agent(backend, tools).run("test question 2 about pending transfer")
    assert result.steps[0].observation.startswith("pending_transfer ")


def test_out_of_scope_guard_refuses_before_the_model_and_steps_aside_without_a_classifier(data_dir, bank) -> None:
    from react_core import Agent
    from react_core.agent.testing import ScriptedBackend

    from react_customer_service.candidates import LazyClassifier, load_classifier
    from react_customer_service.intents import oos_queries
    from react_customer_service.scope import REFUSAL_ANSWER, out_of_scope_guard

    shared = LazyClassifier(lambda: load_classifier(data_dir))
    guard = out_of_scope_guard(shared)
    off_topic = oos_queries("train")[0]
    backend = ScriptedBackend([" I can answer now.\nFinal Answer: Intent: card_arrival. It is on its way."])
    agent = Agent(backend, make_tools(bank, classifier=shared), guards=[guard])
    refused = agent.run(off_topic)
    assert refused.answer == REFUSAL_ANSWER and refused.stop_reason == "final_answer"
    assert backend.calls == [] and [s.kind for s in refused.steps] == ["guard"]  # the model was not asked
    answered = agent.run("test question 3 about card arrival")
    assert answered.answer.startswith("Intent: card_arrival") and len(backend.calls) == 1

    def missing():
        raise FileNotFoundError("Banking77 not found")

    backend = ScriptedBackend([" Not banking.\nFinal Answer: Intent: out_of_scope. Sorry."])
    assert LazyClassifier(missing).warm() is False  # building the tools goes on without it
    passed = Agent(backend, [], guards=[out_of_scope_guard(LazyClassifier(missing))]).run(off_topic)
    assert passed.stop_reason == "final_answer" and len(backend.calls) == 1  # no classifier: the model decides


def test_the_domain_agent_shares_one_classifier_between_the_tool_and_the_guard(faq_index) -> None:
    from react_customer_service.candidates import LazyClassifier
    from react_customer_service.spec import CLASSIFIER, build_tools

    assert [g.name for g in SPEC.guards] == ["out_of_scope", "consult", "records", "hand_over", "action_record"]
    assert build_tools.__defaults__[-1] is CLASSIFIER
    loads = []
    lazy = LazyClassifier(lambda: loads.append("loaded") or "a classifier")
    assert "classify_intent" in {t.name for t in build_tools(index=faq_index, classifier=lazy)}
    assert loads == ["loaded"]  # loaded when the tools are built, not inside the first run's time limit
    assert "classify_intent" not in {t.name for t in build_tools(index=faq_index, classifier=None)}


def test_out_of_scope_guard_leaves_hand_over_requests_and_account_ids_to_the_agent() -> None:
    from types import SimpleNamespace

    from react_customer_service.builder import HUMAN_REQUESTS
    from react_customer_service.candidates import LazyClassifier
    from react_customer_service.scope import REFUSAL_ANSWER, out_of_scope_guard

    everything_off_topic = SimpleNamespace(predict=lambda texts: ["out_of_scope"] * len(texts))
    screen = out_of_scope_guard(LazyClassifier(everything_off_topic)).screen
    for message in [*HUMAN_REQUESTS, "C1002", "it is card-2001", "what about TR-3002?"]:
        assert screen(message) is None, message  # escalate_to_human and the account tools answer these
    assert screen("What's the weather in Leeds?") == REFUSAL_ANSWER


def test_a_request_for_a_person_is_handed_over_and_the_answer_says_so(data_dir, bank) -> None:
    from react_core import Agent
    from react_core.agent.testing import ScriptedBackend

    from react_customer_service.builder import HUMAN_REQUESTS
    from react_customer_service.candidates import load_classifier
    from react_customer_service.scope import HAND_OVER_GUARD, HAND_OVER_REQUEST

    assert all(HAND_OVER_REQUEST.search(q) for q in HUMAN_REQUESTS)
    for banking in ("Someone used my card without asking", "How do I transfer money to someone?",
                    "The agent at the ATM kept my card"):
        assert not HAND_OVER_REQUEST.search(banking), banking
    tools = make_tools(bank, classifier=load_classifier(data_dir))
    backend = ScriptedBackend([" I will ask the classifier first.\nAction: classify_intent[a person please]",
                               " The intent is card_arrival.\nFinal Answer: Intent: card_arrival. It is posted."])
    result = Agent(backend, tools, guards=[HAND_OVER_GUARD]).run("I want to talk to a person about my account.")
    assert result.steps[0].observation.startswith("The customer asks for a person, so no intent fits. Handed over")
    assert result.answer.startswith("Intent: escalate_to_human. I have passed you to a member of our support team")
    assert result.answer.endswith("Action taken: handed over to a person (escalation #1).")
    assert [s.kind for s in result.steps][-1] == "guard"  # the review's step is in the trace
    assert [t["kind"] for t in bank.tickets()] == ["escalation"]  # recorded in the bank

    backend = ScriptedBackend([" Ask.\nAction: classify_intent[x]", " Done.\nFinal Answer: Intent: card_arrival. Posted."])
    plain = Agent(backend, tools, guards=[HAND_OVER_GUARD]).run("test question 1 about card arrival")
    assert plain.answer == "Intent: card_arrival. Posted."  # no hand-over: the draft stands


def test_a_hand_over_is_answered_even_when_the_model_then_repeats_itself(data_dir, bank) -> None:
    from react_core import Agent
    from react_core.agent.testing import ScriptedBackend

    from react_customer_service.candidates import load_classifier
    from react_customer_service.scope import HAND_OVER_GUARD

    tools = make_tools(bank, classifier=load_classifier(data_dir))
    ask = " I will ask the classifier first.\nAction: classify_intent[a person please]"
    backend = ScriptedBackend([ask, ask, ask, ask])  # the measured failure: the same call until the loop stops
    result = Agent(backend, tools, guards=[HAND_OVER_GUARD]).run("I want to talk to a person about my account.")
    assert result.stop_reason == "final_answer" and "after repeated_action" in result.stop_detail
    assert result.answer.startswith("Intent: escalate_to_human. I have passed you to a member of our support team")
    assert [t["kind"] for t in bank.tickets()] == ["escalation"]  # one escalation, recorded once

    backend = ScriptedBackend([" Ask.\nAction: classify_intent[x]"] * 4)
    result = Agent(backend, tools, guards=[HAND_OVER_GUARD]).run("test question 1 about card arrival")
    assert result.stop_reason == "repeated_action" and result.answer is None  # no hand-over: nothing to rescue


def test_one_run_hands_over_once_and_a_later_turn_is_not_handed_over_again(data_dir, bank) -> None:
    from react_core.agent.conversation import compose

    from react_customer_service.candidates import load_classifier
    from react_customer_service.scope import HAND_OVER_GUARD

    tools = make_tools(bank, classifier=load_classifier(data_dir))
    backend = ScriptedBackend([" Ask.\nAction: classify_intent[a person please]",
                               " Ask again.\nAction: classify_intent[someone real]",
                               " Hand over.\nAction: escalate_to_human[customer asked for a person]",
                               " Done.\nFinal Answer: Intent: escalate_to_human. Passed on."])
    result = Agent(backend, tools, guards=[HAND_OVER_GUARD]).run("I want to talk to a person about my account.")
    assert all(s.observation.endswith("Handed over to a person: escalation #1. A support agent joins this chat "
                                      "within 5 minutes.") for s in result.steps[:3])  # the later calls repeat the first
    assert [t["kind"] for t in bank.tickets()] == ["escalation"]  # recorded once

    history = [{"role": "user", "content": "I want to talk to a person."},
               {"role": "assistant", "content": result.answer}]
    backend = ScriptedBackend([" Ask.\nAction: classify_intent[x]", " Done.\nFinal Answer: Intent: card_arrival. Posted."])
    later = Agent(backend, tools, guards=[HAND_OVER_GUARD]).run(compose("test question 1 about card arrival", history, 4000))
    assert later.answer == "Intent: card_arrival. Posted."  # the earlier turn's request is not handed over again
    assert len(bank.tickets()) == 1
