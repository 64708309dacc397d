"""Agent traces back into training data."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from react_core import new_registry
from react_core.agent.steps import FINISH, AgentResult, Step
from react_core.agent.trace import write_trace
from react_core.cli import build_app
from react_core.training.data import load_examples
from react_core.training.trajectories import export_trajectories, normalize_answer


def _run(query: str, answer: str | None, *, stop: str = "final_answer", error: str | None = None) -> AgentResult:
    steps = [Step(index=1, thought="I should search.", action="search", action_input="Hamlet",
                  observation="Hamlet is a play by\nWilliam Shakespeare.", error=error)]
    if answer is not None:
        steps.append(Step(index=2, thought="Found it.", action=FINISH, action_input=answer))
    return AgentResult(query=query, answer=answer, stop_reason=stop, steps=steps)


def test_only_clean_successful_runs_are_kept() -> None:
    runs = [_run("Who wrote Hamlet?", "Shakespeare"), _run("q2", None, stop="max_steps"),
            _run("q3", "x", error="tool failed")]
    records, counts = export_trajectories(runs)
    assert counts == {"runs": 3, "kept": 1, "no_final_answer": 1, "step_errors": 1, "wrong_answer": 0}
    msgs = records[0]["messages"]
    assert msgs[0] == {"role": "user", "content": "Who wrote Hamlet?"}
    assert msgs[1]["content"] == "Thought: I should search.\nAction: search[Hamlet]"
    assert msgs[2]["content"].startswith("Observation: Hamlet is a play by\n  William")  # quoted as in prompts
    assert msgs[-1]["content"] == "Thought: Found it.\nAction: finish[Shakespeare]"


def test_gold_answers_filter_wrong_runs() -> None:
    runs = [_run("Who wrote Hamlet?", "the Shakespeare."), _run("Capital?", "Lyon")]
    records, counts = export_trajectories(runs, gold={"Who wrote Hamlet?": "Shakespeare", "Capital?": "Paris"})
    assert counts["kept"] == 1 and counts["wrong_answer"] == 1
    assert normalize_answer("The  Shakespeare!") == "shakespeare"


def test_cli_export_feeds_train(tmp_path: Path) -> None:
    trace = tmp_path / "trace.jsonl"
    write_trace(_run("Who wrote Hamlet?", "Shakespeare"), trace)
    write_trace(_run("q2", None, stop="max_steps"), trace)
    out = tmp_path / "train.jsonl"
    result = CliRunner().invoke(build_app(new_registry()), ["trajectories", "export", str(trace), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "kept 1 of 2 runs" in result.output
    (example,) = load_examples(out)
    assert "Action: finish[Shakespeare]" in example.target and "Observation" not in example.target
    assert json.loads(out.read_text())["meta"]["source"] == "agent trace"


def test_with_prompt_head_trains_on_exactly_the_prompt_the_agent_writes() -> None:
    from react_core.agent import Agent, Tool
    from react_core.training import with_prompt_head
    from react_core.training.data import parse_record

    search = Tool("search", "look a title up", lambda q: "Hamlet is a play.")
    agent = Agent(None, [search], system_prompt="You answer questions about plays.",  # type: ignore[arg-type]
                  few_shot=["Question: Who wrote Macbeth?\nThought: I know it.\nFinal Answer: Shakespeare"])
    record, = export_trajectories([_run("Who wrote Hamlet?", "Shakespeare")])[0]
    pair = {"prompt": "Q: hi\nA:", "completion": " hello"}
    headed, unchanged = with_prompt_head([record, pair], agent.prompt.head)
    assert unchanged == pair and record["messages"][0]["role"] == "user"  # inputs are not modified
    segments = parse_record(headed).segments
    first_trained = next(i for i, (_, trained) in enumerate(segments) if trained)
    context = "".join(text for text, _ in segments[:first_trained])
    assert context + "Thought:" == agent.prompt.render("Who wrote Hamlet?", [])
    assert segments[first_trained][0].startswith("Thought: I should search.")
    assert with_prompt_head([headed], "another head") == [headed]  # a system turn is kept
