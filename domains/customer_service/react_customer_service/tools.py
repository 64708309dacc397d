"""The agent's tools: ``classify_intent`` (the intent classifier), ``search_faq`` over the FAQ
index and the account tools on the demo bank.

Every input is validated; an unknown or malformed id becomes an observation that says so and
how to fix it, never an exception. Writes (freezing a card, tickets, escalations) are
transactions in :class:`~react_customer_service.db.Bank`.
"""

from __future__ import annotations

import math
from typing import Any

from react_core import Tool, tool
from react_core.agent import current_message, current_question, run_state

from react_customer_service.actions import HANDED_OVER_TO
from react_customer_service.candidates import ClassifierUnavailable, LazyClassifier
from react_customer_service.db import CARD_ID, CUSTOMER_ID, TRANSFER_ID, Bank
from react_customer_service.scope import HAND_OVER_REQUEST, HANDED_OVER

STATUS_WORDS = {
    "active": "active",
    "frozen": "frozen (no payments until unfrozen)",
    "in_delivery": "posted, not yet activated",
    "cancelled": "cancelled (reported lost or stolen)",
}


def _norm(value: Any) -> str:
    return str(value).strip().strip("\"'").upper()


def _card_line(card: dict[str, Any]) -> str:
    posted = f", posted {card['posted_on']}" if card["status"] == "in_delivery" and card["posted_on"] else ""
    return (f"{card['id']}: {card['kind']} Visa debit ending {card['last4']}, status "
            f"{STATUS_WORDS[card['status']]}{posted}, expires {card['expires']} (customer {card['customer_id']})")


def _money(pence: int, currency: str) -> str:
    return f"{pence / 100:,.2f} {currency}"


def card_status_text(bank: Bank, card_or_customer_id: str) -> str:
    key = _norm(card_or_customer_id)
    if CUSTOMER_ID.match(key):
        if bank.customer(key) is None:
            return f"No customer with id {key}. Ask the customer to check it (customer ids look like C1001)."
        cards = bank.cards_of(key)
        if not cards:
            return f"Customer {key} has no cards."
        return "\n".join(_card_line(c) for c in cards)
    if not CARD_ID.match(key):
        return (f"{card_or_customer_id!r} is not a card id or customer id. Card ids look like CARD-2001, "
                "customer ids like C1001.")
    card = bank.card(key)
    if card is None:
        return f"No card with id {key}. Ask the customer to check the id on the card's page in the app."
    return _card_line(card)


def transfer_status_text(bank: Bank, transfer_id: str) -> str:
    key = _norm(transfer_id)
    if not TRANSFER_ID.match(key):
        return f"{transfer_id!r} is not a transfer id. Transfer ids look like TR-3001."
    t = bank.transfer(key)
    if t is None:
        return f"No transfer with id {key}. Ask the customer to check the reference in the app."
    note = f" ({t['note']})" if t["note"] else ""
    return (f"{t['id']}: {_money(t['amount_pence'], t['currency'])} to {t['recipient']}, created {t['created']}, "
            f"status {t['status']}{note} (customer {t['customer_id']})")


def freeze_card_text(bank: Bank, card_id: str, confirm: bool = False) -> str:
    key = _norm(card_id)
    if not CARD_ID.match(key):
        return f"{card_id!r} is not a card id. Card ids look like CARD-2001."
    card = bank.card(key)
    if card is None:
        return f"No card with id {key}. Nothing was changed."
    if card["status"] == "frozen":
        return f"{key} is already frozen. Nothing was changed."
    if card["status"] == "cancelled":
        return f"{key} is cancelled and cannot be used; it does not need freezing. Nothing was changed."
    if confirm is not True:
        return (f"Not frozen yet: freezing {key} (Visa debit ending {card['last4']}) blocks all payments until "
                f"it is unfrozen. Ask the customer to confirm, then call freeze_card with "
                f'{{"card_id": "{key}", "confirm": true}}.')
    try:
        bank.freeze_card(key)
    except (LookupError, ValueError):
        return f"{key} could not be frozen (its status changed meanwhile). Nothing was changed."
    return f"Done: {key} (Visa debit ending {card['last4']}) is now frozen. The customer can unfreeze it in the app."


def create_ticket_text(bank: Bank, customer_id: str, subject: str, details: str = "") -> str:
    key = _norm(customer_id)
    subject = " ".join(str(subject).split())
    if not CUSTOMER_ID.match(key):
        return f"{customer_id!r} is not a customer id. Customer ids look like C1001."
    if bank.customer(key) is None:
        return f"No customer with id {key}. No ticket was created."
    if not subject:
        return "A ticket needs a subject: say in a few words what the problem is."
    number = bank.create_ticket(key, subject[:200], str(details)[:2000])
    return f"Ticket #{number} created for {key}: {subject[:200]}. An agent replies within 1 working day."


def escalate_text(bank: Bank, reason: str, customer_id: str = "") -> str:
    reason = " ".join(str(reason).split())
    if not reason:
        return "Say why the conversation needs a person, e.g. escalate_to_human[customer asks for an agent]."
    key = _norm(customer_id) if str(customer_id).strip() else None
    if key is not None and (not CUSTOMER_ID.match(key) or bank.customer(key) is None):
        return f"No customer with id {customer_id!r}. Escalate without it or check the id (like C1001)."
    number = bank.create_ticket(key, reason[:200], kind="escalation")
    return f"Handed over to a person: escalation #{number}. A support agent joins this chat within 5 minutes."


