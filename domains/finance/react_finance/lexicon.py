"""Rule-based fallbacks for the ``sentiment`` and ``entities`` tools when no model is at hand.

The core builds a domain's tools with no arguments (``DomainSpec.tools`` is a zero-argument
factory), so tools inside ``react chat`` cannot reach the loaded model; there these rules
answer, and say so in their output. They are small, transparent and weak: the word lists were
written for this project (not taken from a published lexicon), and their scores on the test
splits are in docs/domains/finance.md (``benchmarks/finance_baselines.py`` measures them).
"""

from __future__ import annotations

import re

# words whose presence pushes a sentence one way (lowercase; matched on word stems by prefix)
POSITIVE = ("rose", "rise", "rising", "increase", "increased", "grew", "grow", "growth", "gain", "gained", "up",
            "higher", "improve", "improved", "improvement", "record", "strong", "stronger", "beat", "beats",
            "exceeded", "profit", "profitable", "surge", "surged", "jump", "jumped", "climb", "climbed", "boost",
            "expand", "expanded", "expansion", "upgrade", "upgraded", "bullish", "outperform", "win", "won",
            "award", "awarded", "rebound", "recovered", "positive", "success", "successful", "double", "doubled")
NEGATIVE = ("fell", "fall", "falling", "decrease", "decreased", "decline", "declined", "drop", "dropped", "down",
            "lower", "loss", "losses", "weak", "weaker", "miss", "missed", "cut", "cuts", "layoff", "layoffs",
            "laid", "redundancies", "warning", "warn", "warned", "plunge", "plunged", "slump", "slumped", "tumble",
            "tumbled", "downgrade", "downgraded", "bearish", "lawsuit", "fraud", "bankruptcy", "default",
            "negative", "shrank", "contracted", "deficit", "halt", "halted", "recall", "fine", "fined", "probe",
            "investigation", "worse", "worst", "slowdown", "crisis", "weakened", "underperform", "sank", "slid")
# nouns that are bad to have: "losses increased" is negative, "costs fell" positive
BAD_NOUNS = ("loss", "losses", "debt", "costs", "cost", "expenses", "unemployment", "deficit", "layoffs")
DIRECTION = {"rose", "rise", "rising", "increase", "increased", "grew", "up", "higher", "surge", "surged", "jump",
             "jumped", "climb", "climbed", "doubled", "fell", "fall", "falling", "decrease", "decreased", "decline",
             "declined", "drop", "dropped", "down", "lower", "plunge", "plunged", "shrank", "sank", "slid"}
NEGATORS = {"not", "no", "never", "without", "n't"}
_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|n't")


def lexicon_sentiment(text: str) -> tuple[str, float]:
    """``(label, score)``: score = positive minus negative cues (a direction word after a bad noun
    such as "loss" counts the other way; a negator just before a cue flips it)."""
    words = [w.lower() for w in _WORD.findall(str(text))]
    score = 0.0
    bad_seen = False
    for i, word in enumerate(words):
        if word in BAD_NOUNS:
            bad_seen = True
        polarity = 1 if word in POSITIVE else -1 if word in NEGATIVE else 0
        if word in BAD_NOUNS:
            polarity = -1 if word not in ("cost", "costs", "expenses", "debt") else 0
        if not polarity:
            continue
        if word in DIRECTION and bad_seen:
            polarity = -polarity
        if i and words[i - 1] in NEGATORS:
            polarity = -polarity
        score += polarity
    label = "positive" if score > 0 else "negative" if score < 0 else "neutral"
    return label, score


ORG_SUFFIXES = {"Inc", "Inc.", "Corp", "Corp.", "Corporation", "Ltd", "Ltd.", "plc", "Plc", "PLC", "Oyj", "Oy",
                "AG", "SA", "S.A.", "NV", "N.V.", "Group", "Bank", "Holdings", "Co", "Co.", "Company", "LLC",
                "Airlines", "Motors", "Bancorp", "Partners", "Capital", "Industries", "Energy", "Systems"}
ORGS = {"Reuters", "Nokia", "Apple", "Google", "Microsoft", "Amazon", "Tesla", "Nasdaq", "NYSE", "Fed", "ECB", "IMF",
        "OPEC", "EU", "UN", "NATO", "Bundesbank", "Moody's", "Fitch", "S&P"}
