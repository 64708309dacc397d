"""Language detection, glossary files (malformed lines), term matching and the after-generation check."""

from __future__ import annotations

from pathlib import Path

import pytest

from react_translation import detect_language, load_glossary
from react_translation.glossary import GlossaryEntry, GlossaryError, enforce, find_spans, parse_glossary, term_present


@pytest.mark.parametrize(("text", "lang"), [
    ("A man in a blue shirt is standing on a ladder.", "en"),
    ("Ein Mann in einem blauen Hemd steht auf einer Leiter.", "de"),
    ("Un homme en chemise bleue est debout sur une échelle.", "fr"),
    ("Wie sagt man das auf Englisch?", "de"),
    ("L'enfant mange.", "fr"),
    ("Straße", "de"),
    ("café crème", "fr"),
])
def test_detects_english_german_and_french(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_detection_without_evidence_falls_back_to_the_default() -> None:
    assert detect_language("12345") == "en" and detect_language("", default="de") == "de"
    assert detect_language("Zorblax") == "en"


def test_detection_on_real_multi30k_validation_captions() -> None:
    from react_core.paths import DataDirError, data_dir

    try:
        root = data_dir() / "multi30k"
    except DataDirError:
        pytest.skip("Multi30k not available")
    if not (root / "val.en").is_file():
        pytest.skip("Multi30k not available")
    for lang in ("en", "de", "fr"):
        lines = (root / f"val.{lang}").read_text(encoding="utf-8").splitlines()[:300]
        accuracy = sum(detect_language(x) == lang for x in lines) / len(lines)
        assert accuracy >= 0.97, (lang, accuracy)


def test_glossary_tsv_with_header_comments_and_pairs(tmp_path: Path) -> None:
    path = tmp_path / "terms.tsv"
    path.write_text("# my terms\nsource\ttarget\tpair\nbicycle\tVelo\ten-de\n\ncell phone\tportable\tEN_FR\n"
                    "Hund\tdog\tde→en\nbicycle\tVelo\ten-de\n", encoding="utf-8")
    g = load_glossary(path)
    assert [(e.source, e.target, e.pair, e.line) for e in g.entries] == [
        ("bicycle", "Velo", "en-de", 3), ("cell phone", "portable", "en-fr", 5), ("Hund", "dog", "de-en", 6)]
    assert g.pairs() == ["de-en", "en-de", "en-fr"] and len(g.for_pair("en", "de")) == 1


def test_glossary_csv_with_quoted_fields(tmp_path: Path) -> None:
    path = tmp_path / "terms.csv"
    path.write_text('"ice cream, vanilla",Vanilleeis,en-de\nbike,Velo,en-de\n', encoding="utf-8")
    assert [e.source for e in load_glossary(path).entries] == ["ice cream, vanilla", "bike"]


def test_every_malformed_line_is_reported_with_its_number(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("bicycle\tVelo\ten-de\nhelmet\tHelm\nsidewalk\tTrottoir\ten-xx\n\tleer\ten-de\n"
                    "bicycle\tFahrrad\ten-de\n???\tx\ten-de\n", encoding="utf-8")
    with pytest.raises(GlossaryError) as info:
        load_glossary(path)
    problems = info.value.problems
    assert [p.split(": ")[0] for p in problems] == [f"{path}:{n}" for n in (2, 3, 4, 5, 6)]
    assert "expected 3 fields" in problems[0] and "'en-xx'" in problems[1] and "empty source" in problems[2]
    assert "already 'Velo' on line 1" in problems[3] and "no letters" in problems[4]


def test_glossary_file_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_glossary(tmp_path / "missing.tsv")
    latin1 = tmp_path / "latin1.tsv"
    latin1.write_bytes("Straße\tstreet\tde-en\n".encode("latin-1"))
    with pytest.raises(GlossaryError, match="not UTF-8"):
        load_glossary(latin1)


def test_terms_match_words_with_plural_suffixes_longest_first() -> None:
    g = parse_glossary("phone\tTelefon\ten-de\ncell phone\tHandy\ten-de\ncar\tWagen\ten-de\n")
    found = g.find("Two cars pass a man on his cell phone.", "en", "de")
    assert [e.source for e in found] == ["car", "cell phone"]
    assert g.find("A cart full of cardboard.", "en", "de") == []  # no match inside other words
    assert term_present("Velo", "Zwei Velos stehen da.") and not term_present("Velo", "Velociraptor")
    assert find_spans("bicycle", "A Bicycle.") == [(2, 9)]


def test_enforce_keeps_met_terms_and_repairs_copied_or_default_words() -> None:
    velo = GlossaryEntry("bicycle", "Velo", "en", "de")
    trottoir = GlossaryEntry("sidewalk", "Trottoir", "en", "de")
    laster = GlossaryEntry("truck", "Laster", "en", "de")
    done = enforce("Ein Mann fährt Fahrrad auf dem sidewalk neben einem Auto.", [velo, trottoir, laster])
    assert done.text == "Ein Mann fährt Velo auf dem Trottoir neben einem Auto."  # lexicon default + copy
    assert done.repaired == (velo, trottoir) and done.missing == (laster,) and done.met == ()
    assert enforce("Ein Velo.", [velo]).met == (velo,)
    bonnet = GlossaryEntry("hat", "bonnet", "en", "fr")
    assert enforce("Chapeau rouge. Un chapeau.", [bonnet]).text == "Bonnet rouge. Un chapeau."


def test_the_shipped_term_set_parses_and_every_sentence_has_a_term(tmp_path: Path) -> None:
    from react_translation.terms import term_accuracy, term_glossary, term_sentences

    glossary, rows = term_glossary(), term_sentences()
    assert len(rows) == 52 and {(s, t) for _, s, t in rows} == {("en", "de"), ("en", "fr"), ("de", "en")}
    assert all(glossary.find(text, s, t) for text, s, t in rows)
    scores = term_accuracy(["Ein Mann fährt Velo die belebte Straße entlang."] + [""] * 51, rows, glossary)
    assert scores["terms"] == 89 and scores["term_accuracy"] == 1 / 89
    assert scores["per_pair"]["en-de"]["terms"] == 52
    bad = tmp_path / "s.tsv"
    bad.write_text("sentence\tpair\nA dog.\ten-de\nA cat.\tenglish\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"s\.tsv:3: expected 'sentence<TAB>pair'"):
        term_sentences(bad)
