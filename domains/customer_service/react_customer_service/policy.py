"""What the customer-service agent must consult before any answer, enforced in code.

Every message gets the intent classifier and the FAQ search (the system prompt asks for both
before an answer; made by the loop they cost no model step), and each record the message
names gets its lookup: a card id (``CARD-2001``) ``card_status`` for that card, a customer id
(``C1001``) ``card_status`` for that customer's cards, a transfer id (``TR-3001``)
``transfer_status``. The model then answers from the observations, and the core's grounding
check refuses any record fact the run did not look up (``react_core.agent.repair``).
"""

from __future__ import annotations

import re

from react_core import Guard
from react_core.agent import latest_message

_IDS = (
    (re.compile(r"\bCARD-\d{4}\b", re.I), "card_status"),
    (re.compile(r"\bC\d{4}\b", re.I), "card_status"),
    (re.compile(r"\bTR-\d{4}\b", re.I), "transfer_status"),
)


def consult(question: str) -> list[tuple[str, str]]:
    """The intent classifier and the FAQ search, on the newest message."""
    message = latest_message(question)
    return [("classify_intent", message), ("search_faq", message)]


def record_lookups(question: str) -> list[tuple[str, str]]:
    """A lookup for each id in the conversation (earlier turns too: "has it arrived?" after
    naming the card), in order of first mention."""
    found: list[tuple[int, str, str]] = []
    for pattern, tool in _IDS:
        found += [(m.start(), tool, m.group(0).upper()) for m in pattern.finditer(question)]
    return [(tool, key) for _, tool, key in sorted(found)]


CONSULT_GUARD = Guard("consult", require=consult)
RECORDS_GUARD = Guard("records", require=record_lookups, state_required=True)
"""The answer states what the lookups returned (react_core.agent.repair adds a record it leaves out)."""
