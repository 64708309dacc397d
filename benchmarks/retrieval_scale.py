"""Vector search at scale: Flat vs HNSW vs IVF on synthetic clustered vectors.

For each corpus size, every index kind is built through ``react_core.retrieval.VectorIndex``
(the same code the knowledge indexes use: inner product on unit vectors, IDMap2 ids),
then searched one query at a time on one thread (how a server answers a request) with
several efSearch / nprobe settings. Recall@10 is measured against exact search.

Data: a mixture of ``--clusters`` Gaussians on the unit sphere in ``--dim`` dimensions
(default 64 dims, 1,000 clusters; each point is a centre plus isotropic noise, then
normalized), queries drawn from the same mixture.

    .venv/bin/python benchmarks/retrieval_scale.py --sizes 10000 100000
    .venv/bin/python benchmarks/retrieval_scale.py --sizes 1000000 --kinds ivf hnsw
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from results_io import RESULTS_DIR, write_result  # noqa: E402

from react_core.retrieval.index import VectorIndex, ivf_nlist  # noqa: E402

K = 10
EF_SEARCH = (32, 64, 128, 256, 512)
NPROBE = (8, 16, 32, 64, 128)


def clustered(n: int, dim: int, clusters: int, seed: int, noise: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    out = np.empty((n, dim), dtype=np.float32)
    step = 100_000
    centre_rng = np.random.default_rng(seed + 1)
    for start in range(0, n, step):
        m = min(step, n - start)
        x = centres[centre_rng.integers(0, clusters, m)] + noise * rng.standard_normal((m, dim)).astype(np.float32)
        out[start:start + m] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def latency_and_recall(index: VectorIndex, queries: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    times, found = [], []
    for q in queries:
        start = time.perf_counter()
        _, ids = index.search(q[None, :], K)
        times.append(time.perf_counter() - start)
        found.append(ids[0])
    recall = statistics.fmean(len(set(f.tolist()) & set(t.tolist())) / K for f, t in zip(found, truth))
    ms = sorted(1000 * t for t in times)
    return {"p50_ms": round(statistics.median(ms), 3), "p99_ms": round(ms[int(0.99 * (len(ms) - 1))], 3),
            "recall@10": round(recall, 4)}


def index_bytes(index: VectorIndex) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "i.faiss")
        index.write(path)
        return os.path.getsize(path)


def run_size(n: int, args: argparse.Namespace) -> dict:
    import faiss

    base = clustered(n, args.dim, args.clusters, seed=1, noise=args.noise)
    queries = clustered(args.queries, args.dim, args.clusters, seed=2, noise=args.noise)
    exact = faiss.IndexFlatIP(args.dim)
    exact.add(base)
    faiss.omp_set_num_threads(args.threads)
    _, truth = exact.search(queries, K)
    del exact
    ids = np.arange(n, dtype=np.int64)
    kinds = {"flat": ["Flat"], "hnsw": [f"HNSW{args.hnsw_m}"], "ivf": [f"IVF{ivf_nlist(n)},Flat"]}
    out = {}
    for kind in args.kinds:
        for factory in kinds[kind]:
            faiss.omp_set_num_threads(args.threads)  # build with every thread we were given
            index = VectorIndex(args.dim, factory)
            if index.is_hnsw:
                index.inner.hnsw.efConstruction = args.ef_construction
            start = time.perf_counter()
            if index.is_ivf:
                rng = np.random.default_rng(3)
                index.train(base[rng.choice(n, min(n, 64 * index.ivf.nlist), replace=False)])
            index.add(ids, base)
            build_s = time.perf_counter() - start
            faiss.omp_set_num_threads(1)  # serve one query at a time on one thread
            settings = {}
            if index.is_hnsw:
                for ef in EF_SEARCH:
                    index.ef_search = ef
                    settings[f"efSearch={ef}"] = latency_and_recall(index, queries, truth)
            elif index.is_ivf:
                for nprobe in NPROBE:
                    index.nprobe = nprobe
                    settings[f"nprobe={nprobe}"] = latency_and_recall(index, queries, truth)
            else:
                settings["exact"] = latency_and_recall(index, queries, truth)
            out[factory] = {"build_s": round(build_s, 2), "index_mib": round(index_bytes(index) / 2**20, 1),
                            "search": settings}
            print(f"n={n} {factory}: {json.dumps(out[factory])}", flush=True)
            del index
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--kinds", nargs="+", default=["flat", "hnsw", "ivf"], choices=["flat", "hnsw", "ivf"])
    ap.add_argument("--dim", type=int, default=64)
    ap.add_argument("--clusters", type=int, default=1000)
    ap.add_argument("--noise", type=float, default=0.05, help="per-coordinate noise around each centre")
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--hnsw-m", type=int, default=32)
    ap.add_argument("--ef-construction", type=int, default=40)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="threads for building")
    ap.add_argument("--name", default="retrieval_scale", help="results file name under benchmarks/results/")
    args = ap.parse_args()
    figures = {"dim": args.dim, "clusters": args.clusters, "noise": args.noise, "queries": args.queries,
               "k": K, "load_average_1m_start": round(os.getloadavg()[0], 2), "sizes": {}}
    for n in args.sizes:
        figures["sizes"][str(n)] = run_size(n, args)
        write_result(args.name, figures)  # after each size, so a long run keeps what it measured
    figures["load_average_1m_end"] = round(os.getloadavg()[0], 2)
    print("wrote", write_result(args.name, figures), "in", RESULTS_DIR)


if __name__ == "__main__":
    main()
