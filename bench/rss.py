"""A worker's RSS when ready and after N unique answers, and its cold start (process start to /readyz 200).

Starts `roleqa serve --workers 1` (from `--tree`, default this checkout, so an older checkout can be
measured with the same script), asks distinct generated questions from `--clients` concurrent clients and
reads the worker's VmRSS after `--marks` answers. `--env KEY=VALUE` sets the server's environment (allocator
settings such as MALLOC_ARENA_MAX). Rounds alternate the trees/settings given as `--tree`/`--env` pairs.

    python bench/rss.py [--answers 1000] [--clients 4] [--tree /path/to/checkout] [--env MALLOC_ARENA_MAX=2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.questions import generate  # noqa: E402


def worker_rss_mb(proc: subprocess.Popen) -> float:
    procs = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
    return round(max(p.memory_info().rss for p in procs) / 2**20, 1)


def measure(tree: Path, env: dict[str, str], questions: list[str], marks: list[int], clients: int,
            port: int) -> dict:
    db = Path(tempfile.mkdtemp()) / "rss.db"
    full_env = {**os.environ, "ROLEQA_TORCH_THREADS": "1", "ROLEQA_RATE_LIMIT_PER_MINUTE": "0",
                "ROLEQA_DATABASE_URL": f"sqlite:///{db}", "HF_HUB_OFFLINE": "1",
                "ROLEQA_INDEX_DIR": str(ROOT / "index"), **env}
    full_env.pop("PYTHONPATH", None)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--workers", "1"],
                            cwd=tree, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.perf_counter() - started > 120 or proc.poll() is not None:
                raise SystemExit("the server did not become ready")
            time.sleep(0.02)
        cold = time.perf_counter() - started
        time.sleep(0.5)
        out = {"tree": str(tree), "env": env, "load_avg": round(load, 2), "cold_start_s": round(cold, 2),
               "rss_ready_mb": worker_rss_mb(proc), "rss_mb": {}}
        done = 0
        client = httpx.Client(timeout=30)

        def ask(q: str) -> None:
            client.post(f"http://127.0.0.1:{port}/api/answer", json={"question": q}).raise_for_status()

        t0 = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            for mark in marks:
                list(pool.map(ask, questions[done:mark]))
                done = mark
                out["rss_mb"][mark] = worker_rss_mb(proc)
        out["answers_per_s"] = round(done / (time.perf_counter() - t0), 1)
        out["load_avg_end"] = round(os.getloadavg()[0], 2)
        return out
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--marks", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--tree", type=Path, action="append", help="checkout to serve from (repeatable)")
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE[,KEY=VALUE] per setting (repeatable)")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--offset", type=int, default=0, help="skip this many generated questions")
    parser.add_argument("--port", type=int, default=8661)
    args = parser.parse_args()
    trees = args.tree or [ROOT]
    envs = [dict(kv.split("=", 1) for kv in e.split(",") if kv) for e in args.env] or [{}]
    marks = sorted({*(m for m in args.marks if m < args.answers), args.answers})
    pool = generate(args.offset + args.answers * args.rounds * len(trees) * len(envs))[args.offset:]
    n = 0
    for _ in range(args.rounds):
        for tree in trees:
            for env in envs:
                questions = pool[n * args.answers : (n + 1) * args.answers]  # never a question twice
                n += 1
                print(json.dumps(measure(tree, env, questions, marks, args.clients, args.port)), flush=True)


if __name__ == "__main__":
    main()
