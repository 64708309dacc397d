"""Training data: PubMedQA direct pairs plus ReAct trajectories that search the literature.

``build_training_data(data_dir)`` yields, in this order (so ``react train --limit`` keeps the
direct pairs first):

- ``{"prompt": "Abstract: ...\\nQuestion: ...\\nAnswer (yes, no or maybe):", "completion": " yes"}``
  for each of the 400 PQA-L training questions (validation and test held out);
- ``{"messages": [...]}`` ReAct trajectories: the question alone, a ``search_literature``
  call, its observation, and a final answer (the label, the authors' conclusion, the PMID
  citation) passed through the safety policy exactly as ``MedicalAgent`` passes answers.
  The observation is the real tool's output over an index of all 1,000 abstracts, searched
  in keyword (BM25) mode so that building needs no embedding model; questions whose gold
  abstract is not among the results are skipped (the answer must cite a retrieved source).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from react_medical import literature, pubmedqa, safety

TRAJECTORY_K = 3


def direct_pair(item: pubmedqa.Item) -> dict[str, Any]:
    return {"prompt": pubmedqa.prompt(item.question, item.contexts), "completion": f" {item.label}"}


def final_answer(item: pubmedqa.Item) -> str:
    """The label, the authors' conclusion and the citation, as the policy leaves them."""
    conclusion = item.long_answer or "The abstract addresses this question directly."
    answer = f"{item.label.capitalize()}. {conclusion} [PMID:{item.pmid}]"
    return safety.apply_policy(item.question, answer, [item.pmid]).text


def trajectory(item: pubmedqa.Item, observation: str) -> dict[str, Any]:
    return {"messages": [
        {"role": "user", "content": item.question},
        {"role": "assistant", "content": "Thought: I need a study that answers this. I will search the literature.\n"
                                         f"Action: search_literature[{item.question}]"},
        {"role": "user", "content": "Observation: " + observation.replace("\n", "\n  ")},
        {"role": "assistant", "content": f"Thought: [PMID:{item.pmid}] studies exactly this question; its results "
                                         f"point to {item.label}.\nFinal Answer: {final_answer(item)}"},
    ], "meta": {"kind": "trajectory", "pmid": item.pmid, "label": item.label}}


def build_training_data(data_dir: Path, *, max_trajectories: int = 200) -> Iterator[dict[str, Any]]:
    """Direct pairs for every training question, then up to ``max_trajectories`` trajectories."""
    from react_core.retrieval import HashingEmbedder

    train = pubmedqa.read_split(Path(data_dir), "train")
    for item in train:
        yield direct_pair(item)
    index = literature.build(pubmedqa.all_items(Path(data_dir)), HashingEmbedder(64))
    made = 0
    for item in train:
        if made >= max_trajectories:
            break
        results = literature.search(index, item.question, TRAJECTORY_K, mode="keyword")
        if literature.doc_id(item.pmid) not in [hit.id for hit in results]:
            continue
        made += 1
        yield trajectory(item, literature.format_results(results, item.question))
