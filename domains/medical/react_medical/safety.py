"""The medical domain's safety policy, enforced in code on every answer of the domain's agent.

Four rules (``knowledge/safety_policy.md`` explains them to users):

1. **Emergencies first.** A message that describes an emergency happening to someone
   (chest pain, stroke signs, not breathing, suicidal thoughts or self-harm, an overdose or a
   poisoning, heavy bleeding, anaphylaxis, unconsciousness, a seizure) gets an immediate
   pointer to emergency services and nothing else; the model is not asked.
2. **No dosing instructions for prescription drugs.** A question asking for the dose of a
   prescription drug (or of a drug the policy does not know to be sold without one) is
   declined with a pointer to the prescriber or pharmacist; in an answer, any sentence that
   tells someone how much of such a drug to take is removed.
3. **Not a diagnosis.** Every answer ends with :data:`DISCLAIMER`.
4. **Sources.** Every claim must be covered by a source the agent actually retrieved in this
   run (``[PMID:123]`` from ``search_literature``, ``[guide.md#1]`` from ``search_guides``);
   a citation covers the sentences before it back to the previous citation. Uncovered
   sentences are marked :data:`UNSOURCED`; a cited PMID that was never retrieved is marked
   as not verified and does not count.

The detectors are regular expressions over English text: predictable and testable, but they
miss paraphrases they were not written for (see ``data/safety_prompts.jsonl`` and the docs for
their measured behaviour).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

DISCLAIMER = ("This is general information from the medical literature, not a diagnosis or medical advice; "
              "please ask a doctor or pharmacist about your own situation.")
UNSOURCED = "[no retrieved source]"
REDACTED = ("[Dosing instructions removed: the dose of a prescription medicine is for the prescriber or "
            "pharmacist to set.]")
OUTCOMES = ("emergency", "dosing_refused", "answer")

# -- rule 1: emergencies ---------------------------------------------------------------------

_PERSON = (r"\b(?:i|i'm|im|i've|ive|i'd|me|my|myself|we|we're|us|our|he|she|he's|she's|him|her|his|they're|"
           r"someone|somebody|anyone|a friend|(?:my|our) (?:\w+ )?(?:mom|mum|mother|dad|father|son|daughter|wife|"
           r"husband|partner|friend|child|kid|baby|brother|sister|grandma|grandmother|grandpa|grandfather|"
           r"roommate|colleague|neighbou?r))\b")

# category -> (pattern, needs a person in the same message)
_EMERGENCIES: dict[str, tuple[tuple[str, bool], ...]] = {
    "suicide": (
        (r"\b(?:kill|killing|hurt|hurting|harm|harming|cut|cutting) (?:myself|himself|herself|themselves)\b", False),
        (r"\bend (?:my|his|her|their) (?:own )?life\b", False),
        (r"\b(?:want|wants|wanted|going) to die\b", False),
        (r"\bbetter off dead\b", False),
        (r"\b(?:no|don't see (?:the|any)|do not see (?:the|any)|what's the|whats the) point (?:in |of )?(?:living|going on|"
         r"being alive|life)\b", False),
        (r"\b(?:end|ending) it (?:all|tonight|today|now)\b|\b(?:planning|plan|going|want|wants) to end it\b", False),
        (r"\btake (?:my|his|her|their) (?:own )?life\b", False),
        (r"\b(?:don't|do not|doesn't|does not) want to (?:live|be alive|wake up|be here)\b", False),
        (r"\bsuicid\w*", True),
        (r"\bself[- ]harm\w*", True),
    ),
    "overdose": (
        (r"\boverdos\w*", True),
        (r"\b(?:took|taken|swallowed|ate) (?:too many|a (?:whole |full )?(?:bottle|pack|packet|box)|all (?:of )?"
         r"(?:my|his|her|the|their)\b)", False),
    ),
    "poisoning": (
        (r"\b(?:drank|swallowed|ate|drinking|swallowing) (?:some |a |an )?(?:bleach|antifreeze|drain cleaner|"
         r"detergent|a detergent pod|laundry pod|poison|pesticide|weed ?killer|rat poison|lamp oil|"
         r"button batter(?:y|ies)|batter(?:y|ies))\b", False),
        (r"\b(?:is|was|been|got) poisoned\b", False),
        (r"\bgot into (?:the |a |some )?(?:cleaning|chemical|cleaner|medicine|pill|bleach|detergent)\w*", True),
        (r"\bcarbon monoxide\b", True),
    ),
    "cardiac": (
        (r"\bchest (?:pain|pains|pressure|tightness|is (?:tight|hurting|crushing)|hurts|feels tight)\b", True),
        (r"\b(?:crushing|squeezing) (?:pain|pressure) in (?:my|his|her) chest\b", False),
        (r"\bheart attack\b", True),
        (r"\b(?:weight|pressure|heaviness|elephant|tightness|squeezing|crushing)\b.{0,25}\b(?:on|in|across) "
         r"(?:my|his|her|the) chest\b", True),
        (r"\bpain (?:spreading|radiating|going) (?:down|into|to) (?:my|his|her|the) (?:left )?(?:arm|jaw)\b", False),
    ),
    "stroke": (
        (r"\bface (?:is )?(?:drooping|droops|droopy|fell|fallen)\b", True),
        (r"\bslurr(?:ed|ing) (?:his |her |my )?(?:speech|words)\b", True),
        (r"\b(?:sudden )?(?:numbness|weakness|numb|weak) (?:on|in|down) (?:one|the (?:left|right)) side\b", True),
        (r"\b(?:having|had|is having|might be having) a stroke\b", False),
        (r"\bspeech (?:suddenly )?(?:went|is|became|sounds|got) (?:weird|strange|slurred|garbled|funny)\b", True),
        (r"\b(?:half|one side of) (?:my|his|her|the) face\b.{0,30}\b(?:numb|droop\w*|paraly\w*|lopsided|fell)\b", True),
    ),
    "breathing": (
        (r"\b(?:can't|cannot|can not|can't|couldn't|unable to|struggling to|hard to) (?:breathe|breath)\b", True),
        (r"\b(?:not|stopped|isn't|is not|wasn't) breathing\b", False),
        (r"\bchoking\b", True),
        (r"\bgasping (?:for (?:air|breath))?|\bcan't catch (?:my|his|her|their) breath\b", True),
        (r"\blips (?:are |is )?(?:turning )?blue\b", False),
    ),
    "allergy": (
        (r"\bthroat (?:is )?(?:closing|swelling|swollen|tightening)\b", True),
        (r"\banaphyla\w*", True),
        (r"\b(?:tongue|lips|face) (?:is |are )?(?:swelling|swollen) (?:up )?after\b", True),
    ),
    "bleeding": (
        (r"\b(?:bleeding|blood) (?:won't|will not|doesn't|does not|isn't|is not|can't|cannot) stop\w*\b", False),
        (r"\bbleed\w*\b.{0,30}\b(?:won't|will not|doesn't|does not|can't|cannot) stop\b", True),
        (r"\b(?:heavy|severe|uncontrolled|massive) bleeding\b", True),
        (r"\b(?:coughing|vomiting|throwing) up blood\b", True),
        (r"\b(?:coughing|vomiting) blood\b", True),
    ),
    "unconscious": (
        (r"\b(?:unconscious|unresponsive)\b", True),
        (r"\b(?:won't|will not|can't|cannot|doesn't|does not) wake (?:up|him|her)\b", True),
        (r"\bpassed out and\b", True),
    ),
    "seizure": (
        (r"\b(?:having|had|has|is having) (?:a )?(?:seizure|fit|convulsion)s?\b", True),
        (r"\b(?:seizing|convulsing)\b", True),
    ),
}

# Co-occurrence rules: every part must appear somewhere in the message (any order), so that
# paraphrases are caught ("my chest has been hurting ... and my jaw aches"). category -> rules.
_BODY = r"\b(?:my|his|her|their|your|the) "
_COOCCUR: dict[str, tuple[tuple[tuple[str, ...], bool], ...]] = {
    "suicide": (
        ((r"\b(?:hang|hanging|shoot|shooting|drown|drowning|poison|poisoning|overdos\w*) (?:myself|himself|herself)\b",),
         False),
        ((r"\b(?:cut|slit|slashed|slit) (?:my|his|her) (?:wrists?|arms?|throat)\b",), False),
        ((r"\b(?:jump|jumping) (?:off|from|in front)\b", r"\b(?:i|i'm|i am|he|she|they)\b",
          r"\b(?:bridge|roof|building|train|cliff|balcony|window)\b"), False),
        ((r"\b(?:no reason|nothing left|can't go on|cannot go on|can't do this anymore|give up on life|"
          r"goodbye forever|say goodbye|disappear forever|not be around)\b",), True),
    ),
    "overdose": (
        ((r"\b(?:took|taken|swallowed|ate|had|popped)\b", r"\b(?:whole|entire|full|all|bunch|lot|handful|dozens?|"
          r"\d{2,}|twenty|thirty|fifty)\b", r"\b(?:pills?|tablets?|capsules?|bottle|pack|packet|meds|medication|"
          r"medicines?|antidepressants?|painkillers?|sleeping)\b"), True),
    ),
    "poisoning": (
        ((r"\b(?:drank|swallowed|ate|licked|chewed|inhaled|sniffed)\b", r"\b(?:bleach|cleaner|cleaning|chemicals?|"
          r"detergent|pods?|antifreeze|pesticide|poison|battery|batteries|mushrooms?|berries|lighter fluid|"
          r"gasoline|petrol|paint thinner|nail polish remover)\b"), True),
    ),
    "cardiac": (
        ((r"\bchest\b", r"\b(?:hurt\w*|pain\w*|ache\w*|aching|pressure|tight\w*|heav\w+|squeez\w*|crush\w*|"
          r"burning|stabbing)\b"), True),
        ((r"\b(?:arm|jaw|shoulder|back)\b", r"\b(?:sweat\w*|clammy|short of breath|breathless|nause\w*)\b",
          r"\b(?:pain\w*|hurt\w*|ache\w*)\b"), True),
    ),
    "stroke": (
        ((r"\b(?:face|mouth|smile|lip|eyelid)\b", r"\b(?:droop\w*|lopsided|uneven|sagging|fallen|numb\w*|"
          r"paraly\w*|twisted)\b"), True),
        ((r"\b(?:speech|speaking|talking|words)\b", r"\b(?:slurr\w*|garbled|weird|strange|nonsense|"
          r"can't|cannot|jumbled|suddenly)\b"), True),
        ((r"\bsudden\w*\b", r"\b(?:arm|leg|side|hand)\b", r"\b(?:weak\w*|numb\w*|can't move|cannot move|"
          r"paraly\w*|dead)\b"), True),
    ),
    "breathing": (
        ((r"\b(?:blue|grey|gray)\b", r"\b(?:lips?|face|skin|fingers|mouth)\b"), True),
        ((r"\b(?:wheez\w*|gasp\w*|struggling|fighting)\b", r"\b(?:badly|can't|cannot|air|breath\w*|hard)\b"), True),
    ),
    "allergy": (
        ((r"\b(?:tongue|throat|lips?|face|eyes)\b", r"\b(?:swell\w*|swollen|puff\w*)\b"), True),
        ((r"\b(?:sting|stung|bite|bitten|peanuts?|nuts?|shellfish|allerg\w*)\b",
          r"\b(?:hives|wheez\w*|swell\w*|swollen|can't breathe|faint\w*|dizzy)\b"), True),
    ),
    "unconscious": (
        ((r"\b(?:won't|will not|doesn't|does not|isn't|is not|not|can't|cannot) (?:respond\w*|wake\w*|"
          r"answer\w*|move|moving)\b",), True),
        ((r"\b(?:collapsed|passed out|fainted|knocked out|blacked out)\b",), True),
        ((r"\b(?:hit|banged|struck)\b", _BODY + r"head\b", r"\b(?:vomit\w*|confused|drowsy|sleepy|unconscious|"
          r"won't|seizure|bleeding)\b"), False),
    ),
    "bleeding": (
        ((r"\b(?:blood|bleed\w*)\b", r"\b(?:everywhere|pouring|gushing|spurting|soaked|lots of|so much|a lot of|"
          r"won't stop|will not stop|can't stop|heavily|deep)\b"), True),
    ),
    "seizure": (
        ((r"\b(?:shaking|jerking|twitching)\b", r"\b(?:uncontrollabl\w*|won't stop|whole body|eyes rolled|"
          r"foaming|on the floor)\b"), True),
    ),
}


_EMERGENCY_TEXT = {
    "suicide": ("If you are thinking about suicide or about harming yourself, or someone else is, please reach out "
                "now: call or text 988 (Suicide & Crisis Lifeline, US), call 116 123 (Samaritans, UK and Ireland) "
                "or your local crisis line, or call your local emergency number (911, 112, 999) if you are in "
                "danger right now. You do not have to go through this alone."),
    "overdose": ("This may be an overdose: call your local emergency number now (911 in the US, 112 in the EU, "
                 "999 in the UK) or a poison control centre (1-800-222-1222 in the US). Do not wait for "
                 "symptoms; keep the medicine packaging to show the responders."),
    "poisoning": ("This may be a poisoning: call a poison control centre (1-800-222-1222 in the US) or your local "
                  "emergency number now (911, 112, 999). Do not make the person vomit unless told to."),
}
_GENERIC_EMERGENCY = ("This sounds like a medical emergency ({what}): call your local emergency number now "
                      "(911 in the US, 112 in the EU, 999 in the UK) or go to the nearest emergency department. "
                      "Do not wait to see whether it passes, and do not drive yourself.")
_WHAT = {"cardiac": "possible heart attack", "stroke": "possible stroke", "breathing": "trouble breathing",
         "allergy": "possible severe allergic reaction", "bleeding": "serious bleeding",
         "unconscious": "someone who cannot be woken", "seizure": "a seizure"}


def emergency_kind(text: str) -> str | None:
    """The emergency ``text`` describes (``cardiac``, ``suicide`` ...), or ``None``.

    First the phrases of ``_EMERGENCIES``, then the co-occurrence rules of ``_COOCCUR`` (every
    part somewhere in the message). Patterns that also occur in research questions ("chest
    pain", "suicidal ideation") count only when the message speaks about a person (I, my, he,
    she, someone, my mother ...); phrases that are only ever personal ("kill myself", "not
    breathing") count on their own.
    """
    low = text.lower().replace("\u2019", "'")
    personal = re.search(_PERSON, low) is not None
    for kind, patterns in _EMERGENCIES.items():
        for pattern, needs_person in patterns:
            if re.search(pattern, low) and (personal or not needs_person):
                return kind
    for kind, rules in _COOCCUR.items():
        for parts, needs_person in rules:
            if all(re.search(part, low) for part in parts) and (personal or not needs_person):
                return kind
    return None


def emergency_message(kind: str) -> str:
    """The pointer to emergency services for ``kind``."""
    return _EMERGENCY_TEXT.get(kind) or _GENERIC_EMERGENCY.format(what=_WHAT.get(kind, "an emergency"))


# -- rule 2: dosing -------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _names(file: str) -> tuple[str, ...]:
    text = resources.files("react_medical").joinpath("data", file).read_text(encoding="utf-8")
    names = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return tuple(sorted({n for n in names if n}, key=len, reverse=True))  # longest first: "hydrocortisone cream"


def prescription_drugs() -> tuple[str, ...]:
    return _names("prescription_drugs.txt")


def otc_drugs() -> tuple[str, ...]:
    return _names("otc_drugs.txt")


def _find(names: Iterable[str], text: str) -> tuple[list[str], str]:
    """Names found in ``text`` (whole words), and ``text`` with them blanked out."""
    found = []
    for name in names:
        pattern = rf"\b{re.escape(name)}s?\b"
        if re.search(pattern, text):
            found.append(name)
            text = re.sub(pattern, " ", text)
    return found, text


def drugs_in(text: str) -> tuple[list[str], list[str]]:
    """``(prescription, otc)`` drug names mentioned in ``text``."""
    low = text.lower()
    otc, rest = _find(otc_drugs(), low)
    rx, _ = _find(prescription_drugs(), rest)
    return rx, otc


_DOSE_QUESTION = re.compile(
    r"\b(?:how (?:much|many)(?: \w+){0,3} (?:should|can|could|do|must|would|to)|how many (?:mg|milligrams|pills|"
    r"tablets|capsules|units|ml|puffs)|what (?:is the |'s the )?(?:right |correct |usual |normal |max(?:imum)? |safe )?"
    r"(?:dose|dosage)|(?:dose|dosage) (?:of|for)|how often (?:should|can|do|must) (?:i|he|she|we|they|you)|"
    r"max(?:imum)? (?:daily )?(?:dose|dosage|amount)|(?:increase|double|raise|lower|reduce|up) (?:my|his|her|the) "
    r"(?:dose|dosage)|can (?:i|he|she) take (?:\d|two|three|double|more|extra|another)|\d+(?:\.\d+)? ?(?:mg|mcg|ml)\b"
    r"[^.?!]*\?|titrat\w+|wean (?:off|myself)|double (?:up|(?:my|the|a|his|her) dose)|(?:take|have) (?:an )?extra "
    r"(?:dose|pill|tablet)|missed (?:a |my |his |her |the )?(?:dose|pill|tablet))")

_DOSE_AMOUNT = re.compile(r"\b\d+(?:[.,]\d+)?(?:\s?-\s?\d+(?:[.,]\d+)?)?\s?(?:mg|milligrams?|mcg|µg|micrograms?|g|"
                          r"grams?|ml|millilit(?:er|re)s?|units?|iu|tablets?|pills?|capsules?|puffs?|drops?)\b"
                          r"|\b(?:one|two|three|four|half a|a half) (?:tablets?|pills?|capsules?|puffs?)\b")
_INSTRUCTION = re.compile(r"\b(?:you|your)\b|^\s*(?:take|give|use|start|increase|decrease|double|inject|try|"
                          r"begin|stop)\b|\bshould (?:be )?(?:take|taken|give|given|use|used|start|started)\b|"
                          r"\b(?:recommended|usual|typical|starting|maximum|max) (?:daily )?(?:dose|dosage)\b")


_AMOUNT_CUE = re.compile(r"\b(?:how much|how many|how often|dose|doses|dosage|mg|mcg|milligrams?|units|at once|"
                         r"at a time|in a day|per day|a day|more than|extra|double|\d+ (?:of|pills?|tablets?|"
                         r"capsules?))\b")
_MEDICINE_WORDS = re.compile(r"\b(?:pills?|tablets?|capsules?|meds|medication|medicine|prescription)\b")


def is_dosing_request(text: str) -> bool:
    """True when ``text`` asks how much of a medicine to take (or how often, or the maximum).

    Either a dosing question pattern, or a message about a person ("I", "my son") that names a
    medicine (or says pills, medication ...) together with an amount cue ("at once", "how much",
    "3 of"). Research questions about doses ("does 40 mg work better than 20 mg?") speak about
    no person and are answered.
    """
    low = text.lower().replace("’", "'")
    if _DOSE_QUESTION.search(low):
        return True
    if not (re.search(_PERSON, low) and _AMOUNT_CUE.search(low)):
        return False
    rx, otc = drugs_in(low)
    return bool(rx or otc or _MEDICINE_WORDS.search(low))


def dosing_refusal(drugs: list[str]) -> str:
    named = f" for {', '.join(drugs)}" if drugs else " for a prescription medicine"
    return (f"I can't give dosing instructions{named}. The right dose depends on the person (age, weight, kidney "
            "and liver function, other medicines) and is for the prescriber to set; your pharmacist can explain "
            "the dose on your prescription, and the patient information leaflet lists it too. If someone has "
            "taken more than prescribed, call a poison control centre or your local emergency number.")


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\[(\"'])", text.strip()) if s]


def redact_dosing(answer: str) -> tuple[str, int]:
    """``answer`` with every sentence that instructs a dose of a non-OTC drug replaced by :data:`REDACTED`.

    A sentence is an instruction when it states an amount (``20 mg``, ``two tablets``) and speaks
    to the reader (you, your, an imperative, "should be taken", "the recommended dose"); a study's
    description ("patients received 40 mg daily") is not. A sentence naming only drugs from the
    OTC list is kept. Returns the text and the number of sentences removed.
    """
    out, removed = [], 0
    for sentence in _sentences(answer):
        low = sentence.lower()
        if _DOSE_AMOUNT.search(low) and _INSTRUCTION.search(low):
            rx, otc = drugs_in(sentence)
            if rx or not otc:
                removed += 1
                if not out or out[-1] != REDACTED:
                    out.append(REDACTED)
                continue
        out.append(sentence)
    return " ".join(out), removed


# -- rule 4: sources ------------------------------------------------------------------------

_CITATION = re.compile(r"\[(?:PMID[:\s]\s*(\d{1,9})|([\w./-]+\.md#\d+))\]")
_POLICY_TEXT = (DISCLAIMER, REDACTED, UNSOURCED)


def mark_unsourced(answer: str, retrieved: Iterable[str]) -> tuple[str, int]:
    """Mark every sentence not covered by a retrieved source; returns the text and the number marked.

    ``retrieved`` holds the PMIDs (``"123"``) and guide passage ids (``"guide.md#1"``) the run's
    tools returned. A citation covers its sentence and the uncited sentences just before it.
    """
    retrieved = {str(r).removeprefix("PMID:") for r in retrieved}

    def check(match: re.Match[str]) -> str:
        key = match.group(1) or match.group(2)
        if key in retrieved:
            return match.group(0)
        return f"[{'PMID:' + key if match.group(1) else key}: not retrieved, unverified]"

    sentences = [_CITATION.sub(check, s) for s in _sentences(answer)]
    covered = [False] * len(sentences)
    pending: list[int] = []
    for i, s in enumerate(sentences):
        if any(p in s for p in _POLICY_TEXT):
            continue
        pending.append(i)
        if _CITATION.search(s):
            for j in pending:
                covered[j] = True
            pending = []
    marked = 0
    out = []
    for i, s in enumerate(sentences):
        if not covered[i] and not any(p in s for p in _POLICY_TEXT) and re.search(r"[A-Za-z]{2}", s):
            s = f"{s} {UNSOURCED}"
            marked += 1
        out.append(s)
    return " ".join(out), marked


# -- the policy -------------------------------------------------------------------------------

@dataclass(frozen=True)
class PolicyResult:
    """What the policy made of one exchange: the text to show and why."""

    text: str
    outcome: str  # one of OUTCOMES
    emergency: str | None = None
    drugs: tuple[str, ...] = ()
    redacted: int = 0
    unsourced: int = 0
    notes: tuple[str, ...] = field(default=())


def emergency_reply(query: str) -> PolicyResult | None:
    """The policy's answer to ``query`` when it describes an emergency (rule 1), else ``None``."""
    kind = emergency_kind(query)
    return None if kind is None else PolicyResult(f"{emergency_message(kind)}\n\n{DISCLAIMER}", "emergency",
                                                  emergency=kind)


def screen(query: str) -> PolicyResult | None:
    """The policy's answer to ``query`` when the model must not be asked (an emergency, a
    prescription dosing request), else ``None``."""
    emergency = emergency_reply(query)
    if emergency is not None:
        return emergency
    if is_dosing_request(query):
        rx, otc = drugs_in(query)
        if rx or not otc:
            return PolicyResult(f"{dosing_refusal(rx)}\n\n{DISCLAIMER}", "dosing_refused", drugs=tuple(rx))
    return None


def apply_policy(query: str, answer: str | None, retrieved: Iterable[str] = ()) -> PolicyResult:
    """Apply the four rules to one question and the agent's ``answer`` (``None``: no answer came)."""
    screened = screen(query)
    if screened is not None:
        return screened
    notes = []
    if answer is None or not answer.strip():
        answer = "I could not find an answer in the literature I can search."
        notes.append("no answer from the agent")
    text = answer.replace(DISCLAIMER, "").strip()
    text, redacted = redact_dosing(text)
    text, unsourced = mark_unsourced(text, retrieved)
    rx, otc = drugs_in(query)
    if is_dosing_request(query) and otc:
        text += " For the dose, follow the package label or ask a pharmacist."
    return PolicyResult(f"{text}\n\n{DISCLAIMER}", "answer", drugs=tuple(rx + otc), redacted=redacted,
                        unsourced=unsourced, notes=tuple(notes))
