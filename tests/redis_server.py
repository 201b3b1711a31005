"""A throwaway Redis server for tests: Debian's redis-server (`make install-redis`), on loopback.

No persistence and no config file: the tests check sharing between replicas, not durability.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass

HINT = "Redis is not installed: run `make install-redis` (Debian package redis-server)"


@dataclass
class RedisServer:
    root: str
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_redis() -> RedisServer:
    """Start redis-server on a free loopback port (RuntimeError with HINT when it is not installed)."""
    binary = shutil.which("redis-server", path="/usr/bin:/usr/sbin:/usr/local/bin")
    if binary is None:
        raise RuntimeError(HINT)
    root = tempfile.mkdtemp(prefix="roleqa-redis-")
    port = free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", root, "--save", "",
                                "--appendonly", "no", "--daemonize", "no", "--logfile", f"{root}/redis.log"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = RedisServer(root, port, process)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            server.stop()
            raise RuntimeError(f"redis-server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return server
        except OSError:
            time.sleep(0.05)
    server.stop()
    raise RuntimeError("redis-server did not start within 20 s")
