"""Guards: a domain's policy applied in code to every run (screens before, reviews after)."""

from __future__ import annotations

import asyncio
import json
import threading

import pytest
from typer.testing import CliRunner

from react_core import Agent, AgentConfig, DomainSpec, Guard, Rewrite, Tool, build_agent, hookimpl, new_registry
from react_core.agent import StepEvent, chat
from react_core.agent.loop import react_loop
from react_core.agent.testing import ScriptedBackend
from react_core.cli import build_app
from react_core.training.trajectories import run_to_record

LOOKUP = " I should look it up.\nAction: lookup[aspirin]"
DOSE = " I know it.\nFinal Answer: Aspirin thins the blood. Take 300 mg of warfarin daily."
EMERGENCY = "Call 112 now."


def _lookup(query: str) -> str:
    """Look a drug up."""
    return "[PMID:1] aspirin inhibits platelets"


def _screen(question: str) -> str | None:
    return EMERGENCY if "chest pain" in question.lower() else None


def _review(question: str, answer: str, steps) -> str:
    kept = ". ".join(s for s in answer.split(". ") if "mg" not in s)
    sourced = any("[PMID:" in (s.observation or "") for s in steps)
    return f"{kept}{'' if sourced else ' [no retrieved source]'} (Not a diagnosis.)"


SAFETY = Guard("safety", screen=_screen, review=_review)


def _agent(responses, guards=(SAFETY,), **kwargs):
    backend = ScriptedBackend(responses)
    return Agent(backend, [Tool("lookup", "Look a drug up.", _lookup)], guards=guards, **kwargs), backend


def test_a_screen_answers_before_the_model_is_asked() -> None:
    agent, backend = _agent([LOOKUP])
    result = agent.run("I have chest pain right now")
    assert backend.calls == []  # the model never saw the question
    assert result.ok and result.answer == EMERGENCY and result.stop_reason == "final_answer"
    assert "safety guard" in result.stop_detail
    assert [(s.kind, s.action, s.observation) for s in result.steps] == [("guard", "safety", EMERGENCY)]


def test_a_review_rewrites_the_answer_with_the_run_s_sources() -> None:
    agent, _ = _agent([LOOKUP, DOSE])
    result = agent.run("What does aspirin do?")
    assert result.answer == "Aspirin thins the blood (Not a diagnosis.)"
    guard_step = result.steps[-1]
    assert (guard_step.kind, guard_step.action) == ("guard", "safety")
    assert guard_step.action_input == "Aspirin thins the blood. Take 300 mg of warfarin daily."  # the draft is kept
    assert [s.kind for s in result.steps] == ["react", "react", "guard"]

    agent, _ = _agent([DOSE])  # no lookup: nothing retrieved
    assert agent.run("What does aspirin do?").answer.endswith("[no retrieved source] (Not a diagnosis.)")


def test_a_review_that_changes_nothing_adds_no_step() -> None:
    agent, _ = _agent([" Done.\nFinal Answer: Fine."], guards=[Guard("noop", review=lambda q, a, s: a)])
    result = agent.run("Anything?")
    assert result.answer == "Fine." and [s.kind for s in result.steps] == ["react"]


@pytest.mark.parametrize("where", ["screen", "review"])
def test_a_guard_that_raises_withholds_the_answer(where) -> None:
    def boom(*args):
        raise RuntimeError("policy file missing")

    agent, backend = _agent([DOSE], guards=[Guard("broken", **{where: boom})])
    result = agent.run("What does aspirin do?")
    assert not result.ok and result.answer is None and result.stop_reason == "guard_error"
    assert "broken guard failed (RuntimeError: policy file missing)" in result.stop_detail
    assert len(backend.calls) == (0 if where == "screen" else 1)


def test_a_review_must_return_text() -> None:
    agent, _ = _agent([DOSE], guards=[Guard("lazy", review=lambda q, a, s: None)])
    result = agent.run("What does aspirin do?")
    assert result.stop_reason == "guard_error" and "not str" in result.stop_detail


