"""The safety policy as the core's guards, so every agent the core builds enforces it.

``react chat --domain medical``, ``react serve`` and ``Agent.from_domain(backend, SPEC)`` all
apply these (the core runs a domain's guards in its ReAct loop):

* ``medical_emergency`` (``everywhere=True``: it screens questions in every domain, and on the
  base model, because an emergency must not wait for the router): an emergency gets the
  pointer to emergency services and the model is not asked.
* ``medical_policy`` (the medical domain's own agents): a prescription dosing request is
  declined before the model is asked; every answer goes through
  :func:`react_medical.safety.apply_policy` with the sources the run's search tools returned
  (dosing sentences removed, unsourced claims marked, the not-a-diagnosis line added).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from react_core import Guard
from react_core.agent import latest_message

from react_medical import safety
from react_medical.literature import cited_pmids

SOURCE_TOOLS = ("search_literature", "search_guides")


def sources_in(steps: Sequence[Any]) -> list[str]:
    """PMIDs and guide passage ids that the steps' search tools returned (in order, no repeats)."""
    found: list[str] = []
    for step in steps:
        if step.action in SOURCE_TOOLS and step.observation and not step.error:
            found += cited_pmids(step.observation)
            found += re.findall(r"^\s*\[([\w./-]+\.md#\d+)\]", step.observation, flags=re.M)
    return list(dict.fromkeys(found))


def emergency_screen(question: str) -> str | None:
    reply = safety.emergency_reply(question)
    return None if reply is None else reply.text


def dosing_screen(question: str) -> str | None:
    screened = safety.screen(question)
    return screened.text if screened is not None and screened.outcome == "dosing_refused" else None


def review(question: str, answer: str, steps: Sequence[Any]) -> str:
    return safety.apply_policy(question, answer, sources_in(steps)).text


EMERGENCY = Guard("medical_emergency", screen=emergency_screen, everywhere=True)
POLICY = Guard("medical_policy", screen=dosing_screen, review=review)
LITERATURE = Guard("literature_lookup", require=lambda question: [("search_literature", latest_message(question))])
"""Every question the screens let through gets the literature search before any answer: the
answer's sources are then in the run whatever the model chooses."""

GUARDS = (EMERGENCY, LITERATURE, POLICY)
