"""In-process answer latency by stage (p50/p99), CPU and texts encoded per answer.

Asks distinct generated questions (bench/questions.py) or a suite's turns (`--suite`), in three phases:
isolated (the embedding cache emptied before every question), stream (emptied once: an aspect an
earlier question had is reused, as in a server) and warm (every embedding cached).

    python bench/latency.py [--n 400] [--threads 1] [--suite eval/dev.jsonl] [--out bench/results]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench.questions; PYTHONPATH still comes first

from service.assistant import Assistant  # noqa: E402
from service.config import Settings  # noqa: E402
from service.evaluation import load_suite  # noqa: E402

STAGES = ("total", "embed", "encode", "dense", "bm25", "fuse", "answer")  # "encode" (the model alone) is in "embed"


def percentiles(values: list[float]) -> dict[str, float]:
    arr = np.array(values)
    return {"p50": round(float(np.percentile(arr, 50)), 2), "p99": round(float(np.percentile(arr, 99)), 2),
            "mean": round(statistics.fmean(values), 2)}


def run(threads: int, questions: list[str], warm_up: list[str]) -> dict:
    started = time.perf_counter()
    assistant = Assistant.load(Settings(torch_threads=threads))
    load_s = time.perf_counter() - started
    for q in warm_up:  # caches of corpus texts fill here, as in a server that has answered before
        assistant.ask(q)
    encoded: list[int] = []  # texts the model encodes per call (a question and its aspect, when not cached)
    encode = assistant.encoder.encode

    def counting_encode(texts: list[str], batch_size: int = 64) -> np.ndarray:
        encoded.append(len(texts))
        return encode(texts, batch_size)

    assistant.encoder.encode = counting_encode  # type: ignore[method-assign]
    result: dict = {"threads": threads, "questions": len(questions), "load_seconds": round(load_s, 2),
                    "load_avg": round(os.getloadavg()[0], 2)}
    # isolated: the embedding cache emptied before each question (nothing reused from another question);
    # stream: emptied once, questions in order (a server's case: one question's aspect may be another's);
    # warm: every embedding cached
    for phase in ("isolated", "stream", "warm"):
        assistant.retriever.clear_cache()
        if phase == "warm":
            for q in questions:
                assistant.ask(q)
        stages: dict[str, list[float]] = {}
        encoded.clear()
        cpu = time.process_time()
        for q in questions:
            if phase == "isolated":
                assistant.retriever.clear_cache()
            for stage, ms in assistant.ask(q).timings_ms.items():
                stages.setdefault(stage, []).append(ms)
        result[phase] = {stage: percentiles(v) for stage, v in stages.items()}
        result[phase]["load_avg"] = round(os.getloadavg()[0], 2)
        result[phase]["cpu_ms_per_answer"] = round((time.process_time() - cpu) / len(questions) * 1000, 2)
        result[phase]["texts_encoded_per_answer"] = round(sum(encoded) / len(questions), 2)
    result["load_avg_after"] = round(os.getloadavg()[0], 2)
    return result


def table(results: list[dict]) -> str:
    lines = ["| threads | phase | load avg | CPU ms/answer | texts encoded/answer | " + " | ".join(
        f"{s} p50 | {s} p99" if s == "total" else f"{s} p50" for s in STAGES) + " |",
        "|---|---|---|---|---|" + "---|" * (len(STAGES) + 1)]
    for r in results:
        for phase in ("isolated", "stream", "warm"):
            s = r[phase]
            cells = [f"{s['total']['p50']} | {s['total']['p99']}" if st == "total" else
                     str(s[st]["p50"]) if st in s else "—" for st in STAGES]
            lines.append(f"| {r['threads']} | {phase} | {s['load_avg']} | {s['cpu_ms_per_answer']} | "
                         f"{s['texts_encoded_per_answer']} | "
                         + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, nargs="+", default=[1])
    parser.add_argument("--n", type=int, default=400, help="unique generated questions")
    parser.add_argument("--suite", type=Path, help="ask this suite's turns instead of generated questions")
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--label", default="latency", help="file name of the results")
    args = parser.parse_args()
    from bench.questions import generate

    generated = generate(args.n + 50)
    warm_up, questions = generated[args.n:], generated[: args.n]
    if args.suite:
        questions = [t.question for item in load_suite(args.suite) for t in item.turns]
    results = [run(t, questions, warm_up) for t in args.threads]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{args.label}.json").write_text(json.dumps(results, indent=2))
    (args.out / f"{args.label}.md").write_text(table(results) + "\n")
    print(table(results))


if __name__ == "__main__":
    main()
