"""What a run did to the customer's accounts, read from its steps, and the guard that makes the
answer's ``Action taken:`` say exactly that.

The model writes ``Action taken: ...`` at the end of every answer. A model that has learnt the
phrase but not the tool call claims actions it never took: an adapter trained on more account
trajectories wrote ``Action taken: checked the card, froze the card and reported the transaction``
without calling a tool in 8 of 24 runs (docs/domains/customer_service.md). The ``action_record``
guard replaces whatever the draft says there with the record of the run's successful account-tool
calls (``none`` when there were none), so a customer is never told that something was done to
their account that was not. It does not touch the rest of the answer: a detail the model made up
in the body stays (the guard cannot tell it from the FAQ's text).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from react_core import Guard, Step

from react_customer_service.db import CUSTOMER_ID

HANDED_OVER_TO = re.compile(r"Handed over to a person: (escalation #\d+)")
TICKET_CREATED = re.compile(r"Ticket #(\d+) created")
# the model's own record: each "Action taken:" to the end of its sentence (the model sometimes
# repeats it); text after it, such as the records the core adds (react_core.agent.repair), stays
ACTION_TAKEN = re.compile(r"\s*\bAction taken:[^\n]*?(?:\.(?=\s|\Z)|(?=\s*\bAction taken:)|(?=\n)|\Z)")


def _argument(value: Any, key: str) -> str:
    """The id a tool was called with: ``value[key]`` for JSON input (a step records a one-argument
    tool's input as the text the model wrote, which may be JSON), the text itself otherwise."""
    if isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            value = json.loads(value)
        except ValueError:
            pass
    raw = value.get(key, "") if isinstance(value, dict) else value
    return str(raw or "").strip().strip("\"'").upper()


def action_note(tool: str, argument: Any, observation: str) -> str | None:
    """What one tool call did, as an answer's ``Action taken:`` says it (``looked up the cards of
    C1001``, ``froze CARD-2001``, ``opened ticket #3``, ``handed over to a person (escalation #1)``);
    None when it did nothing to an account: an unknown or malformed id, a card already frozen, a
    tool that is not an account tool. ``argument`` is the step's action input, ``observation`` the
    tool's text (``react_customer_service.tools`` writes both sides of this)."""
    if tool == "card_status":
        key = _argument(argument, "card_id")
        if not observation.startswith(("CARD-", f"Customer {key} has no cards")):
            return None
        return f"looked up the cards of {key}" if CUSTOMER_ID.match(key) else f"looked up {key}"
    if tool == "transfer_status":
        key = _argument(argument, "transfer_id")
        return f"checked transfer {key}" if key and observation.startswith(f"{key}:") else None
    if tool == "freeze_card":
        key = _argument(argument, "card_id")
        if observation.startswith(f"Not frozen yet: freezing {key} "):
            return f"asked you to confirm before freezing {key}; reply 'yes, freeze {key}' to freeze it"
        return f"froze {key}" if observation.startswith(f"Done: {key} ") else None
    if tool == "create_ticket":
        number = TICKET_CREATED.match(observation)
        return f"opened ticket #{number.group(1)}" if number else None
    if tool in ("escalate_to_human", "classify_intent"):  # classify_intent hands a request for a person over
        escalation = HANDED_OVER_TO.search(observation)
        return f"handed over to a person ({escalation.group(1)})" if escalation else None
    return None


def action_record(steps: Sequence[Step]) -> str:
    """The run's ``Action taken:`` record: its account-tool calls that did something, in order,
    joined by ``; `` (a repeated call once); ``none`` when there were none."""
    notes: list[str] = []
    for step in steps:
        if step.kind not in ("react", "policy") or step.error or not step.action:
            continue
        note = action_note(step.action, step.action_input, step.observation or "")
        if note is not None and note not in notes:
            notes.append(note)
    return "; ".join(notes) or "none"


def record_review(question: str, answer: str, steps: Sequence[Step]) -> str:
    """``answer`` with its ``Action taken:`` (added when missing) saying what the run did."""
    body = ACTION_TAKEN.sub("", answer).rstrip()
    return f"{body} Action taken: {action_record(steps)}.".lstrip()


ACTION_RECORD_GUARD = Guard("action_record", review=record_review)