def escalate_once(bank: Bank, reason: str, customer_id: str = "") -> str:
    """``escalate_text``, once per agent run (``react_core.agent.run_state``): a second hand-over in
    the same run (``escalate_to_human`` after ``classify_intent`` handed over, or either called
    twice with different words) gets the first one's text and records nothing new."""
    state = run_state()
    if "escalation" not in state:
        text = escalate_text(bank, reason, customer_id)
        if not HANDED_OVER_TO.match(text):
            return text  # a bad input escalated nothing: nothing to remember
        state["escalation"] = text
    return state["escalation"]


def account_tools(bank: Bank) -> list[Tool]:
    """``card_status``, ``transfer_status``, ``freeze_card``, ``create_ticket`` and ``escalate_to_human``."""

    @tool
    def card_status(card_id: str) -> str:
        """Status of a card (CARD-2001), or of every card of a customer (C1001).

        Args:
            card_id: A card id like CARD-2001, or a customer id like C1001 to list their cards.
        """
        return card_status_text(bank, card_id)

    @tool
    def transfer_status(transfer_id: str) -> str:
        """Status of a bank transfer: amount, recipient, date and whether it is pending, completed or failed.

        Args:
            transfer_id: The transfer id, like TR-3001.
        """
        return transfer_status_text(bank, transfer_id)

    @tool
    def freeze_card(card_id: str, confirm: bool = False) -> str:
        """Freeze a card so no payment can be made with it. Asks for the customer's confirmation first.

        Args:
            card_id: The card id, like CARD-2001.
            confirm: true only after the customer confirmed they want the card frozen.
        """
        return freeze_card_text(bank, card_id, confirm)

    @tool
    def create_ticket(customer_id: str, subject: str, details: str = "") -> str:
        """Open a support ticket for a customer (disputes, investigations, anything needing follow-up).

        Args:
            customer_id: The customer id, like C1001.
            subject: What the problem is, in a few words.
            details: Anything the support team should know.
        """
        return create_ticket_text(bank, customer_id, subject, details)

    @tool
    def escalate_to_human(reason: str, customer_id: str = "") -> str:
        """Hand the conversation over to a human support agent.

        Args:
            reason: Why a person should take over.
            customer_id: The customer id if known, like C1001.
        """
        return escalate_once(bank, reason, customer_id)

    return [card_status, transfer_status, freeze_card, create_ticket, escalate_to_human]


def faq_search_tool(index: Any, k: int = 3) -> Tool:
    """``search_faq[query]`` over the FAQ index (a ``KnowledgeIndex`` or anything with ``search``)."""
    from react_core import make_search_tool

    return make_search_tool(index, k=k, name="search_faq",
                            description=("Search the bank's FAQ; returns passages as [id] title (score): text. "
                                         "Cite the passage you use by its [id]."))


def intent_text(top: list[tuple[str, float]]) -> str:
    """The classifier's best matches as the observation shows them: ``card_arrival 0.97; ...``."""
    return "; ".join(f"{label} {math.exp(logp):.2f}" for label, logp in top)


def intent_tool(classifier: Any, k: int = 3, bank: Bank | None = None) -> Tool:
    """``classify_intent[message]``: the intent classifier's ``k`` best intents with probabilities.

    ``classifier`` is an ``IntentClassifier``, a callable that returns one (called on first
    use) or a ``LazyClassifier``; when it cannot be had (no Banking77 in the data directory to
    train it on), the observation says so and the agent names the intent itself. Inside an
    agent run the tool classifies the run's question (``react_core.agent.current_question``),
    not the action input: a small model often garbles the message it copies into the action.

    With ``bank``, a message that asks for a person (``scope.HAND_OVER_REQUEST``; in a conversation,
    the newest message: an earlier turn's request was handled then) is handed over here (an
    escalation in the bank, as ``escalate_to_human`` records it, once per run) instead of classified:
    Banking77 has no intent for it, and the shipped agent followed the classifier's guess instead
    of calling ``escalate_to_human``. The domain's ``hand_over`` guard then writes the answer."""
    lazy = classifier if isinstance(classifier, LazyClassifier) else LazyClassifier(classifier)

    def classify_intent(message: str) -> str:
        """Name the customer's intent: the bank's intent classifier's best matches and their probabilities.

        Args:
            message: The customer's message.
        """
        message = current_question() or message
        if not message.strip():
            return "classify_intent needs the customer's message, e.g. classify_intent[my card has not arrived]"
        if bank is not None and HAND_OVER_REQUEST.search(current_message() or message):
            return HANDED_OVER + escalate_once(bank, "customer asked for a person")
        try:
            clf = lazy.get()
        except ClassifierUnavailable as exc:
            return f"The intent classifier is not available ({exc}); name the intent yourself."
        return intent_text(clf.top_k([message], k)[0])

    return tool(classify_intent)


def make_tools(bank: Bank | None = None, index: Any | None = None, k: int = 3,
               classifier: Any | None = None) -> list[Tool]:
    """All the domain's tools; the FAQ search only when an index is given, the intent
    classifier only when ``classifier`` (an ``IntentClassifier`` or a loader) is given."""
    bank = bank or Bank()
    tools = [intent_tool(classifier, bank=bank)] if classifier is not None else []
    tools += [faq_search_tool(index, k)] if index is not None else []
    return tools + account_tools(bank)
