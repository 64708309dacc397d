"""ReAct Core domain plugin: translation between English, German and French.

Multi30k image captions (en->de, de->en, en->fr) with BLEU/chrF evaluation, source-language
detection, and glossaries whose terms are put in the prompt and checked after generation.

Stable public API (other packages and the core's cross-domain agent build on these names):

- ``translation_prompt(text, source, target, terms=())``: the prompt the shipped adapter was
  trained on; the translation is the completion up to the first newline.
- ``translate_texts(model, tokenizer, texts, source, target, glossary=None, batch_size=8)``:
  batched greedy translation with a transformers model (the base with the adapter attached).
- ``detect_language(text)``: ``"en"``, ``"de"`` or ``"fr"`` from stopwords and characters.
- ``load_glossary(path)`` / ``Glossary``: a term base from a TSV/CSV file.
- ``query_to_english`` / ``answer_in_language_of``: prompts for the agent's ``Rewrite`` steps
  (the question into English before the loop, the answer back after it).
"""

from react_translation.detect import detect_language
from react_translation.glossary import Glossary, GlossaryEntry, GlossaryError, load_glossary
from react_translation.languages import LANGUAGES, translation_prompt
from react_translation.rewrite import answer_in_language_of, query_to_english
from react_translation.translate import translate_texts

__version__ = "0.1.0"

__all__ = [
    "LANGUAGES",
    "Glossary",
    "GlossaryEntry",
    "GlossaryError",
    "__version__",
    "answer_in_language_of",
    "detect_language",
    "load_glossary",
    "query_to_english",
    "translate_texts",
    "translation_prompt",
]
