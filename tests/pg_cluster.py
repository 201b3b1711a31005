"""A throwaway PostgreSQL cluster for tests: Debian's initdb/pg_ctl (`make install-postgres`), on loopback.

Runs as the `postgres` user when the tests run as root (initdb refuses root). fsync is off: the tests
check behaviour, not durability.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass

HINT = "PostgreSQL is not installed: run `make install-postgres` (Debian package postgresql)"


@dataclass
class Cluster:
    root: str
    bindir: str
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def database_url(self, name: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        return self.database_url(name)

    def stop(self) -> None:
        subprocess.run(_as_postgres() + [os.path.join(self.bindir, "pg_ctl"), "-D", os.path.join(self.root, "data"),
                                         "-m", "immediate", "stop"], capture_output=True, check=False)
        shutil.rmtree(self.root, ignore_errors=True)


def _as_postgres() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def start_cluster() -> Cluster:
    """Start a new cluster on a free loopback port (raises RuntimeError with HINT when not installed)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError(HINT)
    bindir = os.path.dirname(found[-1])
    root = tempfile.mkdtemp(prefix="roleqa-pg-")
    os.chmod(root, 0o755)
    data, sock = os.path.join(root, "data"), os.path.join(root, "sock")
    os.makedirs(data)
    os.makedirs(sock)
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
        shutil.chown(sock, "postgres")
    subprocess.run(_as_postgres() + [os.path.join(bindir, "initdb"), "-D", data, "-A", "trust", "-U", "postgres",
                                     "--no-sync"], check=True, capture_output=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = os.path.join(root, "sock", "log")
    options = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    subprocess.run(_as_postgres() + [os.path.join(bindir, "pg_ctl"), "-D", data, "-l", log, "-w", "-o", options,
                                     "start"], check=True, capture_output=True)
    return Cluster(root, bindir, port)
