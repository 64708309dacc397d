"""Training data: direct intent pairs from Banking77 plus ReAct trajectories that use the tools.

``build_training_data(data_dir)`` yields records in the core's formats:

- ``{"prompt": "Customer: ...\\nIntent:", "completion": " card_arrival"}`` for every Banking77
  training row (validation rows held out) and for the out-of-scope queries written for this
  project (label ``out_of_scope``, repeated ``oos_repeat`` times so the rare label is learnt);
- ``{"messages": [...]}`` ReAct trajectories: the agent names the intent, calls ``search_faq``,
  calls an account tool where the question gives an id, and answers citing the passage and
  stating the action taken. Observations are produced by the real tools: FAQ passages from
  the knowledge files (chunked as the index chunks them), account records from a freshly
  seeded demo database.
"""

from __future__ import annotations

import random
import re
import tempfile
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from react_customer_service.actions import action_note
from react_customer_service.db import Bank
from react_customer_service.intents import OUT_OF_SCOPE, intent_prompt, oos_queries, read_split
from react_customer_service.scope import REFUSAL_ANSWER
from react_customer_service.tools import (
    card_status_text,
    create_ticket_text,
    escalate_text,
    freeze_card_text,
    intent_text,
    transfer_status_text,
)

CARD_INTENTS = {"card_arrival", "card_delivery_estimate", "activate_my_card", "card_not_working", "card_linking",
                "card_about_to_expire", "pin_blocked", "contactless_not_working", "virtual_card_not_working",
                "declined_card_payment", "card_swallowed"}
FREEZE_INTENTS = {"lost_or_stolen_card", "compromised_card", "lost_or_stolen_phone"}
TRANSFER_INTENTS = {"pending_transfer", "transfer_not_received_by_recipient", "cancel_transfer", "failed_transfer",
                    "declined_transfer", "transfer_timing", "transfer_fee_charged"}
TICKET_INTENTS = {"card_payment_not_recognised", "cash_withdrawal_not_recognised", "transaction_charged_twice",
                  "direct_debit_payment_not_recognised", "wrong_amount_of_cash_received", "Refund_not_showing_up",
                  "unable_to_verify_identity", "extra_charge_on_statement"}
CUSTOMERS = ["C1001", "C1002", "C1003", "C1004", "C1005"]
FREEZABLE = ["CARD-2001", "CARD-2002", "CARD-2003", "CARD-2005", "CARD-2007", "CARD-2008"]
TRANSFERS = ["TR-3001", "TR-3002", "TR-3003", "TR-3004", "TR-3005", "TR-3006", "TR-3007"]
# which account tool a trajectory calls for an intent: the intents, the tool, the ids it draws
# from, the sentence that adds the id to the Banking77 query, and the share of trajectories
# whose question gives an id
ACCOUNT_IDS = (
    (CARD_INTENTS, "card_status", CUSTOMERS, "{query} My customer id is {id}.", 0.6),
    (FREEZE_INTENTS, "freeze_card", FREEZABLE, "{query} The card is {id}.", 0.7),
    (TRANSFER_INTENTS, "transfer_status", TRANSFERS, "{query} The transfer is {id}.", 0.6),
    (TICKET_INTENTS, "create_ticket", CUSTOMERS, "{query} I'm customer {id}.", 0.6),
)
HUMAN_REQUESTS = [
    "I want to speak to a real person, not a bot.",
    "Can I talk to a human agent please?",
    "This is useless, put me through to someone.",
    "I'd like to make a complaint to a manager.",
    "Get me a person on the phone right now.",
    "I need to speak with a support agent about my account.",
    "Please transfer me to a human.",
    "Is there a real person I can chat with?",
]


def knowledge_dir() -> Path:
    """The FAQ documents shipped with the package."""
    return Path(str(resources.files("react_customer_service").joinpath("knowledge")))


@lru_cache(maxsize=1)
def faq_chunks() -> tuple[Any, ...]:
    """The FAQ chunks exactly as the index holds them (same loader, same chunking)."""
    from react_core.retrieval import chunk_documents, load_documents

    return tuple(chunk_documents(load_documents([knowledge_dir()]), domain="customer_service"))


def chunk_for_intent(intent: str) -> Any:
    """The FAQ chunk written for ``intent`` (each section starts ``Intent: <label>.``)."""
    for chunk in faq_chunks():
        if f"Intent: {intent}." in chunk.text:
            return chunk
    raise KeyError(f"no FAQ passage for intent {intent!r}")


def _answer_from(chunk: Any, intent: str) -> str:
    text = " ".join(chunk.text.split())
    text = text.split(f"Intent: {intent}.", 1)[1].strip()
    sentences = re.split(r"(?<=[.!?])\s+", text)
    return " ".join(sentences[:2])


