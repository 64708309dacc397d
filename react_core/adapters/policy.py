"""Fusion policy: how a domain's adapter is mixed with the base and with other domains."""

from __future__ import annotations

from dataclasses import dataclass, field

MERGE_METHODS = ("cat", "svd", "ties", "dare_ties")
FUSION_SPACES = ("weight", "logit")


@dataclass(frozen=True)
class FusionPolicy:
    """A domain's fusion settings; plugins supply one, users may override fields.

    ``alpha`` follows M_fusion = alpha * M_base + (1 - alpha) * M_domain: 0 is the adapter
    alone, 1 the base model alone.
    """

    alpha: float = field(default=0.0, metadata={"help": "weight of the base model, 0..1"})
    space: str = field(default="weight", metadata={"help": "'weight' (exact for LoRA) or 'logit'"})
    merge_method: str = field(default="cat", metadata={"help": "multi-domain merge: cat, svd, ties, dare_ties"})
    density: float = field(default=0.5, metadata={"help": "share of weights kept by ties / dare_ties merges"})
    retrieval_k: int = field(default=4, metadata={"help": "passages retrieved per search"})
    cross_domain_fusion: str = field(default="rrf", metadata={"help": "how several indexes' results are fused"})

    def __post_init__(self) -> None:
        if not 0.0 <= self.alpha <= 1.0:
            raise ValueError(f"FusionPolicy.alpha must be within [0, 1], got {self.alpha}")
        if self.space not in FUSION_SPACES:
            raise ValueError(f"FusionPolicy.space must be one of {FUSION_SPACES}, got {self.space!r}")
        if self.merge_method not in MERGE_METHODS:
            raise ValueError(
                f"FusionPolicy.merge_method must be one of {MERGE_METHODS}, got {self.merge_method!r}"
            )
        if not 0.0 < self.density <= 1.0:
            raise ValueError(f"FusionPolicy.density must be within (0, 1], got {self.density}")
        if self.retrieval_k < 1:
            raise ValueError(f"FusionPolicy.retrieval_k must be at least 1, got {self.retrieval_k}")
