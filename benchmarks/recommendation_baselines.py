"""MovieLens-100k ranking baselines and the recommendation plugin's non-LM stages, all 943 users.

Protocol (react_recommendation.movielens): leave-one-out by time, 99 sampled unseen negatives
per user (seed 0), rank 100, HR@10 / NDCG@10. Measured in one run, on validation and test:

- popularity (interaction counts in the split's histories);
- item-kNN (cosine, binary interactions): every neighbour, and the neighbour count chosen on
  validation from {20, 50, 100};
- text retrieval alone (MiniLM profile of the 5 latest liked movies vs. the candidates' texts,
  read from the FAISS index);
- stage 1 of the plugin: a weighted sum of z-scored [log item-kNN, log popularity, text],
  weights chosen by validation NDCG@10 on a grid, and its ablations (without text, without
  popularity).

With ``--write-ranker`` the fitted stage-1 weights and the chosen neighbour count go into the
package's ranker.json (the LM weight there is set by benchmarks/recommendation_lm_stage.py).
Writes benchmarks/results/baselines_recommendation.json.

    .venv/bin/python -m benchmarks.recommendation_baselines [--write-ranker]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from react_core import cache_dir, data_dir
from react_core.retrieval import load_embedder

from react_recommendation.collaborative import ItemKNN, Popularity
from react_recommendation.items import ItemSpace
from react_recommendation.movielens import MovieLens, evaluate_rankings, order
from react_recommendation.pipeline import Recommender
from react_recommendation.ranker import FEATURES, RankerWeights, fit_grid, stage1_scores

from benchmarks.results_io import write_result


def _metrics(cases, scores) -> dict[str, float]:
    m = evaluate_rankings([order(c.candidates, s) for c, s in zip(cases, scores)], [c.target for c in cases])
    return {k: round(v, 4) for k, v in m.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--write-ranker", action="store_true", help="update the package's ranker.json")
    args = parser.parse_args()
    start = time.perf_counter()
    ml = MovieLens.load(data_dir(args.data_dir))
    space = ItemSpace(ml.movies, load_embedder(), cache=cache_dir() / "recommendation")
    figures: dict[str, dict] = {}
    splits = ("validation", "test")
    cases = {s: ml.cases(s) for s in splits}

    for s in splits:
        pop = Popularity(ml.items, ml.train_interactions(s))
        figures.setdefault("popularity", {})[s] = _metrics(cases[s], [pop.scores(c.candidates) for c in cases[s]])
    neighbour_ndcg = {}
    for nb in (0, 20, 50, 100):
        name = "item_knn_all" if nb == 0 else f"item_knn_{nb}"
        for s in splits:
            knn = ItemKNN(ml.items, ml.train_interactions(s), neighbours=nb)
            figures.setdefault(name, {})[s] = _metrics(cases[s], [knn.scores(c.history, c.candidates)
                                                                  for c in cases[s]])
        if nb:
            neighbour_ndcg[nb] = figures[name]["validation"]["ndcg@10"]
    best_nb = max(neighbour_ndcg, key=neighbour_ndcg.get)
    figures["item_knn"] = dict(figures[f"item_knn_{best_nb}"], neighbours=best_nb,
                               chosen_on="validation NDCG@10 over {20, 50, 100}")

    weights = RankerWeights.load()
    weights.knn_neighbours = best_nb
    feats = {}
    for s in splits:
        rec = Recommender(ml, space, split=s, weights=weights)
        feats[s] = np.stack([rec.features(c) for c in cases[s]])  # [users, 100, 3]
    figures["text_retrieval"] = {s: _metrics(cases[s], feats[s][..., FEATURES.index("text")]) for s in splits}
    targets = np.array([c.candidates.index(c.target) for c in cases["validation"]])
    variants = {"stage1_knn_pop_text": list(FEATURES), "stage1_knn_pop": ["knn", "popularity"],
                "stage1_knn_text": ["knn", "text"]}
    fitted = {}
    for name, used in variants.items():
        cols = [FEATURES.index(f) for f in used]
        w = fit_grid(feats["validation"][..., cols], targets)
        fitted[name] = dict(zip(used, np.round(w, 4).tolist()))
        figures[name] = {s: _metrics(cases[s], stage1_scores(feats[s][..., cols], w)) for s in splits}
        figures[name]["weights"] = fitted[name]
    stage1 = fitted["stage1_knn_pop_text"]
    k = weights.top_k
    for s in splits:  # how often the target survives into the LM's top-k
        sc = stage1_scores(feats[s], np.array([stage1[f] for f in FEATURES]))
        figures["stage1_knn_pop_text"][s][f"recall@{k}"] = round(float(np.mean(
            [c.candidates[int(i)] in set(c.candidates[j] for j in np.argsort(-row, kind="stable")[:k])
             for c, row in zip(cases[s], sc) for i in [c.candidates.index(c.target)]])), 4)
    figures["protocol"] = {"users": len(ml.users), "negatives": 99, "seed": ml.seed, "candidates": 100,
                           "ties": "(timestamp, item id) ordering; ranking ties keep the seeded candidate order",
                           "profile_items": weights.profile_items}
    figures["seconds"] = round(time.perf_counter() - start, 1)
    if args.write_ranker:
        weights.stage1 = stage1
        weights.notes = dict(weights.notes, stage1=f"grid search for NDCG@10 on the validation split, "
                                                   f"{len(ml.users)} users; item-kNN neighbours {best_nb} "
                                                   "chosen on validation NDCG@10")
        print("ranker written to", weights.save())
    path = write_result("baselines_recommendation", figures)
    for name, row in figures.items():
        print(name, row)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
