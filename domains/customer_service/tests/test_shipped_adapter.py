"""The real shipped adapter on the real base model and Banking77 (slow: minutes on two CPU cores)."""

from __future__ import annotations

import pytest

from react_customer_service.spec import SPEC


@pytest.mark.slow
def test_shipped_adapter_knows_the_intents_on_the_direct_prompt() -> None:
    from react_core import load_causal_lm
    from react_core.paths import DataDirError, data_dir
    from react_core.training import evaluate_domain

    try:
        root = data_dir()
    except DataDirError:
        pytest.skip("Banking77 not available (set REACT_DATA_DIR)")
    assert SPEC.adapter_path is not None, "the package ships no adapter"
    loaded = load_causal_lm("gemma-3-270m")
    results = {r.task: r for r in evaluate_domain(SPEC, loaded, root, adapter_dir=SPEC.adapter_path, alpha=0.0,
                                                  split="validation", limit=60, batch_size=32,
                                                  tasks=["intent"])}
    # The adapter is trained for the agent, where classify_intent names the intent and the guard
    # refuses what is out of scope; on the bare direct prompt it scored 32.0 % (300 validation
    # queries). Chance is 1.3 %, the base model 0 %.
    assert results["intent"].value >= 0.15


@pytest.mark.slow
def test_shipped_agent_names_the_intent_and_answers(tmp_path) -> None:
    import dataclasses

    from react_core import Agent, AgentConfig
    from react_core.runtime import Runtime

    from react_customer_service.scope import REFUSAL_ANSWER
    from react_customer_service.spec import build_tools

    questions = {"I ordered my card a week ago and it still has not come.": "card_arrival",
                 "Why was I charged a fee for my transfer?": "transfer_fee_charged",
                 "I lost my card yesterday, what should I do?": "lost_or_stolen_card",
                 "What exchange rate do you use when I pay abroad?": "exchange_rate"}
    runtime = Runtime.load()
    try:
        spec = dataclasses.replace(SPEC, tools=build_tools(db_path=tmp_path / "bank.db"))
        agent = Agent.from_domain(runtime.backend, spec, config=AgentConfig(max_steps=6, max_new_tokens=160))
        runs = [agent.run(q) for q in questions]
        off_topic = agent.run("What will the weather be like in Leeds tomorrow?")
        person = agent.run("I want to talk to a person about my account.")
    finally:
        runtime.close()
    assert all(r.stop_reason == "final_answer" for r in runs), [r.stop_reason for r in runs]
    named = [r.answer.split("Intent: ", 1)[-1].split(".", 1)[0] for r in runs]
    assert sum(n == want for n, want in zip(named, questions.values())) >= 3, named
    assert all(r.steps[0].action == "classify_intent" for r in runs)  # it asks the classifier first
    assert all(any(s.action == "search_faq" for s in r.steps) for r in runs)  # and looks the FAQ up
    assert off_topic.answer == REFUSAL_ANSWER and [s.kind for s in off_topic.steps] == ["guard"]
    assert person.answer.startswith("Intent: escalate_to_human.") and "escalation #" in person.answer


@pytest.mark.slow
def test_make_run_states_the_cards_real_status_and_nothing_of_other_records() -> None:
    """The main job's question (Makefile ``run``) through the agent ``react chat`` builds."""
    from react_core import load_plugins
    from react_core.agent import AgentConfig
    from react_core.agent.build import build_agent
    from react_core.runtime import Runtime

    from react_customer_service.db import CARDS

    registry = load_plugins()
    with Runtime.load("gemma-3-270m", registry=registry) as runtime:
        agent = build_agent(registry, runtime.backend, "customer_service", AgentConfig(),
                            adapter=runtime.adapter_for("customer_service"))
        result = agent.run("My new card CARD-2001 has not arrived yet. Where is it?")
    assert result.ok and result.grounding["remaining"] == []
    assert "4821" in result.answer and "active" in result.answer  # CARD-2001: ending 4821, active
    others = [c for c in CARDS if c[0] != "CARD-2001"]
    assert not any(c[0] in result.answer or c[3] in result.answer for c in others)
    assert ("policy", "card_status") in [(s.kind, s.action) for s in result.steps]
