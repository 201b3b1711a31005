"""Load through nginx: wrk against 2 `roleqa serve` replicas sharing a throwaway PostgreSQL and Redis.

The deployment tests/test_replicas.py checks (tests/replica_deployment.py, tests/pg_cluster.py,
tests/redis_server.py), with the real index and encoder, API keys on and the rate limiter in the path:
every request spends its key's budget in Redis, with a budget (ROLEQA_RATE_LIMIT_PER_MINUTE 600,000, burst
10,000) far above what 2 cores can answer (~100/s = 6,000/min), so the limiter costs its Redis round trip
but never refuses. Every request asks a question no other request asks (bench/questions.py), so the
query-embedding cache never helps, and every answer is a new conversation written to Postgres.

Bar (issue 10): 0 errors at 64 clients: non-2xx, and every wrk socket error (connect, read, write,
timeout); wrk's request timeout is --timeout (default 10 s, said in the results). Afterwards the stored
turns are counted: every 2xx answer must be in Postgres.

    python bench/replicas_load.py [--connections 64] [--seconds 30] [--timeout 10] [--replicas 2]
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
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.http_load import parse_wrk, wrk_script  # noqa: E402
from bench.questions import generate  # noqa: E402
from tests.pg_cluster import start_cluster  # noqa: E402
from tests.redis_server import start_redis  # noqa: E402
from tests.replica_deployment import run_deployment  # noqa: E402

KEY = "bench-key"


def vm_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def answered(replica: str) -> int:
    """The replica's own count of 200 answers (roleqa_http_requests_total), to see both did work."""
    text = httpx.get(f"http://{replica}/metrics", timeout=10).text
    m = re.search(r'roleqa_http_requests_total\{method="POST",route="/api/answer",status="200"\} ([\d.e+]+)', text)
    return int(float(m.group(1))) if m else 0


def stored_turns(cluster_port: int, database: str) -> int:
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 port={cluster_port} user=postgres dbname={database}") as conn:
        row = conn.execute("SELECT count(*) FROM turns").fetchone()
    return int(row[0]) if row else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, nargs="+", default=[64])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--timeout", type=int, default=10, help="wrk's request timeout, s (a timeout is an error)")
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--questions", type=int, default=20_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "replicas_load.json")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")

    questions = generate(args.questions)
    tmp = Path(tempfile.mkdtemp(prefix="roleqa-load-"))
    cluster = start_cluster()
    redis = start_redis()
    results = []
    try:
        database = f"load_{uuid.uuid4().hex[:8]}"
        env = {"HF_HUB_OFFLINE": "1", "ROLEQA_TORCH_THREADS": "1",
               "ROLEQA_DATABASE_URL": cluster.create_database(database), "ROLEQA_REDIS_URL": redis.url,
               "ROLEQA_REDIS_PREFIX": "load:", "ROLEQA_API_KEYS": KEY, "ROLEQA_TRUSTED_PROXIES": "127.0.0.0/8",
               "ROLEQA_SESSION_SECRET": "load-test", "ROLEQA_SESSION_KEY_FILE": str(tmp / "session.key"),
               # on, in Redis, and far above what the replicas can answer: a load test must not meet the limit
               "ROLEQA_RATE_LIMIT_PER_MINUTE": "600000", "ROLEQA_RATE_LIMIT_BURST": "10000"}
        with run_deployment(env, replicas=args.replicas, keepalive=64, connections=1024,
                            access_log=False) as deployment:
            # one answer per replica first: the first request of a worker pays for lazy imports
            warm = [httpx.post(f"{deployment.url}/api/answer", json={"question": f"warm-up {i}: what is a CRO?"},
                               headers={"Authorization": f"Bearer {KEY}"}, timeout=60).status_code
                    for i in range(2 * args.replicas)]
            assert warm == [200] * len(warm), warm
            offset = 0
            for connections in args.connections:
                threads = min(2, connections)
                script = tmp / "answer.lua"
                slice_ = questions[offset:]
                script.write_text(wrk_script(slice_, threads, KEY))
                before = {r: answered(r) for r in deployment.replicas}
                load_before = os.getloadavg()
                out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{args.seconds}s",
                                      "--timeout", f"{args.timeout}s", "--latency", "-s", str(script),
                                      deployment.url], capture_output=True, text=True, check=True).stdout
                load_after = os.getloadavg()
                run = {"replicas": args.replicas, "connections": connections, "seconds": args.seconds,
                       "wrk_timeout_s": args.timeout, **parse_wrk(out),
                       "per_replica_answers": [answered(r) - before[r] for r in deployment.replicas],
                       "rss_mb": [vm_rss_mb(pid) for pid in deployment.pids],
                       "load_avg_before": [round(x, 2) for x in load_before],
                       "load_avg_after": [round(x, 2) for x in load_after]}
                run["repeats_within_run"] = run["requests"] > len(slice_)
                offset += run["requests"] + connections
                results.append(run)
                print(json.dumps(run), flush=True)
            time.sleep(1)
            turns = stored_turns(cluster.port, database)
            # answers clients received (in-flight requests when wrk stops are answered and stored, not counted)
            ok = sum(r["requests"] - r["non_2xx"] for r in results) + len(warm)
    finally:
        redis.stop()
        cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    summary = {"runs": results, "stored_turns": turns, "answers_2xx": ok, "lost_turns": max(0, ok - turns)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2))
    print("| replicas | clients | answers/s | p50 ms | p99 ms | errors (non-2xx + socket) | per replica | RSS MB | "
          "load avg 1-min before/after |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['replicas']} | {r['connections']} | {r['rps']:.0f} | {r['p50_ms']} | {r['p99_ms']} | "
              f"{r['errors']} ({r['non_2xx']} + {r['socket_errors'] or 'none'}) | {r['per_replica_answers']} | "
              f"{r['rss_mb']} | {r['load_avg_before'][0]} / {r['load_avg_after'][0]} |")
    print(f"turns stored in Postgres {turns} for {ok} 2xx answers received: {max(0, ok - turns)} lost")


if __name__ == "__main__":
    main()
