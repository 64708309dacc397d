"""The real shipped adapter on the real base model and Multi30k (slow: a minute or two on two CPU cores)."""

from __future__ import annotations

import pytest

from react_translation.spec import SPEC


@pytest.mark.slow
def test_shipped_adapter_translates_and_follows_the_glossary() -> None:
    from react_core.paths import DataDirError, data_dir

    from react_translation.model import load_translator
    from react_translation.terms import term_accuracy, term_glossary, term_sentences
    from react_translation.translate import translate_batch

    try:
        root = data_dir()
    except DataDirError:
        pytest.skip("Multi30k not available (set REACT_DATA_DIR)")
    if not (root / "multi30k" / "val.en").is_file():
        pytest.skip("Multi30k not available (set REACT_DATA_DIR)")
    assert SPEC.adapter_path is not None, "the package ships no adapter"
    model, tokenizer = load_translator()
    task = {t.name: t for t in SPEC.eval_tasks}["en_de"]
    examples = task.load(root, "validation", 40)
    predictions = task.predict(model, tokenizer, examples, 20, None)
    scores = task.score(predictions, examples)
    with model.disable_adapter():
        base = task.score(task.predict(model, tokenizer, examples, 20, None), examples)
    assert scores["bleu"] >= 10.0 and scores["bleu"] > base["bleu"] + 5.0, (scores, base)
    # the glossary: terms in the prompt plus the after-generation repair, against no glossary
    rows = [r for r in term_sentences() if r[1:] == ("en", "de")]
    glossary = term_glossary()
    sentences = [r[0] for r in rows]
    plain = [t.text for t in translate_batch(model, tokenizer, sentences, "en", "de", batch_size=16)]
    guided = [t.text for t in translate_batch(model, tokenizer, sentences, "en", "de", glossary=glossary,
                                              batch_size=16)]
    without, with_ = (term_accuracy(x, rows, glossary)["term_accuracy"] for x in (plain, guided))
    assert with_ >= 0.75 and with_ >= without + 0.25, (with_, without)
