"""N `roleqa serve` replicas behind Debian nginx (round robin), as docs/deployment.md describes them.

Used by tests/test_replicas.py (the contract) and bench/replicas_load.py (the load test). The caller brings
the environment (database, Redis, keys); this starts the replicas on free loopback ports, waits for each
/readyz, writes an nginx config that trusts nothing but passes X-Forwarded-For, and stops everything on exit.
nginx names the replica that answered in an `X-Upstream` header.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.redis_server import free_port

ROOT = Path(__file__).resolve().parent.parent
NGINX_HINT = "nginx is not installed: run `make install-nginx` (Debian package nginx)"

NGINX_CONF = """
worker_processes 1;  # one round-robin state, so requests alternate strictly
{user}
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections {connections}; }}
http {{
    access_log {access_log};
    client_body_temp_path {root}/tmp/body;
    proxy_temp_path {root}/tmp/proxy;
    fastcgi_temp_path {root}/tmp/fastcgi;
    uwsgi_temp_path {root}/tmp/uwsgi;
    scgi_temp_path {root}/tmp/scgi;
    upstream roleqa {{
{servers}
        keepalive {keepalive};
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://roleqa;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_next_upstream off;  # a failing replica must show, not be hidden by a retry on the other
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


@dataclass
class Deployment:
    url: str
    replicas: list[str]  # host:port of each replica, as X-Upstream names them
    pids: list[int]  # each replica's `roleqa serve` process (its one worker with --workers 1)
    logs: Path


def find_nginx() -> str | None:
    return shutil.which("nginx", path="/usr/sbin:/usr/bin:/usr/local/sbin")


def wait_ready(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} not ready after {timeout} s:\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def nginx_config(root: Path, ports: list[int], port: int, keepalive: int = 8, connections: int = 256,
                 access_log: bool = True) -> str:
    """nginx on `port` in front of the replicas on `ports` (the defaults are what tests/test_replicas.py runs)."""
    user = "user nobody nogroup;" if os.geteuid() == 0 else ""
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in ports)
    return NGINX_CONF.format(user=user, root=root, servers=servers, port=port, keepalive=keepalive,
                             connections=connections, access_log=f"{root}/access.log" if access_log else "off")


@contextmanager
def run_deployment(env: dict[str, str], replicas: int = 2, keepalive: int = 8, connections: int = 256,
                   access_log: bool = True, ready_timeout: float = 90) -> Iterator[Deployment]:
    """Start `replicas` x `roleqa serve --workers 1` with `env` (added to os.environ) behind nginx."""
    nginx = find_nginx()
    if nginx is None:
        raise RuntimeError(NGINX_HINT)
    root = Path(tempfile.mkdtemp(prefix="roleqa-replicas-"))
    root.chmod(0o755)  # nginx's workers run as nobody when this runs as root
    (root / "tmp").mkdir()
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    ports = [free_port() for _ in range(replicas)]
    processes: list[subprocess.Popen[bytes]] = []
    nginx_process: subprocess.Popen[bytes] | None = None
    try:
        for i, port in enumerate(ports):
            with (root / f"replica-{i}.log").open("wb") as out:
                processes.append(subprocess.Popen(
                    [sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                     "--workers", "1"], cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT))
        for i, port in enumerate(ports):
            wait_ready(f"http://127.0.0.1:{port}/readyz", processes[i], root / f"replica-{i}.log", ready_timeout)
        port = free_port()
        (root / "nginx.conf").write_text(nginx_config(root, ports, port, keepalive, connections, access_log))
        with (root / "nginx.log").open("wb") as out:
            nginx_process = subprocess.Popen(
                [nginx, "-p", str(root), "-c", str(root / "nginx.conf"), "-e", str(root / "error.log"),
                 "-g", "daemon off;"], stdout=out, stderr=subprocess.STDOUT)
        wait_ready(f"http://127.0.0.1:{port}/healthz", nginx_process, root / "error.log", timeout=20)
        yield Deployment(f"http://127.0.0.1:{port}", [f"127.0.0.1:{p}" for p in ports],
                         [p.pid for p in processes], root)
    finally:
        if nginx_process is not None:
            _stop(nginx_process, signal.SIGQUIT)  # nginx: graceful stop
        for process in processes:
            _stop(process)
        shutil.rmtree(root, ignore_errors=True)
