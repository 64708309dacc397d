"""Grounding: the facts in an agent's answer that the run's evidence does not support.

A small model copies the shape of a record and invents its details: a card id one digit off,
the date of another transaction, an amount in the wrong currency. ``check_grounding`` finds
the checkable facts in an answer and looks for each in the evidence (the user's messages and
the tools' observations): record ids (``CARD-2001``, ``C1001``, ``PMID 123``, ``ticket #12``),
card endings (``ending 4821``, ``**** 4821``), dates (``2025-11-20``, ``20 November 2025``,
``November 20, 2025``, ``20/11/2025`` day first, ``November 2029``), money (``£12.50``,
``1,250.00 EUR``, ``12 pounds``), percentages (``3.5%``, ``3.5 percent``) and the ``names`` a
domain passes. Bare numbers and years are not facts, so plain prose ("William Shakespeare
wrote Hamlet around 1600.") has none; of overlapping spans the longest is kept.

Values are compared normalised: "20 November 2025" is supported by "2025-11-20", a month by
any date in it, "£1,250.00" by "1,250.00 GBP" or a bare 1250 in an observation, "$1,250.00"
not by "1,250.00 GBP". A fact whose exact text is in the evidence is supported.
``remove_facts`` drops the sentences that hold given facts; ``tidy_answer`` removes what a
small model's decoding leaves behind (repeated sentences, a phrase echoed back-to-back,
dangling labels such as "Intent: Action taken: none.") and leaves a normal answer as it is.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

KINDS = ("id", "card_ending", "date", "amount", "percentage", "name")


@dataclass(frozen=True)
class Fact:
    """A checkable span of an answer; ``value`` is the normalised form that is matched."""

    kind: str
    text: str
    start: int
    end: int
    value: str


@dataclass(frozen=True)
class GroundingCheck:
    """An answer's facts split by whether the evidence supports them (each kind+value once)."""

    supported: tuple[Fact, ...]
    unsupported: tuple[Fact, ...]

    @property
    def ok(self) -> bool:
        return not self.unsupported

    def to_dict(self) -> dict[str, list[str]]:
        return {"supported": [f.text for f in self.supported], "unsupported": [f.text for f in self.unsupported]}


_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DATES = (
    re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)"),
    re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{_MONTH}),?\s+(?P<y>\d{{4}})(?!\d)", re.I),
    re.compile(rf"\b(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})(?!\d)", re.I),
    re.compile(r"(?<![\d/.-])(?P<d>\d{1,2})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4})(?!\d)"),
    re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{2})(?!\d|-\d)"),
    re.compile(rf"\b(?P<m>{_MONTH}),?\s+(?P<y>\d{{4}})(?!\d)", re.I),
)
_ID = re.compile(r"\b([A-Z]{1,6})-?(\d{3,}(?:-\d+)*)\b")
_NOT_ID = frozenset({"AD", "BC", "BCE", "CE", "FY", "GBP", "USD", "EUR"})
_PMID = re.compile(r"\bPMID:?\s*(\d+)\b", re.I)
_TICKET = re.compile(r"(?:\b(?:ticket|escalation)s?\s+(?:number\s+|no\.?\s*|id\s*)?#?\s*|(?<![\w&#/])#)(\d+)\b", re.I)
_CARD = re.compile(r"(?:\b(?:ending|ends)(?:\s+(?:in|with))?:?\s+"
                   r"|\blast\s+(?:four|4)(?:\s+digits)?(?:\s+(?:are|is|of))?:?\s+"
                   r"|(?:[*•]{2,}|[xX]{4})[\s-]?)(\d{4})(?!\d|[-/.,]\d)", re.I)
_AMOUNT = re.compile(rf"(?P<sym>[£$€])\s?(?P<a>{_NUM})|\b(?P<pre>GBP|USD|EUR)\s?(?P<b>{_NUM})"
                     rf"|(?<![\w.,])(?P<c>{_NUM})\s?(?P<post>GBP|USD|EUR|(?i:pounds?|dollars?|euros?))\b")
_CURRENCY = {"£": "GBP", "$": "USD", "€": "EUR", "pound": "GBP", "dollar": "USD", "euro": "EUR"}
_PERCENT = re.compile(rf"(?<![\w.,])({_NUM})\s?(?:%|(?i:per\s?cent)\b)")
_NUMBER = re.compile(rf"(?<![\w.,])(?:{_NUM})(?!\d)")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\s*\n\s*")


