"""Multi30k loading, the training-data builder, scoring, and react train / eval / translate on a tiny model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from react_core import new_registry
from react_core.agent import parse_step
from react_core.cli import build_app
from react_core.training import load_examples
from typer.testing import CliRunner

from react_translation import plugin
from react_translation.builder import build_training_data
from react_translation.data import DataError, read_pairs
from react_translation.evaluation import SIGNATURES, TASKS, sacrebleu_scores, score
from react_translation.tools import format_observation
from react_translation.translate import Translation

runner = CliRunner()


def app():
    return build_app(new_registry([("translation", plugin)]))


def test_pairs_are_line_aligned_and_errors_name_the_files(data_dir: Path) -> None:
    pairs = read_pairs(data_dir, "validation", "en", "de")
    assert len(pairs) == 12 and pairs[0] == ("A dog runs on the beach val 0.", "Ein Hund rennt am Strand val 0.")
    assert len(read_pairs(data_dir, "test", "en", "fr")) == 18
    (data_dir / "multi30k" / "val.fr").write_text("one\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"val\.en has 12 lines but .*val\.fr has 1"):
        read_pairs(data_dir, "validation", "en", "fr")
    (data_dir / "multi30k" / "val.de").write_text("a\n\nc\n" + "x\n" * 9, encoding="utf-8")
    with pytest.raises(DataError, match=r"val\.de:2: empty sentence"):
        read_pairs(data_dir, "validation", "en", "de")
    with pytest.raises(FileNotFoundError, match="multi30k"):
        read_pairs(data_dir / "nowhere", "train", "en", "de")
    with pytest.raises(ValueError, match="unknown split 'dev'"):
        read_pairs(data_dir, "dev", "en", "de")


def test_limit_takes_an_evenly_spread_subset(data_dir: Path) -> None:
    load = TASKS[0].load
    full = [row["source"] for row in load(data_dir, "test", None)]
    assert [row["source"] for row in load(data_dir, "test", 3)] == [full[int(i * len(full) / 3)] for i in range(3)]
    assert [row["source"] for row in load(data_dir, "test", len(full) + 5)] == full


def test_builder_interleaves_directions_and_uses_train_only(data_dir: Path, tmp_path: Path) -> None:
    records = list(build_training_data(data_dir, trajectory_every=6, terms_share=1.0))
    pairs = [r for r in records if "prompt" in r]
    trajectories = [r for r in records if "messages" in r]
    assert len(pairs) == 3 * 30 and len(trajectories) == 15
    heads = [p["prompt"].split("\n")[0] for p in pairs[:3]]
    assert heads == ["Translate English to German.", "Translate German to English.", "Translate English to French."]
    text = json.dumps(records, ensure_ascii=False)
    assert " val " not in text and "test_2016" not in text and " train " in text
    assert all(p["completion"].startswith(" ") and "\n" not in p["completion"] for p in pairs)
    with_terms = [p for p in pairs if "\nTerms: " in p["prompt"]]
    assert with_terms  # lexicon entries found on both sides, e.g. dog = Hund
    for p in with_terms:
        for term in p["prompt"].split("\nTerms: ")[1].split("\n")[0].split("; "):
            source, target = term.split(" = ")
            assert target.lower() in p["completion"].lower()
    path = tmp_path / "data.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    assert len(load_examples(path)) == len(records)  # every record parses with the core's reader


def test_trajectories_call_translate_and_observe_the_tool_format(data_dir: Path) -> None:
    trajectories = [r for r in build_training_data(data_dir, trajectory_every=3) if "messages" in r]
    for t in trajectories:
        user, act, obs, final = t["messages"]
        step = parse_step(" " + act["content"].removeprefix("Thought:").strip())
        assert step.action == "translate"
        args = json.loads(step.action_input)
        answer = final["content"].split("Final Answer: ")[1]
        src = {"de_en": "de"}.get(t["meta"]["direction"], "en")
        expected = format_observation(Translation(args["text"], answer, src, args["target"]), detected=True)
        assert obs["content"] == f"Observation: {expected}"
        assert args["text"] in user["content"]


def test_scores_are_sacrebleu_corpus_bleu_and_chrf() -> None:
    refs = [{"reference": "Ein Hund rennt am Strand."}, {"reference": "Zwei Männer spielen Fußball."}]
    perfect = score(["Ein Hund rennt am Strand.", "Zwei  Männer spielen Fußball.\n"], refs)
    assert perfect["bleu"] == pytest.approx(100.0) and perfect["chrf"] == pytest.approx(100.0)
    worse = score(["ein hund rennt am strand.", "Zwei Frauen lesen."], refs)
    assert worse["bleu_lc"] > worse["bleu"] and worse["chrf"] < 100.0
    assert SIGNATURES["bleu"].startswith("nrefs:1|case:mixed|eff:no|tok:13a") and "chrf" in SIGNATURES
    with pytest.raises(ValueError, match="1 predictions for 2 references"):
        sacrebleu_scores(["x"], ["a", "b"])


def test_eval_tasks_load_prompts_and_name_the_published_anchor(data_dir: Path) -> None:
    tasks = {t.name: t for t in TASKS}
    assert list(tasks) == ["en_de", "de_en", "en_fr"] and all(t.metric == "bleu" for t in TASKS)
    assert tasks["en_de"].published[0] == 38.0 and tasks["de_en"].published is None
    rows = tasks["de_en"].load(data_dir, "test", 4)
    assert len(rows) == 4 and rows[0]["prompt"].endswith("\nEnglish:") and rows[0]["reference"].startswith("A dog")


def test_react_train_and_eval_run_on_a_tiny_model(data_dir: Path, tiny_lm_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "adapter"
    result = runner.invoke(app(), ["train", "translation", "--model", str(tiny_lm_path), "--data-dir", str(data_dir),
                                   "--out", str(out), "--max-steps", "2", "--set", "dtype=fp32", "--set",
                                   "batch_size=4", "--set", "eval_steps=0", "--set", "max_length=128"])
    assert result.exit_code == 0, result.output
    assert json.loads((out / "react_adapter.json").read_text())["name"] == "translation"
    result = runner.invoke(app(), ["eval", "translation", "--model", str(tiny_lm_path), "--data-dir", str(data_dir),
                                   "--adapter", str(out), "--alpha", "0.5", "--limit", "3", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["task"]: r for r in json.loads(result.stdout[result.stdout.index("["):])}
    assert set(rows) == {"en_de", "de_en", "en_fr"} and rows["en_de"]["n"] == 3
    assert rows["en_de"]["metric"] == "bleu" and {"bleu", "chrf", "bleu_lc"} <= set(rows["en_de"]["metrics"])


def test_react_translate_writes_one_line_per_input_line(tiny_lm_path: Path, tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text("A dog runs.\n\nTwo men play soccer on a bicycle.\n", encoding="utf-8")
    glossary = tmp_path / "g.tsv"
    glossary.write_text("bicycle\tVelo\ten-de\n", encoding="utf-8")
    out = tmp_path / "out" / "de.txt"
    result = runner.invoke(app(), ["translate", "--from", "en", "--to", "de", str(source), "--out", str(out),
                                   "--glossary", str(glossary), "--model", str(tiny_lm_path), "--adapter", "none",
                                   "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").split("\n")
    assert len(lines) == 4 and lines[1] == "" and lines[3] == ""
    assert "glossary: 1 term uses" in result.output and "3 lines written" in result.output


def test_react_translate_reports_bad_input_clearly(tiny_lm_path: Path, tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text("A dog.\n", encoding="utf-8")
    bad = tmp_path / "bad.tsv"
    bad.write_text("bicycle\tVelo\ten-de\nhelmet\tHelm\n", encoding="utf-8")
    result = runner.invoke(app(), ["translate", "--to", "de", str(source), "--glossary", str(bad)])
    assert result.exit_code == 2 and f"{bad}:2: expected 3 fields" in result.output
    result = runner.invoke(app(), ["translate", "--from", "en", "--to", "es", str(source)])
    assert result.exit_code == 2 and "unsupported target language (--to) 'es'" in result.output
    result = runner.invoke(app(), ["translate", "--to", "de", str(tmp_path / "missing.txt")])
    assert result.exit_code == 2 and "does not exist" in result.output
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"ok\nStra\xdfe\n")
    result = runner.invoke(app(), ["translate", "--to", "en", str(latin)])
    assert result.exit_code == 2 and f"{latin}:2: not UTF-8" in result.output