LOCATIONS = {"U.S.", "US", "USA", "America", "Britain", "UK", "England", "Germany", "France", "Italy", "Spain",
             "Finland", "Sweden", "Norway", "Denmark", "Russia", "China", "Japan", "India", "Brazil", "Canada",
             "Mexico", "Australia", "Europe", "Asia", "Africa", "London", "Paris", "Berlin", "Frankfurt", "Tokyo",
             "Helsinki", "Stockholm", "Moscow", "Beijing", "Shanghai", "Washington", "New York", "Chicago",
             "Hong Kong", "Singapore", "Zurich", "Brussels", "Amsterdam", "Madrid", "Rome", "Tallinn", "Oslo",
             "Poland", "Netherlands", "Switzerland", "Belgium", "Austria", "Ireland", "Israel", "Iraq", "Iran",
             "Pakistan", "South Africa", "Korea", "South Korea", "Taiwan", "Argentina", "Chile", "Turkey"}
DEMONYMS = {"American", "British", "German", "French", "Italian", "Spanish", "Finnish", "Swedish", "Norwegian",
            "Danish", "Russian", "Chinese", "Japanese", "Indian", "European", "Asian", "Dutch", "Swiss", "Canadian",
            "Brazilian", "Australian", "Polish", "Irish", "Korean", "Mexican", "Israeli", "Iraqi", "Turkish",
            "Euro", "Nasdaq-100", "Dow", "Olympic", "Internet", "Christmas"}
TITLES = {"Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Dr", "Dr.", "CEO", "President", "Minister", "chairman",
          "chief", "executive", "analyst", "said"}
FUNCTION_WORDS = {"The", "A", "An", "In", "On", "At", "For", "But", "And", "Or", "It", "This", "That", "These",
                  "Those", "He", "She", "They", "We", "I", "Its", "Their", "His", "Her", "As", "By", "With", "From",
                  "After", "Before", "If", "When", "While", "Shares", "Net", "Sales", "Operating", "Profit", "Q1",
                  "Q2", "Q3", "Q4", "January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday",
                  "Friday", "Saturday", "Sunday", "EUR", "USD", "Total"}
_TOKEN = re.compile(r"\$[A-Z]{1,6}\b|[A-Z][\w&'.-]*|[\w$%&'.-]+|[^\w\s]")


def _is_cap(token: str) -> bool:
    return bool(token) and (token[0].isupper() or token.startswith("$")) and token not in FUNCTION_WORDS


def lexicon_entities(text: str) -> list[tuple[str, str]]:
    """Runs of capitalised tokens typed by small gazetteers: a known place is LOC, a demonym MISC,
    a run ending in a company suffix (Inc, Oyj, plc, Bank ...) or a $TICKER ORG, a two-word name
    after a title (Mr, CEO, analyst ...) or before "said" PER; other runs default to ORG."""
    tokens = _TOKEN.findall(str(text))
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        if not _is_cap(tokens[i]) or (i == 0 and tokens[i] in FUNCTION_WORDS):
            i += 1
            continue
        j = i
        while j + 1 < len(tokens) and (_is_cap(tokens[j + 1]) or tokens[j + 1] in ("&", "of", "de", "van")) \
                and not (tokens[j + 1] in ("of", "de", "van", "&") and not (j + 2 < len(tokens) and _is_cap(tokens[j + 2]))):
            j += 1
        words = tokens[i:j + 1]
        span = " ".join(words).rstrip(".") if words[-1] not in ("U.S.", "S.A.", "N.V.", "Inc.", "Corp.", "Co.", "Ltd.") \
            else " ".join(words)
        before = tokens[i - 1] if i else ""
        after = tokens[j + 1] if j + 1 < len(tokens) else ""
        if span in LOCATIONS:
            kind = "LOC"
        elif span in DEMONYMS or words[0] in DEMONYMS and len(words) == 1:
            kind = "MISC"
        elif words[0].startswith("$") or words[-1] in ORG_SUFFIXES or span in ORGS:
            kind = "ORG"
        elif (before in TITLES or after == "said") and 2 <= len(words) <= 3:
            kind = "PER"
        elif i == 0 and len(words) == 1:
            i = j + 1
            continue  # a lone capitalised first word is usually just the sentence start
        else:
            kind = "ORG"
        out.append((kind, span.lstrip("$") if kind == "ORG" and span.startswith("$") else span))
        i = j + 1
    return out
