"""Soak: many unique-question answers against one `roleqa serve`, RSS per worker sampled as it runs.

Bar (issue 10): RSS growth per worker <= 10% from after the warm-up to the end, and 0 errors (non-2xx,
connection errors, timeouts). Every question is distinct (bench/questions.py), so the query-embedding
cache never hits and keeps filling, as in production; a quarter of the answers continue an earlier
conversation (history read back from the store) and every 20th answer is rated, so the conversation and
feedback paths run too. VmRSS is read from /proc/<pid>/status of each worker.

    python bench/soak.py [--requests 20000] [--workers 2] [--clients 8] [--sample-every 500] [--warmup 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.questions import generate  # noqa: E402

MAX_TURNS = 5  # a continued conversation stops taking follow-ups after this many turns


def vm_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def worker_pids(server: subprocess.Popen[bytes], workers: int) -> list[int]:
    """The processes that answer: the server itself with one worker, else uvicorn's spawned children."""
    if workers == 1:
        return [server.pid]
    children = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                spawned = b"spawn_main" in f.read()
        except OSError:
            continue
        if ppid == server.pid and spawned:
            children.append(int(pid))
    return sorted(children)


def start_server(port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    log = open(env["ROLEQA_SOAK_LOG"], "wb")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen([sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--workers",
                               str(workers)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}; see {env['ROLEQA_SOAK_LOG']}")
        try:
            ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200
        except httpx.HTTPError:
            ready = False
        if ready and len(worker_pids(server, workers)) == workers:
            # every worker loaded: each answers /readyz only after its lifespan ran
            return server
        time.sleep(0.2)
    server.kill()
    raise SystemExit("the server was not ready in 180 s")


async def soak(url: str, questions: list[str], clients: int, on_progress,  # type: ignore[no-untyped-def]
               keepalive: bool = False) -> dict:
    """Send every question once from `clients` concurrent clients; count errors and latencies.

    Without keep-alive every request opens a connection, so the kernel spreads them over the workers;
    with it, the worker that accepted the first connections may serve them all."""
    pending = deque(enumerate(questions))
    open_conversations: deque[tuple[str, int]] = deque()
    latencies: list[float] = []
    errors: dict[str, int] = {}
    done = 0
    rated = 0

    def fail(kind: str) -> None:
        errors[kind] = errors.get(kind, 0) + 1

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal done, rated
        while pending:
            i, question = pending.popleft()
            body: dict[str, object] = {"question": question}
            follow = None
            if i % 4 == 3 and open_conversations:
                follow = open_conversations.popleft()
                body["conversation_id"] = follow[0]
            started = time.perf_counter()
            try:
                r = await http.post("/api/answer", json=body)
                latencies.append(time.perf_counter() - started)
                if r.status_code != 200:
                    fail(f"http {r.status_code}")
                else:
                    data = r.json()
                    turns = data.get("turn") or 1
                    if turns < MAX_TURNS:
                        open_conversations.append((data["conversation_id"], turns))
                    if i % 20 == 0 and data.get("turn"):
                        rated += 1
                        rating = await http.post("/api/feedback", json={
                            "conversation_id": data["conversation_id"], "turn": data["turn"], "rating": "up"})
                        if rating.status_code != 200:
                            fail(f"feedback http {rating.status_code}")
            except httpx.TimeoutException:
                fail("timeout")
            except httpx.HTTPError as exc:
                fail(type(exc).__name__)
            done += 1
            on_progress(done, errors)

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients if keepalive else 0)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as http:
        await asyncio.gather(*(client(http) for _ in range(clients)))
    latencies.sort()
    return {"answers": done, "ratings": rated, "errors": errors, "error_count": sum(errors.values()),
            "p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
            "p99_ms": round(1000 * latencies[int(0.99 * (len(latencies) - 1))], 1) if latencies else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--sample-every", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=1000, help="RSS growth is measured from this request on.")
    parser.add_argument("--port", type=int, default=8661)
    parser.add_argument("--keepalive", action="store_true", help="Reuse connections (may leave a worker idle).")
    parser.add_argument("--database-url", help="Default: a new SQLite file in a temp folder.")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "soak.json")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="roleqa-soak-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "ROLEQA_TORCH_THREADS": "1",
           # a soak measures memory, not the limiter: one client address would spend a real budget in seconds
           "ROLEQA_RATE_LIMIT_PER_MINUTE": "0",
           "ROLEQA_DATABASE_URL": args.database_url or f"sqlite:///{tmp / 'soak.db'}",
           "ROLEQA_SESSION_KEY_FILE": str(tmp / "session.key"), "ROLEQA_SOAK_LOG": str(tmp / "server.log")}
    questions = generate(args.requests)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the server too when this is stopped
    server = start_server(args.port, args.workers, env)
    pids = worker_pids(server, args.workers)
    samples: list[dict] = []
    started = time.monotonic()

    def sample(done: int, errors: dict[str, int]) -> None:
        now = worker_pids(server, args.workers)
        row = {"requests": done, "seconds": round(time.monotonic() - started, 1), "pids": now,
               "rss_mb": [round(vm_rss_mb(p), 1) for p in now], "errors": sum(errors.values()),
               "load_avg": round(os.getloadavg()[0], 2)}
        samples.append(row)
        print(json.dumps(row), flush=True)

    def on_progress(done: int, errors: dict[str, int]) -> None:
        if done % args.sample_every == 0 or done == args.warmup:
            sample(done, errors)

    sample(0, {})
    try:
        result = asyncio.run(soak(f"http://127.0.0.1:{args.port}", questions, args.clients, on_progress,
                                  args.keepalive))
        if samples[-1]["requests"] != result["answers"]:
            sample(result["answers"], result["errors"])
    finally:
        server.terminate()
        server.wait(timeout=30)
    base = next(s for s in samples if s["requests"] >= args.warmup)
    end = samples[-1]
    restarted = end["pids"] != pids
    growth = [round(100 * (e - b) / b, 1) for b, e in zip(base["rss_mb"], end["rss_mb"], strict=False)]
    summary = {**result, "workers": args.workers, "clients": args.clients, "seconds": end["seconds"],
               "answers_per_s": round(result["answers"] / end["seconds"], 1), "warmup": args.warmup,
               "rss_after_warmup_mb": base["rss_mb"], "rss_end_mb": end["rss_mb"],
               "rss_peak_mb": [max(s["rss_mb"][i] for s in samples if len(s["rss_mb"]) > i)
                               for i in range(len(end["rss_mb"]))],
               "rss_growth_pct": growth, "workers_restarted": restarted,
               "load_avg_start_end": [samples[0]["load_avg"], end["load_avg"]],
               "bar_met": result["error_count"] == 0 and not restarted and all(g <= 10 for g in growth)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"summary": summary, "samples": samples}, indent=2))
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
