"""ReAct Core domain plugin: evidence-grounded biomedical question answering, with a safety policy.

PubMedQA (yes / no / maybe from an abstract, or from an abstract the agent retrieves itself),
MedQA-USMLE and MedMCQA (4-option, as transfer), ``search_literature`` over the PubMedQA
abstracts with PMIDs as citations, and a safety policy enforced in code
(:mod:`react_medical.safety`). ``react_medical.spec.SPEC`` is the domain.
"""

__version__ = "0.1.0"
