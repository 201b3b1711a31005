"""Index scale: recall@10 against exact search and query latency, flat / IVF / HNSW, over efSearch / nprobe.

Two kinds of data:
- `real` (the default): passages recombined from the corpus's MiniLM (fp32 ONNX) sentence embeddings (the
  normalized mean of 2-3 sentences of one article, distinct), queried with the dev suite's questions and
  generated questions (bench/questions.py), all embedded by the served encoder.
- `synthetic`: clustered unit vectors (the first version of this benchmark), kept to show why HNSW looked bad
  there: within a cluster every point is almost equally near, so "the" top 10 is a near-tie.

    python bench/scale.py [--data real] [--sizes 100000] [--queries 500] [--out bench/results]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import faiss
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

DIM = 384
EF_SEARCH = (16, 32, 64, 128, 256)
NPROBE = (1, 2, 4, 8, 16, 32, 64)


def synthetic(n: int, queries: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    centers = rng.standard_normal((max(n // 200, 10), DIM)).astype(np.float32)
    x = centers[rng.integers(0, len(centers), n)] + 0.25 * rng.standard_normal((n, DIM)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    rng = np.random.default_rng(7)
    q = x[rng.integers(0, n, queries)] + 0.05 * rng.standard_normal((queries, DIM)).astype(np.float32)
    return x, q / np.linalg.norm(q, axis=1, keepdims=True)


def corpus_sentences() -> dict[str, list[str]]:
    from service.chunking import chunk_article
    from service.config import PROJECT_ROOT
    from service.corpus import load_corpus

    by_article: dict[str, list[str]] = {}
    for article in load_corpus(PROJECT_ROOT / "corpus"):
        for chunk in chunk_article(article):
            by_article.setdefault(article.id, []).extend(article.text[s.start : s.end] for s in chunk.sentences)
    return by_article


def real(n: int, queries: int) -> tuple[np.ndarray, np.ndarray]:
    """`n` passages recombined from the corpus's MiniLM sentence embeddings, queried with real questions.

    Each passage is the normalized mean of 2-3 sentence vectors of one article (distinct combinations): the
    geometry of MiniLM passages about these topics, without embedding 100k texts (on the shared 2-core
    machine that took ~80 min; recombining texts and embedding them is the stricter version of this).
    """
    from bench.questions import generate
    from service.embedding import load_encoder
    from service.evaluation import load_suite

    encoder = load_encoder("minilm", threads=2)
    groups = [encoder.encode(sentences) for sentences in corpus_sentences().values()]
    rng = np.random.default_rng(0)
    seen: set[tuple[int, ...]] = set()
    x = np.zeros((n, DIM), dtype=np.float32)
    while len(seen) < n:
        g = int(rng.integers(len(groups)))
        picks = tuple(np.sort(rng.choice(len(groups[g]), int(rng.integers(2, 4)), replace=False)).tolist())
        if (g, *picks) in seen:
            continue
        v = groups[g][list(picks)].mean(axis=0)
        x[len(seen)] = v / np.linalg.norm(v)
        seen.add((g, *picks))
    asked = [t.question for item in load_suite(Path("eval/dev.jsonl")) for t in item.turns]
    asked += generate(queries)[: max(0, queries - len(asked))]
    return x, encoder.encode(asked[:queries])


def timed_search(index: faiss.Index, q: np.ndarray) -> tuple[np.ndarray, float, float]:
    found = np.zeros((len(q), 10), dtype=np.int64)
    lat = []
    for i in range(len(q)):  # one query at a time, as a request searches
        t = time.perf_counter()
        _, found[i : i + 1] = index.search(q[i : i + 1], 10)
        lat.append((time.perf_counter() - t) * 1000)
    return found, float(np.percentile(lat, 50)), float(np.percentile(lat, 99))


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth, strict=True)]))


def measure(x: np.ndarray, q: np.ndarray, data: str) -> list[dict]:
    n = len(x)
    exact = faiss.IndexFlatIP(DIM)
    exact.add(x)
    truth, p50, p99 = timed_search(exact, q)
    rows = [{"data": data, "chunks": n, "index": "flat", "param": "-", "build_s": 0.0, "recall@10": 1.0,
             "p50_ms": round(p50, 3), "p99_ms": round(p99, 3)}]

    def add(kind: str, param: str, index: faiss.Index, build_s: float) -> None:
        found, p50, p99 = timed_search(index, q)
        rows.append({"data": data, "chunks": n, "index": kind, "param": param, "build_s": round(build_s, 1),
                     "recall@10": round(recall(found, truth), 4), "p50_ms": round(p50, 3), "p99_ms": round(p99, 3)})
        print(rows[-1], flush=True)

    # IVF as service/index.py builds it: nlist = 4 sqrt(n), trained on a sample of 64 per list
    nlist = int(4 * np.sqrt(n))
    t0 = time.perf_counter()
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(DIM), DIM, nlist, faiss.METRIC_INNER_PRODUCT)
    ivf.train(x[np.sort(np.random.default_rng(0).choice(n, min(n, 64 * nlist), replace=False))])
    ivf.add(x)
    build_s = time.perf_counter() - t0
    for nprobe in NPROBE:
        ivf.nprobe = nprobe
        add("ivf", f"nprobe {nprobe}", ivf, build_s)
    del ivf
    # HNSW: inner product (as first measured) and L2, which ranks unit vectors the same (|a-b|^2 = 2 - 2 a.b)
    # and is the metric HNSW's graph heuristics are built for
    for metric, ef_construction in (("ip", 80), ("l2", 80), ("l2", 200)):
        t0 = time.perf_counter()
        hnsw = (faiss.IndexHNSWFlat(DIM, 32, faiss.METRIC_INNER_PRODUCT) if metric == "ip"
                else faiss.IndexHNSWFlat(DIM, 32))
        hnsw.hnsw.efConstruction = ef_construction
        hnsw.add(x)
        build_s = time.perf_counter() - t0
        for ef in EF_SEARCH:
            hnsw.hnsw.efSearch = ef
            add(f"hnsw-{metric} M32 efC{ef_construction}", f"efSearch {ef}", hnsw, build_s)
        del hnsw
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", choices=["real", "synthetic"], nargs="+", default=["real"])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    args = parser.parse_args()
    faiss.omp_set_num_threads(1)  # a serving worker searches on one thread
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for data in args.data:
        for n in args.sizes:
            x, q = real(n, args.queries) if data == "real" else synthetic(n, args.queries)
            rows += measure(x, q, data)
    (args.out / "scale.json").write_text(json.dumps(rows, indent=2))
    lines = ["| data | vectors | index | setting | build s | recall@10 | query p50 ms | query p99 ms |",
             "|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['data']} | {r['chunks']:,} | {r['index']} | {r['param']} | {r['build_s']} | {r['recall@10']} | "
              f"{r['p50_ms']} | {r['p99_ms']} |" for r in rows]
    (args.out / "scale.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
