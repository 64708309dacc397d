"""The grounding check: facts in an answer against the run's evidence, and the answer tidier."""

from __future__ import annotations

import pytest

from react_core.agent.grounding import Fact, GroundingCheck, check_grounding, extract_facts, remove_facts, tidy_answer

NORMAL = ("Intent: card_arrival. Your card ending 1194 was posted on 2025-11-20 (source: [cards.md#1]) "
          "Action taken: looked up CARD-2003.")


def texts(facts: tuple[Fact, ...] | list[Fact]) -> list[str]:
    return [f.text for f in facts]


@pytest.mark.parametrize("prose", [
    "William Shakespeare wrote Hamlet around 1600.",
    "Paris is the capital of France.",
    "In 2024 about 3 in 10 people moved house, and 2,000 of them twice.",
    "See section 4.2 of the guide; it takes 10 to 15 minutes, in case 2 people call at 10:30.",
])
def test_plain_prose_has_no_facts(prose: str) -> None:
    assert extract_facts(prose) == []


def test_names_are_facts_only_when_given() -> None:
    answer = "William Shakespeare wrote Hamlet around 1600."
    assert extract_facts(answer) == []
    facts = extract_facts(answer, names=["william shakespeare", "Marlowe"])
    assert [(f.kind, f.text, f.value) for f in facts] == [("name", "William Shakespeare", "william shakespeare")]


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("Looked up CARD-2001.", "id", "CARD-2001"),
    ("Transfer TR-3002 is pending.", "id", "TR-3002"),
    ("Customer C1001 asked.", "id", "C1001"),
    ("See PMID: 123456.", "id", "PMID 123456"),
    ("I opened ticket #12 for you.", "id", "#12"),
    ("This is escalation #3.", "id", "#3"),
    ("Your card ending in 4821 is active.", "card_ending", "4821"),
    ("The card that ends in 4821 is active.", "card_ending", "4821"),
    ("The last four digits 4821 match.", "card_ending", "4821"),
    ("Card **** 4821 is active.", "card_ending", "4821"),
    ("Posted on 2025-11-20.", "date", "2025-11-20"),
    ("Posted on 20 November 2025.", "date", "2025-11-20"),
    ("Posted on November 20, 2025.", "date", "2025-11-20"),
    ("Posted on 20 Nov 2025.", "date", "2025-11-20"),
    ("Posted on 20/11/2025.", "date", "2025-11-20"),
    ("It expires 2029-11.", "date", "2029-11"),
    ("It expires in November 2029.", "date", "2029-11"),
    ("A fee of £12.50 applies.", "amount", "12.50 GBP"),
    ("A fee of $1,200 applies.", "amount", "1200.00 USD"),
    ("A fee of €3 applies.", "amount", "3.00 EUR"),
    ("A fee of 1,250.00 EUR applies.", "amount", "1250.00 EUR"),
    ("A fee of 12 pounds applies.", "amount", "12.00 GBP"),
    ("The rate is 3.5%.", "percentage", "3.5%"),
    ("The rate is 3.50 %.", "percentage", "3.5%"),
    ("The rate is 3.5 percent.", "percentage", "3.5%"),
])
def test_each_kind_of_fact_is_found_and_normalised(text: str, kind: str, value: str) -> None:
    facts = extract_facts(text)
    assert [(f.kind, f.value) for f in facts] == [(kind, value)]
    assert text[facts[0].start:facts[0].end] == facts[0].text


def test_overlapping_spans_keep_the_longest() -> None:
    facts = extract_facts("Invoice INV-2025-11-20 was paid on 20 November 2025.")
    assert [(f.kind, f.text) for f in facts] == [("id", "INV-2025-11-20"), ("date", "20 November 2025")]


def test_an_invented_id_is_flagged() -> None:
    check = check_grounding("Your card CARD-2003 was posted.", ["Found: CARD-2001 (status: posted)"])
    assert texts(check.unsupported) == ["CARD-2003"]
    assert not check.ok
    assert check_grounding("Your card card-2001 was posted.", ["id=CARD2001"]).ok is True  # case and dash are ignored


def test_a_foreign_date_is_flagged_and_the_evidence_date_supported() -> None:
    check = check_grounding("It was posted on 2025-11-20 and arrives on 2025-11-28.",
                            ["posted: 2025-11-28", "user: when does my card arrive?"])
    assert texts(check.unsupported) == ["2025-11-20"]
    assert texts(check.supported) == ["2025-11-28"]


@pytest.mark.parametrize("answer", ["It was posted on 20 November 2025.", "It was posted on November 20, 2025.",
                                    "It was posted on 20/11/2025.", "It was posted in November 2025."])
def test_a_date_in_another_format_is_supported(answer: str) -> None:
    assert check_grounding(answer, ['{"posted": "2025-11-20T09:00:00Z"}']).ok