def test_guards_see_the_rewritten_question_and_review_before_the_answer_rewrite() -> None:
    seen = []
    screen = Guard("screen", screen=lambda q: seen.append(q))
    review = Guard("review", review=lambda q, a, s: seen.append(a) or a.upper())
    back = Rewrite("back", lambda q, text: f"To German: {text}\nGerman:", adapter="translation")
    to_en = Rewrite("to_en", lambda q, text: f"To English: {text}\nEnglish:", adapter="translation")
    agent, backend = _agent([" What does aspirin do?", " Ok.\nFinal Answer: it helps", " es hilft"],
                            guards=[screen, review], query_rewrite=to_en, answer_rewrite=back)
    result = agent.run("Was macht Aspirin?")
    assert seen == ["What does aspirin do?", "it helps"]
    assert backend.calls[-1].prompt == "To German: IT HELPS\nGerman:"
    assert result.answer == "es hilft"
    assert [(s.kind, s.action) for s in result.steps] == [("rewrite", "to_en"), ("react", "finish"),
                                                          ("guard", "review"), ("rewrite", "back")]


def test_guard_steps_are_streamed_async_too_and_left_out_of_training_records() -> None:
    agent, _ = _agent([LOOKUP, DOSE])
    events = list(agent.stream("What does aspirin do?"))
    assert [e.step.kind for e in events if isinstance(e, StepEvent)] == ["react", "react", "guard"]
    record = run_to_record(events[-1].result)
    assert not any("Not a diagnosis" in m["content"] for m in record["messages"])

    agent, _ = _agent([LOOKUP, DOSE])
    result = asyncio.run(agent.arun("What does aspirin do?"))
    assert result.answer == "Aspirin thins the blood (Not a diagnosis.)"


def _handed_over(question: str, steps) -> str | None:
    return "A person will join." if any(s.action == "lookup" for s in steps) else None


def test_a_rescue_answers_a_run_that_ended_without_an_answer() -> None:
    rescue = Guard("hand_over", rescue=_handed_over)
    agent, _ = _agent([LOOKUP, " I am confused", " still confused", " no"], guards=[rescue, SAFETY],
                      config=AgentConfig(max_parse_retries=1))
    events = list(agent.stream("What does aspirin do?"))
    result = events[-1].result
    assert result.ok and result.stop_reason == "final_answer"
    assert result.stop_detail.startswith("answered by the hand_over guard after parse_error (step 2:")
    # the rescue's answer is reviewed like any other (the safety review adds its note)
    assert result.answer == "A person will join. (Not a diagnosis.)"
    assert [(s.kind, s.action, s.action_input) for s in result.steps[-2:]] == [
        ("guard", "hand_over", "parse_error"), ("guard", "safety", "A person will join.")]
    streamed = [e.step.action for e in events if isinstance(e, StepEvent)]
    assert streamed == [s.action for s in result.steps]  # the rescue's step is streamed too

    agent, _ = _agent([" I am confused", " no"], guards=[rescue], config=AgentConfig(max_parse_retries=1))
    result = agent.run("What does aspirin do?")  # nothing to rescue: the run ends as before
    assert result.stop_reason == "parse_error" and result.answer is None
    assert all(s.kind == "react" for s in result.steps)


def test_a_rescue_does_not_answer_a_cancelled_run_and_fails_closed() -> None:
    calls = []
    agent, _ = _agent([LOOKUP, LOOKUP], guards=[Guard("r", rescue=lambda q, s: calls.append(q) or "x")])
    cancel = threading.Event()
    cancel.set()
    assert list(react_loop(agent, "Q?", cancel=cancel))[-1].result.stop_reason == "cancelled" and calls == []

    def boom(question, steps):
        raise RuntimeError("no state")

    agent, _ = _agent([LOOKUP, LOOKUP, LOOKUP], guards=[Guard("broken", rescue=boom)],
                      config=AgentConfig(max_steps=1))
    result = agent.run("Q?")
    assert result.stop_reason == "guard_error" and result.answer is None
    assert result.stop_detail == "the broken guard failed (RuntimeError: no state) after max_steps"


