"""Constrained actions: whatever a (random) model writes under the step grammar parses, names a
tool the agent has and binds to its parameters; the grammar refuses anything else."""

from __future__ import annotations

import json

import pytest

from react_core.agent import Agent, AgentConfig, tool
from react_core.agent.grammar import json_schema, step_budget, step_grammar
from react_core.agent.parser import parse_step
from react_core.engine.backend import LocalBackend
from react_core.engine.constraint import Constrainer, GrammarError


@tool
def card_status(card_id: str) -> str:
    """Status of a card.

    Args:
        card_id: A card id like CARD-2001.
    """
    return f"{card_id}: active"


@tool
def freeze_card(card_id: str, confirm: bool = False) -> str:
    """Freeze a card.

    Args:
        card_id: The card id.
        confirm: Whether the customer confirmed.
    """
    return f"{card_id} frozen={confirm}"


@tool
def add(a: int, b: int) -> str:
    """Add two numbers.

    Args:
        a: First.
        b: Second.
    """
    return str(a + b)


@tool
def square(n: int) -> str:
    """Square a number.

    Args:
        n: The number.
    """
    return str(n * n)


TOOLS = [card_status, freeze_card, add, square]


@pytest.fixture(scope="module")
def constrainer(tiny_lm):
    return Constrainer(tiny_lm[1])


@pytest.fixture()
def engine(tiny_lm):
    from react_core.engine.engine import Engine

    with Engine(*tiny_lm, max_batch=8) as made:
        yield made


def accepts(constrainer: Constrainer, grammar: str, text: str) -> bool:
    """Whether ``text`` (tokenized) is a complete sentence of ``grammar``, token by token."""
    tokenizer = constrainer.tokenizer
    matcher = constrainer.matcher(grammar)
    for token in tokenizer(text, add_special_tokens=False)["input_ids"]:
        if not matcher.allowed(len(tokenizer))[token] or not matcher.accept(token):
            return False
    return matcher.accepting


@pytest.mark.parametrize(("text", "ok"), [
    (" Look it up.\nAction: card_status[CARD-2001]", True),
    (' Freeze.\nAction: freeze_card[{"card_id": "CARD-2001", "confirm": true}]', True),
    (' Freeze.\nAction: freeze_card[{"card_id": "CARD-2001"}]', True),
    (" Sum.\nAction: add[{\"a\": 1, \"b\": 2}]", True),
    (" Square.\nAction: square[12]", True),
    (" Known.\nFinal Answer: Paris.\nIt is in France.", True),
    (" Look.\nAction: lookup_everything[CARD-2001]", False),  # not a tool of the agent
    (' Freeze.\nAction: freeze_card[{"card": "CARD-2001"}]', False),  # a key the tool does not take
    (' Freeze.\nAction: freeze_card[{"confirm": true}]', False),  # the required key missing
    (' Freeze.\nAction: freeze_card[{"card_id": "CARD-2001", "confirm": "yes"}]', False),  # wrong type
    (" Square.\nAction: square[twelve]", False),
    (" Look.\nAction: card_status[]", False),  # an empty input
    (" Look.\nAction: card_status[CARD-2001] and more", False),  # nothing after the action
    (" No action at all", False),
])
def test_the_step_grammar_allows_the_tools_and_nothing_else(constrainer, text, ok) -> None:
    assert accepts(constrainer, step_grammar(TOOLS), text) is ok


def test_a_final_answer_only_grammar_refuses_actions(constrainer) -> None:
    grammar = step_grammar(TOOLS, actions=False)
    assert not accepts(constrainer, grammar, " Look.\nAction: card_status[CARD-2001]")
    assert accepts(constrainer, grammar, " Done.\nFinal Answer: Your card is active.")
    with pytest.raises(ValueError, match="must allow"):
        step_grammar(TOOLS, actions=False, answer=False)


def test_json_inputs_are_closed_and_bounded() -> None:
    schema = json_schema(freeze_card.parameters)
    assert schema["additionalProperties"] is False
    assert schema["properties"]["card_id"]["maxLength"] <= 120
    assert freeze_card.parameters.get("additionalProperties") is None  # the tool's own schema is untouched


def test_a_bad_grammar_is_a_clear_error(constrainer) -> None:
    with pytest.raises(GrammarError, match="does not compile"):
        constrainer.matcher("start: undefined_rule\n")


def _check_step(text: str) -> None:
    """The text parses and, if it acts, names one of TOOLS with input that binds."""
    parsed = parse_step(text)
    if parsed.answer is None:
        found = {t.name: t for t in TOOLS}[parsed.action]
        found.bind(parsed.action_input)  # raises ToolInputError for input that does not fit


def test_engine_random_model_under_the_grammar_always_writes_a_valid_step(engine) -> None:
    grammar = step_grammar(TOOLS)
    budget = step_budget(TOOLS)
    handles = [engine.submit(f"Question {i}: what now?\nThought:", max_new_tokens=budget, temperature=1.5,
                             grammar=grammar) for i in range(24)]
    texts = [h.result().text for h in handles]
    for text in texts:
        _check_step(text)
    assert any("\nAction: " in t for t in texts)  # the sampled steps do act (not only answer)


def test_local_backend_random_model_under_the_grammar(tiny_lm) -> None:
    model, tokenizer = tiny_lm
    backend = LocalBackend(model, tokenizer)
    grammar = step_grammar(TOOLS)
    for _ in range(6):
        out = backend.generate("Question: go\nThought:", max_new_tokens=step_budget(TOOLS),
                               temperature=1.5, grammar=grammar)
        _check_step(out.text)


def test_an_agent_on_a_random_model_never_stops_with_a_parse_error(engine) -> None:
    agent = Agent(engine, TOOLS, config=AgentConfig(max_steps=3, temperature=1.5, max_new_tokens=200))
    results = [agent.run(f"question {i}") for i in range(6)]
    assert {r.stop_reason for r in results} == {"final_answer"}  # the last allowed step must answer
    for r in results:
        assert all(s.action in {"finish", *(t.name for t in TOOLS)} for s in r.steps if s.kind == "react")
        assert not any(s.error and "unknown tool" in s.error for s in r.steps)


def test_unconstrained_config_sends_no_grammar() -> None:
    from react_core.agent.testing import ScriptedBackend

    backend = ScriptedBackend([" Done.\nFinal Answer: ok"], supports_grammar=True)
    Agent(backend, TOOLS, config=AgentConfig(constrained=False)).run("q")
    assert backend.calls[0].grammar is None
    Agent(backend := ScriptedBackend([" Done.\nFinal Answer: ok"], supports_grammar=True), TOOLS).run("q")
    assert "card_status[" in backend.calls[0].grammar and json.dumps("Final Answer: ") in backend.calls[0].grammar