def extract_facts(text: str, names: Iterable[str] = ()) -> list[Fact]:
    """The checkable facts in ``text`` in order of position; of overlapping spans the longest is kept."""
    taken = bytearray(len(text))
    kept: list[Fact] = []
    for fact in sorted(_candidates(text, names), key=lambda f: (f.start - f.end, f.start, KINDS.index(f.kind))):
        if not any(taken[fact.start:fact.end]):
            taken[fact.start:fact.end] = b"\x01" * (fact.end - fact.start)
            kept.append(fact)
    return sorted(kept, key=lambda f: f.start)


def check_grounding(answer: str, evidence: Sequence[str], names: Iterable[str] = ()) -> GroundingCheck:
    """Split the facts of ``answer`` by whether ``evidence`` (user messages, observations) supports them."""
    ev = _Evidence.of([evidence] if isinstance(evidence, str) else list(evidence))
    supported: dict[tuple[str, str], Fact] = {}
    unsupported: dict[tuple[str, str], Fact] = {}
    for fact in extract_facts(answer, names):
        key = (fact.kind, fact.value)
        if key in supported:
            continue
        if ev.supports(fact):
            supported[key] = fact
            unsupported.pop(key, None)
        else:
            unsupported.setdefault(key, fact)
    return GroundingCheck(tuple(supported.values()), tuple(unsupported.values()))


def remove_facts(answer: str, facts: Sequence[Fact]) -> str:
    """Drop every sentence that holds one of ``facts`` (its span, or the same value written again).

    The sentences left are joined with single spaces and tidied; "" when none is left."""
    keys = {(f.kind, f.value) for f in facts}
    names = [f.value for f in facts if f.kind == "name"]
    kept: list[str] = []
    start = 0
    for brk in [*_SENTENCE_BREAK.finditer(answer), None]:
        end = brk.start() if brk else len(answer)
        sentence = answer[start:end].strip()
        held = any(f.start < end and f.end > start for f in facts) or any(
            (f.kind, f.value) in keys for f in extract_facts(sentence, names))
        if sentence and not held:
            kept.append(sentence)
        start = brk.end() if brk else end
    return tidy_answer(" ".join(kept)) if kept else ""


_LABEL = r"[A-Z][\w-]*(?:[ \t]+[a-z][\w-]*){0,2}:(?!\S)"
_DANGLING = re.compile(rf"(?<!\S){_LABEL}(?:[ \t]+(?={_LABEL})|\s*$)")
_LONE = re.compile(r"(?m)(?:^|(?<=[.!?)\]] ))(?:[A-Z][a-z]+[ \t]+(?=[A-Z][a-z]+(?:[ \t]+[a-z][\w-]*){1,2}:(?!\S))"
                   rf"|(?:Intent|Thought|Action|Observation|Answer|Question)[ \t]+(?={_LABEL}))")
_TIDY_BREAK = re.compile(r"((?<=[.!?])[ \t]+|[ \t]*\n\s*)")


def tidy_answer(text: str) -> str:
    """Remove repeated sentences, echoed phrases and dangling labels; collapse whitespace.

    Line breaks are kept (runs of blank lines become one). An answer with none of these
    problems comes back unchanged apart from surrounding whitespace; one that would be left
    empty comes back stripped."""
    tidy = _collapse(text)
    tidy = _LONE.sub("", _DANGLING.sub("", tidy))
    tidy = _collapse(_drop_repeats(_drop_echoes(tidy)))
    return tidy or text.strip()