def test_holds_answer_when_the_final_text_can_change() -> None:
    off = AgentConfig(grounding=False)
    assert _agent([], config=off)[0].holds_answer
    assert not _agent([], guards=[Guard("s", screen=_screen)], config=off)[0].holds_answer
    assert not _agent([], guards=(), config=off)[0].holds_answer
    assert _agent([], guards=())[0].holds_answer  # the grounding check may repair any answer
    back = Rewrite("back", lambda q, text: None, adapter="translation")
    assert _agent([], guards=(), answer_rewrite=back, config=off)[0].holds_answer  # a translated answer too


def test_guard_and_spec_validation() -> None:
    with pytest.raises(ValueError, match="needs a screen, a review, a rescue or a require"):
        Guard("empty")
    with pytest.raises(ValueError, match="needs a name"):
        Guard("", screen=_screen)
    with pytest.raises(ValueError, match="screen must be callable"):
        Guard("x", screen="not callable")
    with pytest.raises(ValueError, match=r"guards must be a list of react_core.Guard objects \(got function\)"):
        DomainSpec("med", "medicine", guards=[_screen]).validate()
    with pytest.raises(ValueError, match="guards must be a list of react_core.Guard objects, got Guard"):
        DomainSpec("med", "medicine", guards=SAFETY).validate()  # one guard, not a list
    with pytest.raises(TypeError, match="guards must be Guard objects"):
        Agent(ScriptedBackend([]), guards=[_screen])
    with pytest.raises(TypeError, match="wrap a single guard in a list"):
        Agent(ScriptedBackend([]), guards=SAFETY)


class MedPlugin:
    @hookimpl
    def react_register_domains(self, register) -> None:
        emergency = Guard("emergency", screen=_screen, everywhere=True)
        register(DomainSpec("med", "Medicine.", tools=[Tool("lookup", "Look a drug up.", _lookup)],
                            guards=[emergency, Guard("med_policy", review=_review)]))
        register(DomainSpec("bank", "Banking."))


def test_build_agent_adds_everywhere_guards_of_other_domains() -> None:
    registry = new_registry([("med", MedPlugin())], defaults=False)
    backend = ScriptedBackend([])
    names = {d: [g.name for g in build_agent(registry, backend, d, chat.AgentConfig()).guards]
             for d in ("med", "bank", None)}
    assert names == {"med": ["emergency", "med_policy"], "bank": ["emergency"], None: ["emergency"]}


def test_react_chat_enforces_the_domain_s_guards(monkeypatch) -> None:
    registry = new_registry([("med", MedPlugin())])  # with the core's commands
    backend = ScriptedBackend([LOOKUP, DOSE])
    monkeypatch.setattr(chat, "runtime_factory", lambda *a: chat.StaticRuntime(backend))
    app = build_app(registry)
    out = CliRunner().invoke(app, ["chat", "--domain", "med", "--json", "What does aspirin do?"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["answer"] == "Aspirin thins the blood (Not a diagnosis.)"
    assert "warfarin" not in data["answer"]

    out = CliRunner().invoke(app, ["chat", "--domain", "bank", "My chest pain is back, and my card is lost"])
    assert out.exit_code == 0 and EMERGENCY in out.stdout  # another domain's everywhere guard


def test_review_steps_are_the_guard_steps_after_the_loop() -> None:
    from react_core.agent import review_steps

    reviewed = _agent([LOOKUP, DOSE])[0].run("What does aspirin do?")
    assert review_steps(reviewed.steps) == [2]
    screened = _agent([LOOKUP])[0].run("I have chest pain right now")
    assert review_steps(screened.steps) == []  # a screen is not a review
    rescued = _agent([LOOKUP, " confused", " confused"], guards=[Guard("r", rescue=_handed_over), SAFETY],
                     config=AgentConfig(max_parse_retries=1))[0].run("What does aspirin do?")
    assert [s.action for s in rescued.steps] == ["lookup", None, "r", "safety"]
    assert review_steps(rescued.steps) == [2, 3]  # no final step from the model, still after the loop
