"""The training-data builder and the evaluation tasks, and `react train` / `react eval` on a tiny model."""

from __future__ import annotations

import json
from pathlib import Path

from react_core import new_registry
from react_core.agent import parse_step
from react_core.cli import build_app
from react_core.training import load_examples
from typer.testing import CliRunner

from react_customer_service import plugin
from react_customer_service.builder import build_training_data
from react_customer_service.evaluation import accuracy, intent_scores, load_intent, load_out_of_scope
from react_customer_service.intents import OUT_OF_SCOPE, oos_queries, parse_intent, read_split

from .conftest import LABELS

runner = CliRunner()


def test_validation_is_held_out_of_train_and_test_is_untouched(data_dir: Path) -> None:
    train, val, test = (read_split(data_dir, s) for s in ("train", "validation", "test"))
    assert len(train) + len(val) == 20 * len(LABELS) and len(test) == 4 * len(LABELS)
    assert not set(train) & set(val)
    assert {label for _, label in val} == set(LABELS)  # every intent is represented
    assert all(text.startswith("test ") for text, _ in test)


def test_out_of_scope_sets_do_not_overlap() -> None:
    train, val, test = (set(oos_queries(s)) for s in ("train", "validation", "test"))
    assert len(test) >= 100 and len(train) + len(val) >= 150
    assert not train & val and not (train | val) & test


def test_hand_over_test_requests_are_not_the_training_ones() -> None:
    from react_customer_service.builder import HUMAN_REQUESTS
    from react_customer_service.intents import hand_over_queries

    queries = hand_over_queries()
    assert len(queries) >= 10 and not set(queries) & set(HUMAN_REQUESTS)


def test_builder_yields_pairs_and_trajectories_the_core_reads(data_dir: Path, tmp_path: Path) -> None:
    records = list(build_training_data(data_dir))
    pairs = [r for r in records if "prompt" in r]
    trajectories = [r for r in records if "messages" in r]
    validation = {text for text, _ in read_split(data_dir, "validation")}
    assert all(not any(v in p["prompt"] for v in validation) for p in pairs)
    assert {p["completion"].strip() for p in pairs} == set(LABELS) | {OUT_OF_SCOPE}
    assert pairs[0] == {"prompt": f"Customer: {read_split(data_dir, 'train')[0][0]}\nIntent:",
                        "completion": f" {read_split(data_dir, 'train')[0][1]}"}
    path = tmp_path / "data.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    assert len(load_examples(path)) == len(records)  # every record parses with the core's reader
    used = set()
    for t in trajectories:
        for msg in t["messages"]:
            if msg["role"] == "assistant":
                step = parse_step(" " + msg["content"].removeprefix("Thought:").strip())
                used.add(step.action)
        final = t["messages"][-1]["content"]
        assert "Final Answer: Intent: " in final and "Action taken:" in final
    # every tool appears; which intents get an account step is seeded, so two seeds cover them all
    for t in (r for r in build_training_data(data_dir, seed=1) if "messages" in r):
        used.update(m["content"].split("Action: ")[1].split("[")[0] for m in t["messages"]
                    if m["role"] == "assistant" and "Action: " in m["content"])
    assert {"search_faq", "card_status", "transfer_status", "freeze_card", "create_ticket",
            "escalate_to_human", "finish"} <= used


def test_trajectories_start_with_the_classifier_and_take_its_answer(data_dir: Path) -> None:
    from react_customer_service.candidates import load_classifier
    from react_customer_service.tools import intent_text

    classifier = load_classifier(data_dir)
    assert not any("classify_intent" in json.dumps(r) for r in build_training_data(data_dir))  # off by default
    trajectories = [r for r in build_training_data(data_dir, classify=True) if "messages" in r]
    started = [t for t in trajectories if "Action: classify_intent[" in t["messages"][1]["content"]]
    assert len(started) >= len(LABELS)  # every in-scope intent (escalations and confirmations go straight on)
    for t in started:
        query = t["messages"][1]["content"].split("classify_intent[", 1)[1].rstrip("]")
        top = classifier.top_k([query], 3)[0]
        assert t["messages"][2]["content"] == "Observation: " + intent_text(top)  # the real classifier's output
        assert t["meta"]["intent"] == top[0][0]  # the named intent is the classifier's best match
        assert f"Intent: {top[0][0]}." in t["messages"][-1]["content"]


