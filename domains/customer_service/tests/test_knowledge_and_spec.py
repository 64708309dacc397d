"""The spec, the FAQ and the prompts: complete, consistent with each other, registered by the entry point."""

from __future__ import annotations

import re

from react_core import DomainSpec, new_registry

from react_customer_service import plugin
from react_customer_service.builder import chunk_for_intent, faq_chunks
from react_customer_service.spec import SPEC

# the 77 Banking77 labels, spelt as in categories.json (two carry odd characters)
BANKING77_LABELS = """card_arrival card_linking exchange_rate card_payment_wrong_exchange_rate extra_charge_on_statement
pending_cash_withdrawal fiat_currency_support card_delivery_estimate automatic_top_up card_not_working exchange_via_app
lost_or_stolen_card age_limit pin_blocked contactless_not_working top_up_by_bank_transfer_charge pending_top_up
cancel_transfer top_up_limits wrong_amount_of_cash_received card_payment_fee_charged transfer_not_received_by_recipient
supported_cards_and_currencies getting_virtual_card card_acceptance top_up_reverted
balance_not_updated_after_cheque_or_cash_deposit card_payment_not_recognised edit_personal_details why_verify_identity
unable_to_verify_identity get_physical_card visa_or_mastercard topping_up_by_card disposable_card_limits
compromised_card atm_support direct_debit_payment_not_recognised passcode_forgotten declined_cash_withdrawal
pending_card_payment lost_or_stolen_phone request_refund declined_transfer Refund_not_showing_up declined_card_payment
pending_transfer terminate_account card_swallowed transaction_charged_twice verify_source_of_funds transfer_timing
reverted_card_payment? change_pin beneficiary_not_allowed transfer_fee_charged receiving_money failed_transfer
transfer_into_account verify_top_up getting_spare_card top_up_by_cash_or_cheque order_physical_card
virtual_card_not_working wrong_exchange_rate_for_cash_withdrawal get_disposable_virtual_card top_up_failed
balance_not_updated_after_bank_transfer cash_withdrawal_not_recognised exchange_charge top_up_by_card_charge
activate_my_card cash_withdrawal_charge card_about_to_expire apple_pay_or_google_pay verify_my_identity
country_support""".split()


def test_every_intent_has_exactly_one_faq_passage() -> None:
    assert len(set(BANKING77_LABELS)) == 77
    named = [m for c in faq_chunks() for m in re.findall(r"Intent: (\S+?)\.(?:\s|$)", c.text)]
    assert sorted(named) == sorted(BANKING77_LABELS)
    for label in BANKING77_LABELS:
        chunk = chunk_for_intent(label)
        assert chunk.title and " > " in chunk.title  # grouped by topic, under a heading


def test_spec_is_valid_and_complete() -> None:
    SPEC.validate()
    assert isinstance(SPEC, DomainSpec) and SPEC.name == "customer_service"
    assert SPEC.system_prompt and len(SPEC.few_shot) >= 3 and len(SPEC.example_queries) >= 5
    assert [t.name for t in SPEC.eval_tasks] == ["intent", "out_of_scope", "intent_classifier",
                                                 "out_of_scope_classifier"]
    assert SPEC.build_training_data is not None and SPEC.knowledge_paths


def test_entry_point_module_registers_the_domain() -> None:
    registry = new_registry([("customer_service", plugin)])
    assert registry.domain("customer_service") is SPEC


def test_few_shot_examples_cite_real_passages_and_tools() -> None:
    ids = {c.id for c in faq_chunks()}
    tools = {"classify_intent", "search_faq", "card_status", "transfer_status", "freeze_card", "create_ticket",
             "escalate_to_human"}
    for shot in SPEC.few_shot:
        assert shot.startswith("Question: ") and "\nFinal Answer: Intent: " in shot
        for cited in re.findall(r"\[([a-z_]+\.md#\d+)\]", shot):
            assert cited in ids, cited
        assert set(re.findall(r"^Action: (\w+)", shot, flags=re.M)) <= tools


def test_few_shot_examples_name_no_record_of_the_demo_bank(tmp_path) -> None:
    """Examples use placeholder records (CARD-9001, C9002): a live record in a prompt reaches
    whoever asks about a card, whether or not the run looked it up."""
    from react_customer_service.db import Bank

    bank = Bank(tmp_path / "bank.db")
    for shot in SPEC.few_shot:
        for key in re.findall(r"\b(?:CARD-\d{4}|TR-\d{4}|C\d{4})\b", shot):
            assert bank.card(key) is None and bank.transfer(key) is None and bank.customer(key) is None, key
        assert not any(name in shot for name in bank.names())