def _observation(hits: list[tuple[Any, float]], query: str) -> str:
    from react_core.retrieval import Hit, format_hits

    return "Observation: " + format_hits([Hit(c, s, "hybrid") for c, s in hits], query)


def _indent(text: str) -> str:
    """Observation lines after the first are indented, as the agent writes them."""
    first, *rest = text.split("\n")
    return "\n".join([first, *("  " + line for line in rest)])


def classify_messages(query: str, top: list[tuple[str, float]] | None) -> list[dict[str, str]]:
    """The trajectory's first step: the agent asks the intent classifier (``top``: its best matches)."""
    if top is None:
        return []
    return [{"role": "assistant", "content": "Thought: I will ask the intent classifier first.\n"
                                             f"Action: classify_intent[{' '.join(query.split())[:200]}]"},
            {"role": "user", "content": "Observation: " + intent_text(top)}]


def _name_and_search(query: str, intent: str) -> str:
    return (f"Thought: The customer's intent is {intent}. I will check the FAQ.\n"
            f"Action: search_faq[{' '.join(query.split())[:100]}]")


def first_step(query: str, intent: str, top: list[tuple[str, float]] | None = None) -> dict[str, Any]:
    """The agent's first step on ``query``: it names the intent and searches the FAQ (out of
    scope: the whole refusal). Trains intent naming in the agent's own format; with the
    classifier's best matches ``top`` it asks the classifier first."""
    if intent == OUT_OF_SCOPE:
        return refusal_trajectory(query, top)
    return {"messages": [{"role": "user", "content": query}, *classify_messages(query, top),
                         {"role": "assistant", "content": _name_and_search(query, intent)}],
            "meta": {"kind": "first_step", "intent": intent}}


def _account_action(tool: str, account_id: str, intent: str, query: str,
                    bank: Bank) -> tuple[tuple[str, str, str], str]:
    """The trajectory's account step (thought, action, observation from the real tool) and what
    its answer says was done."""
    if tool == "card_status":
        step = ("Thought: I will look at the customer's cards.", f"Action: card_status[{account_id}]",
                card_status_text(bank, account_id))
    elif tool == "freeze_card":
        step = ("Thought: The card should be frozen, but only after the customer confirms.",
                f'Action: freeze_card[{{"card_id": "{account_id}"}}]', freeze_card_text(bank, account_id))
    elif tool == "transfer_status":
        step = ("Thought: I will check that transfer.", f"Action: transfer_status[{account_id}]",
                transfer_status_text(bank, account_id))
    else:
        subject = intent.replace("_", " ").rstrip("?").lower()
        step = ("Thought: This needs an investigation, so I will open a ticket.",
                f'Action: create_ticket[{{"customer_id": "{account_id}", "subject": "{subject}"}}]',
                create_ticket_text(bank, account_id, subject, query))
    return step, action_note(tool, account_id, step[2]) or "none"


def trajectory(query: str, intent: str, rng: random.Random, bank: Bank,
               top: list[tuple[str, float]] | None = None) -> dict[str, Any]:
    """One ReAct trajectory for an in-scope query, with an account action when the query gives an id;
    it starts with ``classify_intent`` when the classifier's best matches ``top`` are given."""
    chunk = chunk_for_intent(intent)
    others = [c for c in faq_chunks() if c.id != chunk.id and "Intent:" in c.text]
    other = rng.choice(others)
    question, action_step, action_note = query, None, "none"
    for intents, tool, ids, template, share in ACCOUNT_IDS:
        if intent in intents:
            if rng.random() < share:
                account_id = rng.choice(ids)
                question = template.format(query=query, id=account_id)
                action_step, action_note = _account_action(tool, account_id, intent, query, bank)
            break
    messages = [
        {"role": "user", "content": question},
        *classify_messages(query, top),
        {"role": "assistant", "content": _name_and_search(query, intent)},
        {"role": "user", "content": _indent(_observation([(chunk, 0.0325), (other, 0.0161)], query))},
    ]
    if action_step is not None:
        thought, action, obs = action_step
        messages += [{"role": "assistant", "content": f"{thought}\n{action}"},
                     {"role": "user", "content": _indent("Observation: " + obs)}]
    answer = (f"Intent: {intent}. {_answer_from(chunk, intent)} (source: [{chunk.id}]) "
              f"Action taken: {action_note}.")
    messages.append({"role": "assistant", "content": f"Thought: I can answer now.\nFinal Answer: {answer}"})
    return {"messages": messages, "meta": {"kind": "trajectory", "intent": intent}}