def test_trajectory_observations_come_from_the_real_tools(data_dir: Path) -> None:
    text = json.dumps(list(build_training_data(data_dir)))
    assert "Not frozen yet: freezing CARD-" in text and "(source: [cards.md#1])" in text
    assert "status pending (awaiting compliance check)" in text or "TR-3002" not in text


def test_scoring_reads_the_first_line_exactly() -> None:
    examples = [{"reference": "card_arrival"}, {"reference": "reverted_card_payment?"}, {"reference": OUT_OF_SCOPE}]
    assert accuracy([" card_arrival\nmore", "reverted_card_payment?", " out_of_scope."], examples) == 1.0
    assert accuracy([" card_arrival_x", "reverted_card_payment", "card_arrival"], examples) == 0.0
    assert parse_intent("") == ""
    scores = intent_scores([" card_arrival", " out_of_scope.", "card_arrival"], examples[:2] + examples[:1])
    assert scores == {"accuracy": 2 / 3, "refused": 1 / 3}  # refused: banking queries labelled out_of_scope


def test_loaders_limit_keeps_intents_spread(data_dir: Path) -> None:
    rows = load_intent(data_dir, "test", 5)
    assert len(rows) == 5 and len({r["reference"] for r in rows}) == 5
    assert rows[0]["prompt"].startswith("Customer: ") and rows[0]["prompt"].endswith("\nIntent:")
    oos = load_out_of_scope(data_dir, "test", None)
    assert len(oos) >= 100 and {r["reference"] for r in oos} == {OUT_OF_SCOPE}


def test_react_train_and_eval_run_on_a_tiny_model(data_dir: Path, tiny_lm_path: Path, tmp_path: Path) -> None:
    app = build_app(new_registry([("customer_service", plugin)]))
    out = tmp_path / "adapter"
    result = runner.invoke(app, ["train", "customer_service", "--model", str(tiny_lm_path), "--data-dir",
                                 str(data_dir), "--out", str(out), "--max-steps", "2", "--set", "dtype=fp32",
                                 "--set", "batch_size=4", "--set", "eval_steps=0", "--set", "max_length=256"])
    assert result.exit_code == 0, result.output
    assert json.loads((out / "react_adapter.json").read_text())["name"] == "customer_service"
    result = runner.invoke(app, ["eval", "customer_service", "--model", str(tiny_lm_path), "--data-dir",
                                 str(data_dir), "--adapter", str(out), "--alpha", "0.5", "--limit", "3", "--json",
                                 "--task", "intent", "--task", "out_of_scope"])
    assert result.exit_code == 0, result.output
    rows = {r["task"]: r for r in json.loads(result.stdout)}
    assert rows["intent"]["metric"] == "accuracy" and rows["intent"]["n"] == 3
    assert rows["out_of_scope"]["metric"] == "refusal_rate" and 0.0 <= rows["out_of_scope"]["value"] <= 1.0


def test_continuation_mix_keeps_every_trajectory_and_is_seeded(data_dir: Path) -> None:
    from react_customer_service.mix import continuation_mix

    records = list(build_training_data(data_dir))
    n_traj = sum("messages" in r for r in records)
    mix = continuation_mix(data_dir, pairs=10, out_of_scope=5)
    assert sum("messages" in r for r in mix) == n_traj and len(mix) == n_traj + 15
    assert sum(r.get("completion", "").strip() == OUT_OF_SCOPE for r in mix) == 5
    assert mix == continuation_mix(data_dir, pairs=10, out_of_scope=5)


def test_continuation_mix_can_start_trajectories_with_the_agents_prompt_head(data_dir: Path, faq_index) -> None:
    from react_customer_service.mix import agent_prompt_head, continuation_mix

    head = agent_prompt_head(index=faq_index)
    assert "search_faq" in head and "freeze_card" in head and "Harbor Bank" in head
    assert "Question: I ordered a card two weeks ago" in head  # the few-shot examples
    mix = continuation_mix(data_dir, pairs=10, out_of_scope=5, head=head)
    plain = continuation_mix(data_dir, pairs=10, out_of_scope=5)
    assert all(r["messages"][0] == {"role": "system", "content": head} for r in mix)  # every record shares it
    for headed, record in zip(mix, plain):
        if "messages" in record:
            assert headed["messages"][1:] == record["messages"]
        elif record["completion"].strip() == OUT_OF_SCOPE:  # a direct pair becomes the agent's first step
            assert "Final Answer: Intent: out_of_scope." in headed["messages"][-1]["content"]
        else:
            query = record["prompt"].removeprefix("Customer: ").removesuffix("\nIntent:")
            assert headed["messages"][1:] == [
                {"role": "user", "content": query},
                {"role": "assistant", "content": f"Thought: The customer's intent is {record['completion'].strip()}. "
                                                 f"I will check the FAQ.\nAction: search_faq[{query[:100]}]"}]
    from react_customer_service.candidates import load_classifier

    classifier = load_classifier(data_dir)
    head = agent_prompt_head(index=faq_index, classifier=classifier)
    assert "classify_intent" in head  # the head lists the tool the trajectories call
    mix = continuation_mix(data_dir, pairs=10, out_of_scope=5, head=head, classifier=classifier)
    assert any("Action: classify_intent[" in r["messages"][2]["content"] for r in mix if "messages" in r)
    firsts = [r for r in mix if r.get("meta", {}).get("kind") == "first_step"]
    assert firsts and all("Action: classify_intent[" in r["messages"][2]["content"] for r in firsts)
    for r in firsts:  # kept only where the classifier's best match is the named intent
        assert r["messages"][3]["content"].startswith(f"Observation: {r['meta']['intent']} ")


