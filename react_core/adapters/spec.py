"""Adapter specs: which adapter (or weighted merge of adapters, or the base) a request uses.

A spec is written as text so it travels through ``adapter=`` arguments, CLI flags and
HTTP requests unchanged::

    None or "base"                       the base model alone
    "finance"                            the finance adapter as trained
    "finance;alpha=0.3"                  0.3*base + 0.7*finance (weight space: W + 0.7*dW)
    "finance;alpha=0.3;space=logit"      0.3*logits_base + 0.7*logits_finance
    "finance=0.6+medical=0.4"            a runtime merge (default method cat: 0.6*dW_f + 0.4*dW_m)
    "finance=0.6+medical=0.4;method=ties;density=0.5"

Weights are rounded to two decimals, so specs that differ by less share one cached merge.
"""

from __future__ import annotations

from dataclasses import dataclass

from react_core.adapters.policy import FUSION_SPACES, MERGE_METHODS, FusionPolicy

BASE = "base"
_DECIMALS = 2


class AdapterSpecError(ValueError):
    """An adapter spec string could not be parsed or is inconsistent."""


@dataclass(frozen=True)
class AdapterSpec:
    """Adapters with weights, fused with the base by ``alpha`` in ``space``, merged by ``method``.

    ``weights`` is empty for the base model alone. ``alpha`` is the base model's share
    (0: adapters only, 1: base only), as in M = alpha*M_base + (1-alpha)*M_domain.
    """

    weights: tuple[tuple[str, float], ...] = ()
    alpha: float = 0.0
    space: str = "weight"
    method: str = "cat"
    density: float = 0.5

    def __post_init__(self) -> None:
        if not 0.0 <= self.alpha <= 1.0:
            raise AdapterSpecError(f"alpha must be within [0, 1], got {self.alpha}")
        if self.space not in FUSION_SPACES:
            raise AdapterSpecError(f"space must be one of {FUSION_SPACES}, got {self.space!r}")
        if self.method not in MERGE_METHODS:
            raise AdapterSpecError(f"method must be one of {MERGE_METHODS}, got {self.method!r}")
        if not 0.0 < self.density <= 1.0:
            raise AdapterSpecError(f"density must be within (0, 1], got {self.density}")
        names = [n for n, _ in self.weights]
        if len(set(names)) != len(names):
            raise AdapterSpecError(f"an adapter appears twice in {names}")

    # -- construction --------------------------------------------------------------------

    @classmethod
    def single(cls, name: str, policy: FusionPolicy | None = None) -> AdapterSpec:
        """One adapter, fused with the base as ``policy`` says (default: the adapter alone)."""
        policy = policy or FusionPolicy()
        return cls(weights=((name, 1.0),), alpha=policy.alpha, space=policy.space,
                   method=policy.merge_method, density=getattr(policy, "density", 0.5))

    @classmethod
    def merge(cls, weights: dict[str, float], *, method: str = "cat", alpha: float = 0.0,
              space: str = "weight", density: float = 0.5) -> AdapterSpec:
        """A weighted merge of several adapters (weights rounded, zero weights dropped, sorted)."""
        items = tuple(sorted((n, round(float(w), _DECIMALS)) for n, w in weights.items()))
        items = tuple((n, w) for n, w in items if w != 0.0)
        return cls(weights=items, alpha=round(float(alpha), _DECIMALS), space=space, method=method,
                   density=density)

    @classmethod
    def parse(cls, text: str | AdapterSpec | None) -> AdapterSpec:
        """Parse the text form (see the module docstring); ``None`` and ``"base"`` are the base."""
        if isinstance(text, AdapterSpec):
            return text
        if text is None or text.strip() in ("", BASE):
            return cls()
        head, *options = [part.strip() for part in text.split(";")]
        weights: dict[str, float] = {}
        for term in head.split("+"):
            name, sep, raw = term.strip().partition("=")
            name = name.strip()
            if not name:
                raise AdapterSpecError(f"empty adapter name in spec {text!r}")
            if name in weights:
                raise AdapterSpecError(f"adapter {name!r} appears twice in spec {text!r}")
            weights[name] = _number(raw, text) if sep else 1.0
        kwargs: dict[str, object] = {}
        for option in options:
            key, sep, value = option.partition("=")
            key, value = key.strip(), value.strip()
            if not sep or key not in ("alpha", "space", "method", "density"):
                raise AdapterSpecError(
                    f"unknown option {option!r} in adapter spec {text!r}; options: alpha, space, method, density"
                )
            kwargs[key] = _number(value, text) if key in ("alpha", "density") else value
        return cls.merge(weights, **kwargs)  # type: ignore[arg-type]

    # -- properties ----------------------------------------------------------------------

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n for n, _ in self.weights)

    @property
    def is_base(self) -> bool:
        """True when no adapter contributes (no adapters, or alpha = 1)."""
        return not self.weights or self.alpha >= 1.0

    @property
    def is_plain(self) -> bool:
        """True for one adapter with weight 1 and no base share: served without any merge."""
        return len(self.weights) == 1 and self.weights[0][1] == 1.0 and self.alpha == 0.0

    def domain_part(self) -> AdapterSpec:
        """This spec without the base share (what a logit-space fusion mixes with the base)."""
        return AdapterSpec(weights=self.weights, method=self.method, density=self.density)

    def key(self) -> str:
        """The canonical text form; equal specs have equal keys."""
        if self.is_base:
            return BASE
        if len(self.weights) == 1 and self.weights[0][1] == 1.0:
            head = self.weights[0][0]
        else:
            head = "+".join(f"{n}={w:g}" for n, w in self.weights)
        opts = []
        if self.alpha:
            opts.append(f"alpha={self.alpha:g}")
            if self.space != "weight":
                opts.append(f"space={self.space}")
        if len(self.weights) > 1 or self.weights[0][1] != 1.0:
            if self.method != "cat":
                opts.append(f"method={self.method}")
            if self.method in ("ties", "dare_ties") and self.density != 0.5:
                opts.append(f"density={self.density:g}")
        return ";".join([head, *opts])

    def __str__(self) -> str:
        return self.key()


def _number(raw: str, text: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise AdapterSpecError(f"{raw!r} is not a number in adapter spec {text!r}") from None
