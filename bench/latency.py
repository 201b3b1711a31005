"""In-process answer latency by stage (p50/p99), cold (unique questions) and warm (cached embeddings).

    python bench/latency.py [--threads 1] [--suite eval/dev.jsonl] [--out bench/results]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from service.assistant import Assistant  # noqa: E402
from service.config import Settings  # noqa: E402
from service.evaluation import load_suite  # noqa: E402


def percentiles(values: list[float]) -> dict[str, float]:
    arr = np.array(values)
    return {"p50": round(float(np.percentile(arr, 50)), 2), "p99": round(float(np.percentile(arr, 99)), 2),
            "mean": round(statistics.fmean(values), 2)}


def run(threads: int, suite: Path) -> dict:
    started = time.perf_counter()
    assistant = Assistant.load(Settings(torch_threads=threads))
    load_s = time.perf_counter() - started
    questions = [t.question for item in load_suite(suite) for t in item.turns]
    assistant.ask("warm up the model")
    result: dict = {"torch_threads": threads, "questions": len(questions), "load_seconds": round(load_s, 2)}
    for phase in ("cold", "warm"):
        if phase == "cold":
            assistant.retriever.clear_cache()
        stages: dict[str, list[float]] = {}
        for q in questions:
            for stage, ms in assistant.ask(q).timings_ms.items():
                stages.setdefault(stage, []).append(ms)
        result[phase] = {stage: percentiles(v) for stage, v in stages.items()}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--suite", type=Path, default=Path("eval/dev.jsonl"))
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    results = [run(t, args.suite) for t in args.threads]
    (args.out / "latency.json").write_text(json.dumps(results, indent=2))
    lines = ["| torch threads | phase | total p50 | total p99 | embed p50 | dense p50 | bm25 p50 | fuse p50 | answer p50 |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        for phase in ("cold", "warm"):
            s = r[phase]
            lines.append(f"| {r['torch_threads']} | {phase} | {s['total']['p50']} | {s['total']['p99']} | "
                         f"{s['embed']['p50']} | {s['dense']['p50']} | {s['bm25']['p50']} | {s['fuse']['p50']} | "
                         f"{s['answer']['p50']} |")
    table = "\n".join(lines)
    (args.out / "latency.md").write_text(table + "\n")
    print(table)


if __name__ == "__main__":
    main()