def test_hand_over_refresher_asks_the_classifier_then_hands_over_behind_the_head(data_dir: Path, faq_index) -> None:
    from react_customer_service.builder import HUMAN_REQUESTS
    from react_customer_service.candidates import load_classifier
    from react_customer_service.mix import agent_prompt_head, hand_over_mix

    classifier = load_classifier(data_dir)
    head = agent_prompt_head(index=faq_index, classifier=classifier)
    mix = hand_over_mix(data_dir, head=head, classifier=classifier, repeat=2, sample=5, pairs=10, out_of_scope=5)
    assert len(mix) == 2 * len(HUMAN_REQUESTS) + 5
    assert all(r["messages"][0] == {"role": "system", "content": head} for r in mix)
    hand_overs = [r for r in mix if r["messages"][1]["content"] in HUMAN_REQUESTS]
    assert len(hand_overs) == 2 * len(HUMAN_REQUESTS)
    for r in hand_overs:
        steps = [m["content"] for m in r["messages"] if m["role"] == "assistant"]
        assert "Action: classify_intent[" in steps[0] and "Action: escalate_to_human[" in steps[1]
        assert "Final Answer: Intent: escalate_to_human." in steps[-1]


def test_a_question_that_gives_an_id_calls_the_account_tool_for_it(data_dir: Path) -> None:
    from react_customer_service.builder import ACCOUNT_IDS

    seen = set()
    for seed in (0, 1):
        for t in (r for r in build_training_data(data_dir, seed=seed) if r.get("meta", {}).get("kind") == "trajectory"):
            question, intent = t["messages"][0]["content"], t["meta"]["intent"]
            for intents, tool, ids, template, _ in ACCOUNT_IDS:
                given = [i for i in ids if question.endswith(template.format(query="", id=i).lstrip())]
                if intent in intents and given:
                    actions = [m["content"] for m in t["messages"] if m["role"] == "assistant"]
                    assert any(f"Action: {tool}[" in a and given[0] in a for a in actions), question
                    seen.add(tool)
    assert seen == {entry[1] for entry in ACCOUNT_IDS}  # the harness's --with-ids sentences are the trained ones


def test_account_refresher_teaches_account_steps_behind_the_head(data_dir: Path, faq_index) -> None:
    from react_customer_service.candidates import load_classifier
    from react_customer_service.builder import ACCOUNT_IDS
    from react_customer_service.mix import account_mix, agent_prompt_head

    classifier = load_classifier(data_dir)
    head = agent_prompt_head(index=faq_index, classifier=classifier)
    mix = account_mix(data_dir, head=head, classifier=classifier, sample=5, pairs=10, out_of_scope=5)
    assert all(r["messages"][0] == {"role": "system", "content": head} for r in mix)

    def calls(record: dict) -> list[str]:
        return [m["content"].split("\nAction: ")[-1].split("[")[0] for m in record["messages"]
                if m["role"] == "assistant" and "\nAction: " in m["content"]]

    account = {entry[1] for entry in ACCOUNT_IDS}
    taught = [r for r in mix if account & set(calls(r))]
    assert len(taught) >= len(mix) - 5 > 0  # all but the stage-2 sample call an account tool
    # most ask the classifier, search the FAQ, then act (a confirmed freeze acts at once)
    assert sum(calls(r)[:2] == ["classify_intent", "search_faq"] and calls(r)[2] in account for r in taught) > len(taught) / 2
