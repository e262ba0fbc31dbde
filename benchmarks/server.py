"""Start the real server (gunicorn) on 127.0.0.1 for a benchmark, with its own database."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

BENCH_DATABASE = "hiring_bench"


def hiring_command() -> str:
    return shutil.which("hiring", path=str(Path(sys.executable).parent)) or "hiring"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_postgres(url: str) -> str:
    """Recreate the benchmark database beside the given one; return its URL."""
    admin = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    engine = create_engine(admin.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{BENCH_DATABASE}"'))
    engine.dispose()
    return admin.set(database=BENCH_DATABASE).render_as_string(hide_password=False)


@dataclass
class Server:
    base_url: str
    instance: Path
    database_url: str
    process: subprocess.Popen

    def worker_pids(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def worker_rss_mib(self) -> list[float]:
        sizes = []
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            kib = int(re.search(r"VmRSS:\s+(\d+)", status)[1])
            sizes.append(round(kib / 1024, 1))
        return sizes


@contextmanager
def running_server(folder: Path, *, workers: int = 4, database_url: str | None = None
                   ) -> Iterator[Server]:
    """Set up an instance (demo data) and serve it until the block ends."""
    env = dict(os.environ, HIRING_INSTANCE=str(folder), HIRING_DEVELOPMENT="1")
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url = fresh_postgres(database_url)
    else:
        database_url = f"sqlite:///{folder / 'hiring.sqlite'}"
    subprocess.run([hiring_command(), "demo", "--no-serve"], env=env, check=True,
                   capture_output=True)
    port = free_port()
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [hiring_command(), "serve", "--port", str(port), "--workers", str(workers)],
        env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", folder, database_url, process)
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(server.base_url + "/login", timeout=2):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the server did not start: " + (folder / "server.log").read_text())
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
