"""Index scale on synthetic corpora: build time, memory, query latency and recall@10 vs exact search.

Vectors are generated (clustered unit vectors, 384 dims like MiniLM), never committed.

    python bench/scale.py [--sizes 10000 100000 1000000] [--queries 200]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import faiss
import numpy as np
import psutil

DIM = 384


def corpus(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((max(n // 200, 10), DIM)).astype(np.float32)
    # tight-ish clusters, like topical text embeddings (pure noise in 384 dims has no real neighbours)
    x = centers[rng.integers(0, len(centers), n)] + 0.25 * rng.standard_normal((n, DIM)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def build(kind: str, x: np.ndarray) -> faiss.Index:
    if kind == "flat":
        index = faiss.IndexFlatIP(DIM)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(DIM, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80  # as service/index.py builds it
    else:  # ivf
        nlist = int(4 * np.sqrt(len(x)))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(DIM), DIM, nlist, faiss.METRIC_INNER_PRODUCT)
        index.train(x[np.random.default_rng(1).choice(len(x), min(len(x), 50 * nlist), replace=False)])
    index.add(x)
    return index


def measure(n: int, queries: int) -> list[dict]:
    x = corpus(n)
    # queries near the data (paraphrases of stored passages), not random directions
    rng = np.random.default_rng(7)
    q = x[rng.integers(0, n, queries)] + 0.05 * rng.standard_normal((queries, DIM)).astype(np.float32)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    exact = faiss.IndexFlatIP(DIM)
    exact.add(x)
    _, truth = exact.search(q, 10)
    out = []
    for kind in ("flat", "hnsw", "ivf"):
        rss0 = psutil.Process().memory_info().rss
        t0 = time.perf_counter()
        index = build(kind, x)
        build_s = time.perf_counter() - t0
        if kind == "hnsw":
            index.hnsw.efSearch = 64  # as service/index.py serves it
        if kind == "ivf":
            index.nprobe = 16
        lat = []
        found = np.zeros((queries, 10), dtype=np.int64)
        for i in range(queries):
            t = time.perf_counter()
            _, found[i : i + 1] = index.search(q[i : i + 1], 10)
            lat.append((time.perf_counter() - t) * 1000)
        recall = np.mean([len(set(found[i]) & set(truth[i])) / 10 for i in range(queries)])
        out.append({"chunks": n, "index": kind, "build_s": round(build_s, 2),
                    "memory_mb": round((psutil.Process().memory_info().rss - rss0) / 2**20, 1),
                    "query_p50_ms": round(float(np.percentile(lat, 50)), 3),
                    "query_p99_ms": round(float(np.percentile(lat, 99)), 3), "recall@10": round(float(recall), 4)})
        print(out[-1], flush=True)
        del index
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    args = parser.parse_args()
    faiss.omp_set_num_threads(2)
    args.out.mkdir(parents=True, exist_ok=True)
    rows = [r for n in args.sizes for r in measure(n, args.queries)]
    (args.out / "scale.json").write_text(json.dumps(rows, indent=2))
    lines = ["| chunks | index | build s | memory MB | query p50 ms | query p99 ms | recall@10 |", "|---|---|---|---|---|---|---|"]
    lines += [f"| {r['chunks']} | {r['index']} | {r['build_s']} | {r['memory_mb']} | {r['query_p50_ms']} | "
              f"{r['query_p99_ms']} | {r['recall@10']} |" for r in rows]
    (args.out / "scale.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
