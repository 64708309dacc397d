"""The agent's tools: ``search_literature`` (PubMedQA abstracts, cited by PMID), ``search_guides``
(the guides written for this project) and ``check_safety`` (the policy's verdict on a message).

Every tool returns text, never raises for bad input: an empty query is an observation that
says what a query looks like.
"""

from __future__ import annotations

from typing import Any

from react_core import Tool, tool

from react_medical import literature, safety


def literature_tool(index: Any, k: int = 3, *, mode: str = "hybrid") -> Tool:
    """``search_literature[query]``: the ``k`` best abstracts, one line each, cited as ``[PMID:123]``."""

    @tool
    def search_literature(query: str) -> str:
        """Search the PubMed abstracts; returns up to 3 abstracts as [PMID:123] (score): passage. Cite them by [PMID:...].

        Args:
            query: What to look for: a condition, a treatment, an outcome, or the whole question.
        """
        query = " ".join(str(query).split())
        if not query:
            return "search_literature needs a query, e.g. search_literature[statins and dementia risk]."
        return literature.format_results(literature.search(index, query, k, mode=mode), query)

    return search_literature


def guides_tool(index: Any, k: int = 2) -> Tool:
    """``search_guides[query]`` over the domain's own guides (reading evidence, the safety policy)."""
    from react_core import make_search_tool

    return make_search_tool(index, k=k, name="search_guides",
                            description=("Search the assistant's guides (how to read a study, the safety policy); "
                                         "returns passages as [id] title (score): text. Cite them by [id]."))


@tool
def check_safety(message: str) -> str:
    """Check a message against the safety policy: emergency, prescription dosing request, or fine to answer.

    Args:
        message: The user's message.
    """
    message = str(message).strip()
    if not message:
        return "check_safety needs the user's message."
    screened = safety.screen(message)
    if screened is None:
        return "No emergency and no prescription dosing request: answer from retrieved sources and cite them."
    if screened.outcome == "emergency":
        return f"EMERGENCY ({screened.emergency}). Reply only with: {safety.emergency_message(screened.emergency or '')}"
    return "Prescription dosing request: do not give a dose. Reply: " + safety.dosing_refusal(list(screened.drugs))


def make_tools(literature_index: Any | None = None, guides_index: Any | None = None, k: int = 3) -> list[Tool]:
    """The domain's tools; each search tool only when its index is given."""
    tools: list[Tool] = []
    if literature_index is not None:
        tools.append(literature_tool(literature_index, k))
    if guides_index is not None:
        tools.append(guides_tool(guides_index))
    return tools + [check_safety]
