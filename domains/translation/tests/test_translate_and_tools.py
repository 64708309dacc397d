"""The prompt, batched translation (fake completer and a tiny model), the translate tool, the agent."""

from __future__ import annotations

import pytest
from react_core import Agent
from react_core.agent.testing import ScriptedBackend

from react_translation import query_to_english, translate_texts, translation_prompt
from react_translation.glossary import parse_glossary
from react_translation.rewrite import answer_in_language_of, rewrites
from react_translation.tools import backend_completer, make_translate_tool
from react_translation.translate import translate_batch, translate_with

GLOSSARY = parse_glossary("bicycle\tVelo\ten-de\nsidewalk\tTrottoir\ten-de\nhelmet\tHelm\ten-de\n")


class FakeModel:
    """A completer that answers from a table of prompts, recording what it was asked."""

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers
        self.prompts: list[str] = []

    def __call__(self, prompts: list[str]) -> list[str]:
        self.prompts.extend(prompts)
        return [self.answers.get(p.rsplit("\n", 2)[-2].split(": ", 1)[1], " ???\nmore") for p in prompts]


def test_prompt_format_is_stable() -> None:
    assert translation_prompt("A dog\n runs.", "en", "de") == "Translate English to German.\nEnglish: A dog runs.\nGerman:"
    assert translation_prompt("Un chien.", "FR", "en", [("chien", "dog"), ("chat", "cat")]) == (
        "Translate French to English.\nTerms: chien = dog; chat = cat\nFrench: Un chien.\nEnglish:")
    with pytest.raises(ValueError, match="unsupported target language 'es'"):
        translation_prompt("x", "en", "es")
    with pytest.raises(ValueError, match="both 'de'"):
        translation_prompt("x", "de", "de")


def test_glossary_terms_go_into_the_prompt_and_are_checked() -> None:
    fake = FakeModel({"A man rides a bicycle on the sidewalk.": " Ein Mann fährt Fahrrad auf dem Gehweg.\nEnglish:",
                      "A helmet.": " Ein Helm."})
    results = translate_with(fake, ["A man rides a bicycle on the sidewalk.", "", "A helmet."], "en", "de", GLOSSARY)
    assert [r.text for r in results] == ["Ein Mann fährt Velo auf dem Trottoir.", "", "Ein Helm."]
    assert "Terms: bicycle = Velo; sidewalk = Trottoir\n" in fake.prompts[0]
    assert len(fake.prompts) == 2  # the empty line costs nothing
    assert [e.source for e in results[0].repaired] == ["bicycle", "sidewalk"] and results[2].repaired == ()


def test_auto_detection_per_text_and_text_already_in_the_target_language() -> None:
    fake = FakeModel({"Ein Hund.": " A dog.", "Un chien.": " A dog."})
    results = translate_with(fake, ["Ein Hund.", "Un chien.", "The dog is here."], "auto", "en")
    assert [(r.source, r.text) for r in results] == [("de", "A dog."), ("fr", "A dog."), ("en", "The dog is here.")]
    assert fake.prompts[0].startswith("Translate German to English.") and fake.prompts[1].startswith("Translate French")


def test_a_completer_that_loses_rows_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="1 completions for 2 prompts"):
        translate_with(lambda ps: ps[:1], ["a", "b"], "en", "de")


def test_translate_texts_on_a_tiny_model_keeps_order_and_one_line_each(tiny_lm) -> None:
    model, tokenizer = tiny_lm
    texts = ["A dog.", "A man in a red hat sits on a bench near the river.", "", "Two boys."]
    out = translate_texts(model, tokenizer, texts, "en", "de", batch_size=3)
    assert len(out) == 4 and out[2] == "" and all("\n" not in t for t in out)
    seen = []
    results = translate_batch(model, tokenizer, texts, "en", "de", batch_size=2, max_new_tokens=4,
                              progress=seen.append)
    assert sum(seen) == 3 and [r.source_text for r in results] == [" ".join(t.split()) for t in texts]


def test_tool_observation_names_language_and_glossary_state() -> None:
    fake = FakeModel({"A man rides a bicycle wearing a helmet.": " Ein Mann fährt Fahrrad.",
                      "Ein Hund.": " A dog."})
    translate = make_translate_tool(fake, GLOSSARY)
    assert translate(text="A man rides a bicycle wearing a helmet.") == (
        "Detected English. German: Ein Mann fährt Velo. Glossary: bicycle = Velo (applied after generation); "
        "helmet = Helm (NOT applied: the model did not use it, check the translation).")
    assert translate(text="Ein Hund.") == "Detected German. English: A dog."  # default target for German text
    assert translate(text="Ein Hund.", target="de").startswith("The text is already German")
    assert translate(text="  ").startswith("Nothing to translate")
    assert translate(text="x", target="es").startswith("Unknown target language 'es'")
    assert translate(text="x", source="xx").startswith("Unknown source language 'xx'")
    assert translate.bind('{"text": "Ein Hund.", "target": "en"}') == {"text": "Ein Hund.", "target": "en"}
    assert translate.bind("A dog runs.") == {"text": "A dog runs."}


