"""CPU seconds per answer, in process against over HTTP (one `roleqa serve` worker), unique questions.

The same slice of generated questions is answered by `Assistant.ask` in this process and by one server
worker through POST /api/answer (one client, sequential); the worker's CPU time (user + system, from
psutil) over the run divided by the answers is the HTTP cost. Their difference is what the HTTP path adds.

    python bench/cpu_per_answer.py [--n 300] [--out bench/results]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def cpu(proc: psutil.Process) -> float:
    times = proc.cpu_times()
    return times.user + times.system


def in_process(questions: list[str]) -> dict:
    from service.assistant import Assistant
    from service.config import Settings

    assistant = Assistant.load(Settings(torch_threads=1))
    assistant.ask("warm up the model")
    me = psutil.Process()
    c0, t0 = cpu(me), time.perf_counter()
    for q in questions:
        assistant.ask(q)
    return {"cpu_ms": round((cpu(me) - c0) / len(questions) * 1000, 2),
            "wall_ms": round((time.perf_counter() - t0) / len(questions) * 1000, 2)}


def over_http(questions: list[str], port: int) -> dict:
    db = Path(tempfile.mkdtemp()) / "cpu.db"
    env = {**os.environ, "ROLEQA_TORCH_THREADS": "1", "ROLEQA_RATE_LIMIT_PER_MINUTE": "0",
           "ROLEQA_DATABASE_URL": f"sqlite:///{db}"}
    proc = subprocess.Popen([sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--workers", "1"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            for _ in range(1200):
                try:
                    if client.get("/readyz").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.05)
            client.post("/api/answer", json={"question": "warm up the model"}).raise_for_status()
            worker = psutil.Process(proc.pid)
            c0, t0 = cpu(worker), time.perf_counter()
            for q in questions:
                client.post("/api/answer", json={"question": q}).raise_for_status()
            return {"cpu_ms": round((cpu(worker) - c0) / len(questions) * 1000, 2),
                    "wall_ms": round((time.perf_counter() - t0) / len(questions) * 1000, 2)}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--port", type=int, default=8652)
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    args = parser.parse_args()
    from bench.questions import generate

    questions = generate(args.n)
    load = os.getloadavg()[0]
    result = {"questions": args.n, "load_avg_before": round(load, 2),
              "in_process": in_process(questions[: args.n]),
              "http": over_http(questions[: args.n], args.port),
              "load_avg_after": round(os.getloadavg()[0], 2)}
    result["http_overhead_cpu_ms"] = round(result["http"]["cpu_ms"] - result["in_process"]["cpu_ms"], 2)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "cpu_per_answer.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