def _collapse(text: str) -> str:
    text = re.sub(r"[^\S\n]+", " ", text)
    text = re.sub(r" ?\n ?", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _drop_echoes(text: str) -> str:
    """Remove the first copy of a phrase (3+ words) repeated back-to-back without a sentence end."""
    while True:
        words = list(re.finditer(r"\S+", text))
        keys = [w.group().lower().rstrip(".,;:!?") for w in words]
        echo = next(((i, size) for i in range(len(words)) for size in range((len(words) - i) // 2, 2, -1)
                     if keys[i + size] == keys[i] and keys[i:i + size] == keys[i + size:i + 2 * size]
                     and all(re.search(r"\w", w.group()) and w.group()[-1] not in ".!?" for w in words[i:i + size])),
                    None)
        if echo is None:
            return text
        i, size = echo
        text = text[: words[i].start()] + text[words[i + size].start():]


def _drop_repeats(text: str) -> str:
    parts = _TIDY_BREAK.split(text)
    seen: set[str] = set()
    out: list[list[str]] = []
    for sentence, brk in zip(parts[0::2], [*parts[1::2], ""]):
        key = " ".join(sentence.lower().split()).rstrip(".!?;:, ")
        if key and key in seen:
            if out and "\n" in brk and "\n" not in out[-1][1]:
                out[-1][1] = brk
            continue
        seen.add(key)
        out.append([sentence, brk])
    return "".join(s + b for s, b in out)


def _candidates(text: str, names: Iterable[str]) -> Iterator[Fact]:
    for m in _ID.finditer(text):
        if m.group(1) not in _NOT_ID:
            yield _fact("id", m, m.group())
    for m in _PMID.finditer(text):
        yield _fact("id", m, f"PMID {m.group(1)}")
    for m in _TICKET.finditer(text):
        yield _fact("id", m, f"#{m.group(1)}")
    for m in _CARD.finditer(text):
        yield _fact("card_ending", m, m.group(1))
    for pattern in _DATES:
        for m in pattern.finditer(text):
            value = _iso(m.group("y"), m.group("m"), m.groupdict().get("d"))
            if value:
                yield _fact("date", m, value)
    for m in _AMOUNT.finditer(text):
        raw = m.group("sym") or m.group("pre") or m.group("post")
        number = Decimal((m.group("a") or m.group("b") or m.group("c")).replace(",", ""))
        money = f"{number:.2f}" if number.as_tuple().exponent >= -2 else format(number, "f")
        yield _fact("amount", m, f"{money} {_CURRENCY.get(raw.lower().rstrip('s'), raw.upper())}")
    for m in _PERCENT.finditer(text):
        yield _fact("percentage", m, format(Decimal(m.group(1).replace(",", "")).normalize(), "f") + "%")
    for name in names:
        if name.strip():
            for m in _name_pattern(name).finditer(text):
                yield _fact("name", m, " ".join(name.lower().split()))


def _fact(kind: str, match: re.Match[str], value: str) -> Fact:
    return Fact(kind, match.group(), match.start(), match.end(), value)


def _iso(year: str, month: str, day: str | None) -> str | None:
    number = int(month) if month.isdigit() else _MONTHS.index(month[:3].lower()) + 1
    if not 1000 <= int(year) <= 2999:
        return None
    try:
        when = date(int(year), number, int(day) if day else 1)
    except ValueError:
        return None
    return when.isoformat() if day else when.isoformat()[:7]


def _name_pattern(name: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, name.split())) + r"(?!\w)", re.I)


@dataclass(frozen=True)
class _Evidence:
    text: str
    upper: str
    flat: str
    dates: frozenset[str]
    amounts: tuple[tuple[Decimal, str | None], ...]
    percentages: frozenset[Decimal]

    @classmethod
    def of(cls, evidence: Sequence[str]) -> _Evidence:
        text = "\n".join(evidence)
        facts = extract_facts(text)
        dates = {f.value for f in facts if f.kind == "date"}
        amounts: list[tuple[Decimal, str | None]] = [
            (Decimal(f.value.split()[0]), f.value.split()[1]) for f in facts if f.kind == "amount"]
        masked = list(text)
        for f in facts:
            masked[f.start:f.end] = " " * (f.end - f.start)
        amounts += [(Decimal(m.group().replace(",", "")), None) for m in _NUMBER.finditer("".join(masked))]
        percentages = frozenset(Decimal(f.value[:-1]) for f in facts if f.kind == "percentage")
        return cls(text, text.upper(), " ".join(text.lower().split()), frozenset(dates | {d[:7] for d in dates}),
                   tuple(amounts), percentages)

    def supports(self, fact: Fact) -> bool:
        exact = re.escape(" ".join(fact.text.lower().split()))
        if re.search(rf"(?<!\w){exact}(?!\w|[-.,/]\d)", self.flat):
            return True
        if fact.kind == "id":
            return bool(_id_pattern(fact.value).search(self.upper))
        if fact.kind == "card_ending":
            return bool(re.search(rf"(?<!\d){fact.value}(?!\d)", self.text))
        if fact.kind == "date":
            return fact.value in self.dates
        if fact.kind == "amount":
            number, currency = fact.value.split()
            return any(n == Decimal(number) and c in (None, currency) for n, c in self.amounts)
        if fact.kind == "percentage":
            return Decimal(fact.value[:-1]) in self.percentages
        return bool(_name_pattern(fact.value).search(self.text))


def _id_pattern(value: str) -> re.Pattern[str]:
    if value.startswith("#"):
        number = value[1:]
        return re.compile(rf"#{number}(?!\d)|\b(?:TICKET|ESCALATION|CASE|REFERENCE|REF|ID)[^\d\n]{{0,15}}\b{number}(?!\d)")
    if value.startswith("PMID "):
        return re.compile(rf"PMID\W{{0,4}}{value[5:]}(?!\d)")
    letters = value.upper().rstrip("-0123456789")
    rest = value[len(letters):].lstrip("-")
    return re.compile(rf"(?<![A-Z0-9]){letters}-?{re.escape(rest)}(?![0-9])")
