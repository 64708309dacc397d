"""Adapter specs: the text form round-trips, rounds weights and rejects nonsense clearly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from react_core import FusionPolicy
from react_core.adapters.spec import AdapterSpec, AdapterSpecError


@pytest.mark.parametrize("text", ["finance", "finance;alpha=0.3", "finance;alpha=0.3;space=logit",
                                  "finance=0.6+medical=0.4", "finance=0.6+medical=0.4;method=ties",
                                  "finance=0.6+medical=0.4;method=dare_ties;density=0.7", "base"])
def test_key_round_trips(text: str) -> None:
    spec = AdapterSpec.parse(text)
    assert AdapterSpec.parse(spec.key()) == spec
    assert spec.key() == text


def test_none_and_alpha_one_are_the_base() -> None:
    assert AdapterSpec.parse(None).is_base
    assert AdapterSpec.parse("finance;alpha=1").is_base
    assert AdapterSpec.parse("finance;alpha=1").key() == "base"


@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_weights_round_to_two_decimals_and_sort(a: float, b: float) -> None:
    spec = AdapterSpec.merge({"medical": b, "finance": a})
    assert list(spec.names) == [n for n in ("finance", "medical") if round({"finance": a, "medical": b}[n], 2)]
    assert all(w == round(w, 2) for _, w in spec.weights)


def test_single_follows_the_policy() -> None:
    spec = AdapterSpec.single("finance", FusionPolicy(alpha=0.25, space="logit"))
    assert spec.key() == "finance;alpha=0.25;space=logit"


@pytest.mark.parametrize("text, fragment", [
    ("finance;alpha=2", "alpha"), ("finance;method=linear", "method"), ("finance;speed=3", "unknown option"),
    ("finance=x", "not a number"), ("finance+finance", "twice"), ("+medical", "empty adapter name"),
])
def test_bad_specs_say_what_is_wrong(text: str, fragment: str) -> None:
    with pytest.raises(AdapterSpecError, match=fragment):
        AdapterSpec.parse(text)
