"""The out-of-scope guard: a question the intent classifier puts outside banking gets the bank's
polite refusal before the model is asked, so the agent never makes an intent up for it.

The screen is the classifier's best label (``out_of_scope`` against the 77 intents). On the
validation split it refused 30 of 31 out-of-scope queries and none of 1,003 banking ones;
docs/domains/customer_service.md has the test figures. Two kinds of message Banking77 has no
intent for still go to the model: a request for a person (the agent hands over with
``escalate_to_human``) and a message that gives an account id (``C1002``, ``CARD-2001``,
``TR-3002``: the account tools act on it). Without a classifier (no Banking77 in the data
directory) the screen lets every question through and the model decides, as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from react_core import Guard, Step

from react_customer_service.actions import action_note
from react_customer_service.candidates import ClassifierUnavailable, LazyClassifier
from react_customer_service.intents import OUT_OF_SCOPE

REFUSAL = ("Sorry, I can only help with your Harbor Bank account, cards, payments and transfers, "
           "so I cannot answer that. Is there anything about your account I can do for you?")
REFUSAL_ANSWER = f"Intent: {OUT_OF_SCOPE}. {REFUSAL} Action taken: none."
_PEOPLE = "person|human|agent|someone|somebody|representative|manager|operator|staff"
# what the model, not the guard, answers: a hand-over request, or an id the account tools take
FOR_THE_AGENT = re.compile(rf"\b(?:{_PEOPLE}|complain\w*|C\d{{4}}|CARD-\d{{4}}|TR-\d{{4}})\b", re.IGNORECASE)
# a request to hand over, written from the builder's HUMAN_REQUESTS; it matched 2 of the 10,003
# Banking77 train and validation queries ("do I have to talk to someone to close an account")
HAND_OVER_REQUEST = re.compile(
    rf"\b(?:talk|speak|chat)\b[^.?!]{{0,40}}\b(?:{_PEOPLE}|people)\b"
    rf"|\b(?:transfer|connect|put|get) me\b[^.?!]{{0,30}}\b(?:{_PEOPLE}|people|through)\b"
    r"|\breal (?:person|human)\b|\bhuman being\b|\bcomplain\w*\b", re.IGNORECASE)
HANDED_OVER = "The customer asks for a person, so no intent fits. "
HAND_OVER_ANSWER = ("Intent: escalate_to_human. I have passed you to a member of our support team, who will join "
                    "this chat within 5 minutes. Action taken: {action}.")


def hand_over_step(steps: Sequence[Step]) -> Step | None:
    """The step in which ``classify_intent`` handed the run over (``tools.intent_tool``), if any."""
    return next((step for step in steps if step.action == "classify_intent"
                 and (step.observation or "").startswith(HANDED_OVER)), None)


def hand_over_answer(steps: Sequence[Step]) -> str | None:
    """The hand-over answer when ``classify_intent`` handed the run over; None otherwise."""
    step = hand_over_step(steps)
    if step is None:
        return None
    done = action_note(step.action, step.action_input, step.observation) or "handed over to a person"
    return HAND_OVER_ANSWER.format(action=done)


def hand_over_review(question: str, answer: str, steps: Sequence[Step]) -> str:
    """The hand-over answer when ``classify_intent`` handed the run over; the draft otherwise.
    The model does not reliably write it itself (docs/domains/customer_service.md)."""
    return hand_over_answer(steps) or answer


def hand_over_rescue(question: str, steps: Sequence[Step]) -> str | None:
    """The hand-over answer for a run that handed over and then ended without an answer
    (the model repeated itself or wrote no parseable step); None otherwise."""
    return hand_over_answer(steps)


HAND_OVER_GUARD = Guard("hand_over", review=hand_over_review, rescue=hand_over_rescue)


def out_of_scope_guard(classifier: LazyClassifier) -> Guard:
    """A ``Guard`` named ``out_of_scope`` that answers ``REFUSAL_ANSWER`` when ``classifier``'s best label
    for the question is ``out_of_scope`` (and it neither asks for a person nor gives an account
    id), and lets the question through otherwise."""

    def screen(question: str) -> str | None:
        if FOR_THE_AGENT.search(question):
            return None
        try:
            clf = classifier.get()
        except ClassifierUnavailable:  # logged once by the classifier; the model decides
            return None
        return REFUSAL_ANSWER if clf.predict([question])[0] == OUT_OF_SCOPE else None

    return Guard(OUT_OF_SCOPE, screen=screen)