def test_tool_over_a_backend_uses_the_translation_adapter() -> None:
    backend = ScriptedBackend([" Un chien.\nFrench: more"])
    translate = make_translate_tool(backend_completer(backend))
    assert translate(text="A dog.", target="fr") == "Detected English. French: Un chien."
    call = backend.calls[0]
    assert call.adapter == "translation" and call.stop == ("\n",)
    assert call.prompt == "Translate English to French.\nEnglish: A dog.\nFrench:"


def test_agent_uses_the_translate_tool() -> None:
    tool_backend = ScriptedBackend([" Zwei Kinder spielen."])
    backend = ScriptedBackend([
        ' The text is English and the user wants German. I will translate it.\n'
        'Action: translate[{"text": "Two children play.", "target": "de"}]',
        " I have the translation.\nFinal Answer: Zwei Kinder spielen.",
    ])
    agent = Agent(backend, [make_translate_tool(backend_completer(tool_backend))])
    result = agent.run("Translate into German: Two children play.")
    assert result.ok and result.answer == "Zwei Kinder spielen."
    assert result.steps[0].observation == "Detected English. German: Zwei Kinder spielen."


def test_rewrite_prompts_skip_english_and_name_the_question_language() -> None:
    assert query_to_english("Where is my card?", "Where is my card?") is None
    assert answer_in_language_of("Where is my card?", "It was posted.") is None
    assert query_to_english("Wo ist meine Karte?", "Wo ist meine Karte?") == (
        "Translate German to English.\nGerman: Wo ist meine Karte?\nEnglish:")
    assert answer_in_language_of("Où est ma carte ?", "It was posted.") == (
        "Translate English to French.\nEnglish: It was posted.\nFrench:")


def test_cross_domain_german_question_answered_in_german() -> None:
    """A customer asks in German: the translation adapter writes the English question, the domain
    adapter reasons and answers in English, the translation adapter writes the answer in German."""
    from react_core import Rewrite  # noqa: F401  (the core's public API for rewrite steps)

    backend = ScriptedBackend([
        " Where is my new card?\n",                                       # to_english (translation adapter)
        " I can answer now.\nFinal Answer: Your card was posted on Monday.",  # the loop (domain adapter)
        " Ihre Karte wurde am Montag verschickt.\nEnglish:",              # back to German (translation adapter)
    ])
    to_english, back = rewrites()
    agent = Agent(backend, [], adapter="customer_service", query_rewrite=to_english, answer_rewrite=back)
    result = agent.run("Wo ist meine neue Karte?")
    assert result.answer == "Ihre Karte wurde am Montag verschickt."
    assert [c.adapter for c in backend.calls] == ["translation", "customer_service", "translation"]
    assert backend.calls[0].prompt == "Translate German to English.\nGerman: Wo ist meine neue Karte?\nEnglish:"
    assert "Where is my new card?" in backend.calls[1].prompt
    assert backend.calls[2].prompt.endswith("English: Your card was posted on Monday.\nGerman:")


def test_rewrites_put_glossary_terms_in_the_prompts() -> None:
    glossary = parse_glossary("Karte\tcard\tde-en\ncard\tKarte\ten-de\n")
    to_english, back = rewrites(adapter="tr", glossary=glossary)
    assert to_english.adapter == "tr" and to_english.prompt("Wo ist meine Karte?", "Wo ist meine Karte?") == (
        "Translate German to English.\nTerms: Karte = card\nGerman: Wo ist meine Karte?\nEnglish:")
    assert back.prompt("Wo ist meine Karte?", "Your card was posted.").startswith(
        "Translate English to German.\nTerms: card = Karte\n")
    assert to_english.prompt("Where is my card?", "Where is my card?") is None


def test_the_domain_s_agent_translates_with_its_own_backend() -> None:
    """Built by the core (Agent.from_domain, react chat, react serve), the translate tool uses the
    agent's backend with the translation adapter: no second model copy is loaded."""
    from react_translation.spec import SPEC

    backend = ScriptedBackend([
        ' I will translate it.\nAction: translate[{"text": "Two children play.", "target": "de"}]',
        " Zwei Kinder spielen.",
        " I have the translation.\nFinal Answer: Zwei Kinder spielen.",
    ])
    result = Agent.from_domain(backend, SPEC).run("Translate into German: Two children play.")
    assert result.steps[0].observation == "Detected English. German: Zwei Kinder spielen."
    assert [c.adapter for c in backend.calls] == ["translation", "translation", "translation"]
    assert backend.calls[1].prompt.endswith("English: Two children play.\nGerman:")
