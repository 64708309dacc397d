"""Source-language detection for English, German and French, without dependencies.

Each language scores its frequent function words (weight 1 per occurrence) and its
characteristic letters and letter pairs (umlauts and ß for German; accented vowels, ç and
elisions like ``l'`` for French). The highest score wins; text with no evidence at all
(numbers, names, one unknown word) falls back to ``default``.
"""

from __future__ import annotations

import re

STOPWORDS = {
    "en": set("""a an the and or but of in on at to with from by for is are was were be been being it its this
        that these those there here he she they we you i his her their our your my not no what who where when
        how why which do does did have has had will would can could should while as into over under up down
        out off near next front behind some two three man woman men women people""".split()),
    "de": set("""der die das den dem des ein eine einen einem einer eines und oder aber nicht mit von zu zum zur
        im in auf an am aus bei für ist sind war waren wird werden hat haben ich du er sie es wir ihr mein
        dein sein ihre unser euer was wer wo wann wie warum welche welcher dieser diese dieses noch auch nur
        sich vor hinter neben über unter einem zwei drei mann frau männer frauen leute kein keine nach
        bitte meine meinen mir mich dich dir""".split()),
    "fr": set("""le la les un une des du de et ou mais ne pas avec dans sur sous à au aux en pour par est sont
        était étaient sera il elle ils elles nous vous je tu on mon ma mes ton ta tes son sa ses notre votre
        leur leurs ce cet cette ces qui que quoi où quand comment pourquoi quel quelle se devant derrière
        près deux trois homme femme hommes femmes gens qu"""
        .split()),
}
CHARS = {"de": "äöüß", "fr": "éèêëàâçîïôûùœ"}
PATTERNS = {"fr": re.compile(r"\b(?:l|d|qu|n|s|j|c)['’]\w", re.IGNORECASE),
            "de": re.compile(r"\w(?:sch|tz|ung|chen|lich)\b", re.IGNORECASE)}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def language_scores(text: str) -> dict[str, float]:
    """Evidence for each language in ``text`` (stopwords, characteristic letters and patterns)."""
    words = [w.lower() for w in _WORD.findall(text)]
    scores = {lang: float(sum(w in stop for w in words)) for lang, stop in STOPWORDS.items()}
    lower = text.lower()
    for lang, chars in CHARS.items():
        scores[lang] += 0.5 * sum(lower.count(c) for c in chars)
    for lang, pattern in PATTERNS.items():
        scores[lang] += 0.5 * len(pattern.findall(text))
    return scores


def detect_language(text: str, default: str = "en") -> str:
    """``"en"``, ``"de"`` or ``"fr"``: the language with the most evidence, ``default`` when there is none.

    Ties are broken in the order English, German, French.
    """
    scores = language_scores(text)
    best = max(scores, key=lambda lang: (scores[lang], -list(scores).index(lang)))
    return best if scores[best] > 0 else default
