"""HTTP load against `roleqa serve` with wrk: throughput, p50/p99 and errors at several concurrencies.

Also measures cold start (process start to /readyz 200) and RSS per worker. Needs Debian's wrk.
Two mixes: `unique` (the default: distinct generated questions, none repeated within a run, a fresh
slice per run, so the query-embedding cache never helps) and `repeated` (8 rotating questions: cache
hits, the flattering case, kept for comparison).

    python bench/http_load.py [--mix unique repeated] [--workers 1 2] [--connections 1 4 16 64] [--seconds 10]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psutil

QUESTIONS = ["Who does the VP of Sales report to?", "How much does a CRO make?", "What is a CSO?",
             "When should a company hire a CRO instead of a CSO?", "What skills does a CSO need?",
             "What is the capital of France?", "What metrics does a CRO track?", "vp sales pay"]

LUA = """
local questions = {%s}
local threads = %d
local counter = 0
setup = function(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
local i = 0
request = function()
  -- thread t asks questions t, t+T, t+2T, ...: no question twice within a run while the slice lasts
  local n = (tid or 0) + i * threads
  i = i + 1
  local body = '{"question": ' .. questions[(n %% #questions) + 1] .. '}'
  return wrk.format("POST", "/api/answer", {["Content-Type"] = "application/json"%s}, body)
end
"""


def wrk_script(questions: list[str], threads: int, api_key: str = "") -> str:
    """A wrk Lua script that posts `questions` in turn, thread t asking t, t+T, t+2T, ... (with a bearer key)."""
    auth = f', ["Authorization"] = "Bearer {api_key}"' if api_key else ""
    return LUA % (", ".join(json.dumps(json.dumps(q)) for q in questions), threads, auth)
PER_RUN = 2100  # questions set aside for each unique-mix run (8 runs fit the 17,200 generated)


def start(workers: int, port: int, db: Path) -> tuple[subprocess.Popen, float]:
    env = {**os.environ, "ROLEQA_TORCH_THREADS": "1", "ROLEQA_RATE_LIMIT_PER_MINUTE": "0",
           "ROLEQA_DATABASE_URL": f"sqlite:///{db}", "HF_HUB_OFFLINE": "1"}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--workers",
                             str(workers)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while time.perf_counter() - started < 120:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                if workers == 1 or _all_workers_ready(proc, workers):
                    return proc, time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    proc.kill()
    raise SystemExit("the server did not become ready in 120 s")


def _all_workers_ready(proc: subprocess.Popen, workers: int) -> bool:
    children = psutil.Process(proc.pid).children(recursive=True)
    return len([c for c in children if c.memory_info().rss > 100 << 20]) >= workers


def rss_mb(proc: subprocess.Popen) -> list[float]:
    # the serving processes are the ones holding the model (the supervisor and helpers are small)
    procs = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
    return sorted(round(p.memory_info().rss / 2**20, 1) for p in procs if p.memory_info().rss > 100 << 20)


def lua_script(path: Path, questions: list[str], threads: int) -> Path:
    path.write_text(wrk_script(questions, threads))
    return path


def server_cpu(proc: subprocess.Popen) -> float:
    """CPU seconds (user + system) the server and its workers have used so far."""
    total = 0.0
    for p in [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]:
        try:
            times = p.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def wrk(port: int, connections: int, seconds: int, script: Path, server: subprocess.Popen | None = None) -> dict:
    load = os.getloadavg()[0]
    cpu = server_cpu(server) if server is not None else 0.0
    out = subprocess.run(["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s",
                          "--latency", "-s", str(script), f"http://127.0.0.1:{port}"],
                         capture_output=True, text=True, check=True).stdout
    run = {"connections": connections, **parse_wrk(out), "load_avg_before": load, "load_avg": os.getloadavg()[0]}
    if server is not None:
        # the server's CPU per answer under load: unlike answers/s, it hardly moves with other jobs on the machine
        run["server_cpu_ms_per_answer"] = round((server_cpu(server) - cpu) / max(run["requests"], 1) * 1000, 2)
    return run


def parse_wrk(out: str) -> dict:
    """Requests, answers/s, p50/p99 (ms) and errors from `wrk --latency` output."""

    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return float("nan")
        value, unit = float(m.group(1)), m.group(2)
        return round(value / 1000 if unit == "us" else value * 1000 if unit == "s" else value, 2)

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    # non-2xx answers, plus every socket error: connect, read, write and timeout (wrk gives up after 2 s)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    socket = re.search(r"Socket errors:(.*)", out)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    errors += sum(int(n) for n in re.findall(r"\d+", socket.group(1) if socket else ""))
    return {"requests": total, "rps": rps, "p50_ms": ms("50"), "p99_ms": ms("99"), "errors": errors,
            "non_2xx": int(non_2xx.group(1)) if non_2xx else 0, "socket_errors": socket.group(1).strip() if socket else ""}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mix", nargs="+", choices=["unique", "repeated"], default=["unique", "repeated"])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 4, 16, 64])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--port", type=int, default=8651)
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.questions import generate

    args.out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp())
    runs_needed = len(args.workers) * len(args.connections)
    unique = generate(PER_RUN * runs_needed) if "unique" in args.mix else []
    results = []
    run_no = 0
    for workers in args.workers:
        proc, cold = start(workers, args.port, tmp / f"bench-{workers}.db")
        try:
            for mix in args.mix:
                runs = []
                for c in args.connections:
                    threads = min(2, c)
                    if mix == "unique":
                        questions = unique[run_no * PER_RUN : (run_no + 1) * PER_RUN]
                        run_no += 1
                    else:
                        questions = QUESTIONS
                    run = wrk(args.port, c, args.seconds, lua_script(tmp / "answer.lua", questions, threads), proc)
                    run["mix"] = mix
                    run["repeats_within_run"] = mix == "repeated" or run["requests"] > len(questions)
                    runs.append(run)
                results.append({"workers": workers, "mix": mix, "cold_start_s": round(cold, 2),
                                "rss_mb": rss_mb(proc), "runs": runs})
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    (args.out / "http_load.json").write_text(json.dumps(results, indent=2))
    lines = ["| mix | workers | clients | answers/s | p50 ms | p99 ms | errors | server CPU ms/answer "
             "| load avg before, after | cold start s | RSS MB |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        for run in r["runs"]:
            lines.append(f"| {r['mix']} | {r['workers']} | {run['connections']} | {run['rps']:.0f} | {run['p50_ms']} | "
                         f"{run['p99_ms']} | {run['errors']} | {run['server_cpu_ms_per_answer']} | "
                         f"{run['load_avg_before']:.2f}, {run['load_avg']:.2f} | {r['cold_start_s']} | "
                         f"{r['rss_mb']} |")
    (args.out / "http_load.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
