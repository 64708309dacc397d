"""Traces: JSONL out and back."""

from __future__ import annotations

import io
import json

import pytest

from react_core.agent import read_traces, write_trace


def test_trace_round_trip(make_agent, tmp_path) -> None:
    agent, _ = make_agent([' t\nAction: weather[{"city": "Oslo"}]', " ok\nFinal Answer: sunny"],
                          agent_kwargs={"domain": "geo", "adapter": "geo"})
    result = agent.run("Weather in Oslo?")
    path = tmp_path / "trace.jsonl"
    write_trace(result, path)
    write_trace(result, path)  # appends a second run
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r["type"] for r in records] == ["run", "step", "step", "result"] * 2
    loaded = read_traces(path)
    assert len(loaded) == 2
    assert loaded[0] == result  # every field, steps and usage included
    assert loaded[0].steps[0].action_input == {"city": "Oslo"}


def test_trace_to_a_stream_and_from_lines(make_agent) -> None:
    agent, _ = make_agent([" no action here"], max_parse_retries=0)
    result = agent.run("q")
    buf = io.StringIO()
    write_trace(result, buf)
    (back,) = read_traces(buf.getvalue().splitlines())
    assert (back.stop_reason, back.stop_detail, back.answer) == ("parse_error", result.stop_detail, None)


@pytest.mark.parametrize(("lines", "message"), [
    (["not json"], "trace line 1: not a trace record"),
    (['{"type": "step", "index": 1}'], "a 'step' record before any 'run' record"),
    (['{"type": "run"}', '{"type": "weird"}'], "trace line 2: unknown record type 'weird'"),
])
def test_bad_traces_name_the_line(lines, message) -> None:
    with pytest.raises(ValueError, match=message):
        read_traces(lines)