def refusal_trajectory(query: str, top: list[tuple[str, float]] | None = None) -> dict[str, Any]:
    return {"messages": [
        {"role": "user", "content": query},
        *classify_messages(query, top),
        {"role": "assistant", "content": "Thought: This is not about banking, so no intent fits (out_of_scope). "
                                         f"I should not guess an intent.\nFinal Answer: {REFUSAL_ANSWER}"},
    ], "meta": {"kind": "trajectory", "intent": OUT_OF_SCOPE}}


def escalation_trajectory(query: str, bank: Bank, top: list[tuple[str, float]] | None = None) -> dict[str, Any]:
    """A request for a person: hand over with ``escalate_to_human``; with the classifier's best
    matches ``top`` it asks the classifier first and hands over whatever intent it names."""
    obs = escalate_text(bank, "customer asked for a person")
    return {"messages": [
        {"role": "user", "content": query},
        *classify_messages(query, top),
        {"role": "assistant", "content": "Thought: The customer asks for a person, so I will hand over.\n"
                                         "Action: escalate_to_human[customer asked for a person]"},
        {"role": "user", "content": "Observation: " + obs},
        {"role": "assistant", "content": "Thought: The hand-over is done.\nFinal Answer: Intent: escalate_to_human. "
                                         "I have passed you to a member of our support team, who will join this "
                                         f"chat within 5 minutes. Action taken: {obs.split(':')[1].strip()}."},
    ], "meta": {"kind": "trajectory", "intent": "escalate_to_human"}}


def confirmed_freeze_trajectory(card: str, bank: Bank) -> dict[str, Any]:
    obs = freeze_card_text(bank, card, confirm=True)
    return {"messages": [
        {"role": "user", "content": f"Yes, I confirm: please freeze {card}."},
        {"role": "assistant", "content": "Thought: The customer confirmed, so I will freeze the card.\n"
                                         f'Action: freeze_card[{{"card_id": "{card}", "confirm": true}}]'},
        {"role": "user", "content": "Observation: " + obs},
        {"role": "assistant", "content": f"Thought: The card is frozen.\nFinal Answer: Intent: lost_or_stolen_card. "
                                         f"{card} is now frozen; you can unfreeze it in the app under Cards. "
                                         f"Action taken: froze {card}."},
    ], "meta": {"kind": "trajectory", "intent": "lost_or_stolen_card"}}


def build_training_data(data_dir: Path, *, trajectories_per_intent: int = 1, oos_repeat: int = 3,
                        seed: int = 0, classify: bool = False, classifier: Any = None) -> Iterator[dict[str, Any]]:
    """Direct intent pairs and ReAct trajectories from Banking77's training rows (validation held out).

    With ``classify``, trajectories start with ``classify_intent``, whose observation is the
    real intent classifier's output (``classifier``, default: the cached one for ``data_dir``),
    and a query is used for a trajectory only when the classifier's best match is its label.
    Off by default: the shipped adapter was trained without it (see the domain's docs).
    """
    rows = read_split(Path(data_dir), "train")
    for text, intent in rows:
        yield {"prompt": intent_prompt(text), "completion": f" {intent}"}
    oos = oos_queries("train")
    for _ in range(oos_repeat):
        for text in oos:
            yield {"prompt": intent_prompt(text), "completion": f" {OUT_OF_SCOPE}"}
    if classify and classifier is None:
        from react_customer_service.candidates import load_classifier

        classifier = load_classifier(Path(data_dir))
    rng = random.Random(seed)
    by_intent: dict[str, list[str]] = {}
    for text, intent in rows:
        by_intent.setdefault(intent, []).append(text)
    tops: dict[str, list[tuple[str, float]]] = {}

    def agreeing(texts: list[str], label: str, n: int) -> list[str]:
        """``n`` of ``texts`` (seeded), when classifying: whose classifier top match is ``label``."""
        if not classify:
            return rng.sample(texts, n)
        new = [t for t in texts if t not in tops]
        if new:
            tops.update(zip(new, classifier.top_k(new, 3)))
        good = [t for t in texts if tops[t][0][0] == label]
        return rng.sample(good, min(n, len(good)))

    with tempfile.TemporaryDirectory() as tmp:
        bank = Bank(Path(tmp) / "bank.db")
        for intent in sorted(by_intent):
            extra = 1 if intent in CARD_INTENTS | FREEZE_INTENTS | TRANSFER_INTENTS | TICKET_INTENTS else 0
            for text in agreeing(by_intent[intent], intent, trajectories_per_intent + extra):
                yield trajectory(text, intent, rng, bank, tops.get(text))
        for text in (agreeing(oos[::4], OUT_OF_SCOPE, len(oos[::4])) if classify else oos[::4]):
            yield refusal_trajectory(text, tops.get(text))
        for text in HUMAN_REQUESTS:
            yield escalation_trajectory(text, bank)
        for card in FREEZABLE[:4]:
            yield confirmed_freeze_trajectory(card, Bank(Path(tmp) / f"{card}.db"))
