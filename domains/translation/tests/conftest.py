"""Fixtures: a small fake Multi30k directory and a tiny random model (react_core.testing)."""

from __future__ import annotations

from pathlib import Path

import pytest

EN = ["A dog runs on the beach.", "Two men are playing soccer.", "A woman is riding a bicycle.",
      "A child eats an apple.", "A man in a red hat sits on a bench.", "People walk down the street."]
DE = ["Ein Hund rennt am Strand.", "Zwei Männer spielen Fußball.", "Eine Frau fährt Fahrrad.",
      "Ein Kind isst einen Apfel.", "Ein Mann mit rotem Hut sitzt auf einer Bank.", "Leute gehen die Straße entlang."]
FR = ["Un chien court sur la plage.", "Deux hommes jouent au football.", "Une femme fait du vélo.",
      "Un enfant mange une pomme.", "Un homme au chapeau rouge est assis sur un banc.", "Des gens marchent dans la rue."]
SPLITS = {"train": 5, "val": 2, "test_2016_flickr": 3}


def sentence(lang: str, split: str, i: int) -> str:
    base = {"en": EN, "de": DE, "fr": FR}[lang][i % 6]
    return f"{base[:-1]} {split} {i}."


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    (root / "multi30k").mkdir(parents=True)
    for split, repeat in SPLITS.items():
        for lang in ("en", "de", "fr"):
            lines = [sentence(lang, split, i) for i in range(6 * repeat)]
            (root / "multi30k" / f"{split}.{lang}").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No network; a private cache."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("REACT_CACHE_DIR", str(tmp_path_factory.mktemp("react-cache")))


@pytest.fixture(scope="session")
def tiny_lm_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random Gemma 3 model directory, built once per session."""
    from react_core.testing import tiny_causal_lm

    return tiny_causal_lm(tmp_path_factory.mktemp("tiny-lm"))


@pytest.fixture(scope="session")
def tiny_lm(tiny_lm_path: Path):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    return AutoModelForCausalLM.from_pretrained(tiny_lm_path).eval(), AutoTokenizer.from_pretrained(tiny_lm_path)