@pytest.mark.parametrize(("answer", "evidence", "ok"), [
    ("You sent £1,250.00.", "amount: 1,250.00 GBP", True),
    ("You sent $1,250.00.", "amount: 1,250.00 GBP", False),
    ("You sent 1250 pounds.", "amount: £1,250.00", True),
    ("You sent £1,250.00.", '{"amount": 1250.0}', True),  # a bare number names no currency
    ("You sent £1,350.00.", "amount: 1,250.00 GBP", False),
    ("You sent £20.", "posted on 20 November 2025", False),  # a number inside a date is not an amount
])
def test_amounts(answer: str, evidence: str, ok: bool) -> None:
    assert check_grounding(answer, [evidence]).ok is ok


@pytest.mark.parametrize(("answer", "ok"), [
    ("Your card ending 4821 is active.", True),
    ("Your card ending 4812 is active.", False),
    ("Your card **** 4821 is active.", True),
])
def test_card_endings(answer: str, ok: bool) -> None:
    assert check_grounding(answer, ['{"card": "CARD-2001", "last4": "4821"}']).ok is ok


@pytest.mark.parametrize(("answer", "ok"), [
    ("The rate is 3.5%.", True),
    ("The rate is 3.50 percent.", True),
    ("The rate is 4.5%.", False),
    ("The rate is 12%.", False),  # 12 appears in the evidence, but not as a percentage
])
def test_percentages(answer: str, ok: bool) -> None:
    assert check_grounding(answer, ["APR 3.5 % on 12 months"]).ok is ok


def test_names_from_the_domain() -> None:
    names = ["Alice Brown", "Bob Smith"]
    check = check_grounding("I sent it to Bob Smith, not alice  brown.", ["recipients: Alice Brown"], names)
    assert texts(check.supported) == ["alice  brown"]
    assert texts(check.unsupported) == ["Bob Smith"]


def test_ticket_numbers_are_matched_in_structured_observations() -> None:
    assert check_grounding("I opened ticket #12.", ['{"escalation_id": 12}']).ok
    assert not check_grounding("I opened ticket #13.", ['{"escalation_id": 12}']).ok


def test_a_fact_is_listed_once() -> None:
    check = check_grounding("CARD-2003 is fine. Really, CARD-2003 is fine.", ["CARD-2001"])
    assert texts(check.unsupported) == ["CARD-2003"]
    assert check.to_dict() == {"supported": [], "unsupported": ["CARD-2003"]}
    assert isinstance(check, GroundingCheck)


def test_remove_facts_drops_the_sentences_that_hold_them() -> None:
    answer = "Your card was posted on 2025-11-20. It should arrive within 5 days.\nIts id is CARD-2003. Anything else?"
    check = check_grounding(answer, ["CARD-2001 posted 2025-11-28"])
    assert texts(check.unsupported) == ["2025-11-20", "CARD-2003"]
    assert remove_facts(answer, check.unsupported) == "It should arrive within 5 days. Anything else?"


def test_remove_facts_also_drops_the_fact_written_again() -> None:
    answer = "Your card CARD-2003 is active. Nothing else to do. I checked CARD-2003 twice."
    assert remove_facts(answer, check_grounding(answer, ["CARD-2001"]).unsupported) == "Nothing else to do."


def test_remove_facts_returns_empty_when_nothing_is_left() -> None:
    answer = "Your card CARD-2003 is active."
    assert remove_facts(answer, check_grounding(answer, ["CARD-2001"]).unsupported) == ""


@pytest.mark.parametrize(("text", "tidy"), [
    ("Your card is on its way. Your card is on its way. Your card is on its way.", "Your card is on its way."),
    ("It arrives soon. Thanks! it arrives  soon. Thanks.", "It arrives soon. Thanks!"),
    ("Your card is on its way Your card is on its way Your card is on its way.", "Your card is on its way."),
    ("Posted on 2025-11-20. Intent Action taken: none.", "Posted on 2025-11-20. Action taken: none."),
    ("Intent Action taken: none.", "Action taken: none."),
    ("Intent: Action taken: none.", "Action taken: none."),
    ("Your card is active. Action taken:", "Your card is active."),
    ("Your   card\tis   active.  ", "Your card is active."),
])
def test_tidy_answer_repairs(text: str, tidy: str) -> None:
    assert tidy_answer(text) == tidy


@pytest.mark.parametrize("answer", [
    NORMAL,
    "Paris is the capital of France.",
    "Next Steps: call us on 0800 123 456. Note: lines open at 9:00.",
    "Summary:\n- one card\n- two cards\n\nThat is all.",
    "| a | b |\n| - | - | - | - |",
])
def test_tidy_answer_leaves_normal_answers_alone(answer: str) -> None:
    assert tidy_answer(answer) == answer


def test_tidy_answer_never_empties_an_answer() -> None:
    assert tidy_answer("  Intent:  ") == "Intent:"
    assert tidy_answer("   ") == ""
