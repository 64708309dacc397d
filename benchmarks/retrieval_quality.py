"""Retrieval quality on HotpotQA (distractor): recall of the supporting paragraphs at 2 and 5.

The 200 questions' 10 paragraphs each are pooled into one corpus (deduplicated by title,
about 2,000 paragraphs, one chunk each); every question is searched against the whole
pool with dense (all-MiniLM-L6-v2), BM25 and hybrid (RRF, k=60) retrieval. Recall@k is
the share of a question's supporting paragraphs found in the top k, averaged over
questions; "both@k" is the share of questions with every supporting paragraph in the top k.
Also measured: embedding throughput (documents/s) and per-query latency.

    .venv/bin/python benchmarks/retrieval_quality.py [--data-dir DIR] [--embedder NAME]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from results_io import write_result  # noqa: E402

from react_core.paths import data_dir  # noqa: E402
from react_core.retrieval import ChunkingOptions, Document, KnowledgeIndex, load_embedder  # noqa: E402

DATASET = "hotpotqa_distractor_subset/hotpotqa_dev_distractor_200.jsonl"
KS = (2, 5)


def load_hotpotqa(path: Path) -> tuple[list[Document], list[dict]]:
    """The pooled paragraphs (id = title) and the questions with their supporting titles."""
    paragraphs: dict[str, Document] = {}
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        for title, sentences in row["context"]:
            paragraphs.setdefault(title, Document(id=title, title=title, text="".join(sentences).strip()))
        questions.append({"question": row["question"], "gold": sorted({t for t, _ in row["supporting_facts"]})})
    return list(paragraphs.values()), questions


def evaluate(index: KnowledgeIndex, questions: list[dict], mode: str, **search: float) -> dict[str, float]:
    recall = {k: [] for k in KS}
    both = {k: [] for k in KS}
    latencies = []
    for q in questions:
        start = time.perf_counter()
        hits = index.search(q["question"], k=max(KS), mode=mode, **search)
        latencies.append(time.perf_counter() - start)
        ranked = [h.chunk.doc for h in hits]
        for k in KS:
            found = len(set(ranked[:k]) & set(q["gold"]))
            recall[k].append(found / len(q["gold"]))
            both[k].append(float(found == len(q["gold"])))
    out = {f"recall@{k}": round(statistics.fmean(recall[k]), 4) for k in KS}
    out.update({f"both@{k}": round(statistics.fmean(both[k]), 4) for k in KS})
    out["latency_ms_p50"] = round(1000 * statistics.median(latencies), 2)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", default=None, help="data directory (default: REACT_DATA_DIR or ../shared/data)")
    ap.add_argument("--embedder", default="all-MiniLM-L6-v2", help="embedder name (hashing-N for a smoke test)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N questions")
    ap.add_argument("--index-cache", type=Path, default=None,
                    help="load the corpus index from DIR if present, else build and save it there")
    ap.add_argument("--no-save", action="store_true", help="do not write benchmarks/results/retrieval_quality.json")
    args = ap.parse_args()

    docs, questions = load_hotpotqa(data_dir(args.data_dir) / DATASET)
    questions = questions[:args.limit] if args.limit else questions
    embedder = load_embedder(args.embedder)
    embedder.embed_documents(["warm-up"])  # load the model outside the timing
    if args.index_cache and args.index_cache.exists():
        index = KnowledgeIndex.load(args.index_cache, embedder)
        embed_s = float(index.manifest.get("build_s", "nan"))
    else:
        start = time.perf_counter()
        index = KnowledgeIndex.from_documents(docs, embedder, factory="Flat",
                                              chunking=ChunkingOptions(max_chars=8000, overlap=0), progress=True)
        embed_s = time.perf_counter() - start
        if args.index_cache:
            index.save(args.index_cache, build_s=embed_s)
    assert len(index) == len(docs), "each paragraph must be one chunk"
    figures = {
        "dataset": DATASET, "questions": len(questions), "paragraphs": len(docs), "embedder": embedder.name,
        "index_build_s": round(embed_s, 2), "embedding_docs_per_s": round(len(docs) / embed_s, 1),
        "load_average_1m": round(os.getloadavg()[0], 2), "cpus": os.cpu_count(),
        "methods": {mode: evaluate(index, questions, mode) for mode in ("dense", "keyword", "hybrid")},
    }
    # Not a default: a BM25 weight chosen by looking at this same set (optimistic).
    figures["methods"]["hybrid, keyword weight 0.5"] = evaluate(index, questions, "hybrid", keyword_weight=0.5)
    print(json.dumps(figures, indent=2))
    best_single = {k: max(figures["methods"][m][f"recall@{k}"] for m in ("dense", "keyword")) for k in KS}
    figures["hybrid_matches_best_single"] = {
        f"recall@{k}": figures["methods"]["hybrid"][f"recall@{k}"] >= best_single[k] for k in KS}
    print("hybrid >= best single method:", figures["hybrid_matches_best_single"])
    if not args.no_save:
        print("wrote", write_result("retrieval_quality", figures))


if __name__ == "__main__":
    main()
