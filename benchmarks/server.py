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


def hiring_command() -> str:
    return shutil.which("hiring", path=str(Path(sys.executable).parent)) or "hiring"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_postgres(url: str, suffix: str = "app") -> str:
    """Recreate the database <name>_<suffix> beside the one the URL names (so that two
    people benchmarking on one PostgreSQL server, each with a database of their own, do
    not drop each other's); return its URL."""
    admin = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"{admin.database or 'hiring'}_{suffix}"
    engine = create_engine(admin.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin.set(database=name).render_as_string(hide_password=False)


@dataclass
class Server:
    base_url: str
    instance: Path
    database_url: str
    process: subprocess.Popen

    @property
    def pid(self) -> int:
        """The gunicorn master's process id."""
        return self.process.pid

    def _children(self) -> list[int]:
        found = []
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            found += [int(pid) for pid in (task / "children").read_text().split()]
        return found

    def job_worker_pids(self) -> list[int]:
        """The `hiring worker` processes `hiring serve` started beside its own."""
        return [pid for pid in self._children() if _is_job_worker(pid)]

    def worker_pids(self) -> list[int]:
        """The server (web) processes, gunicorn's workers."""
        return [pid for pid in self._children() if not _is_job_worker(pid)]

    def worker_rss_mib(self) -> list[float]:
        return [rss_mib(pid) for pid in self.worker_pids()]

    def job_worker_rss_mib(self) -> list[float]:
        return [rss_mib(pid) for pid in self.job_worker_pids()]


def _is_job_worker(pid: int) -> bool:
    arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    return b"worker" in arguments or any(b"['worker']" in a for a in arguments)


def rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return round(int(re.search(r"VmRSS:\s+(\d+)", status)[1]) / 1024, 1)


@contextmanager
def running_server(folder: Path, *, workers: int = 4, database_url: str | None = None,
                   prepare=None) -> Iterator[Server]:
    """Set up an instance (demo data, or what prepare(env) makes) and serve it until the
    block ends."""
    env = dict(os.environ, HIRING_INSTANCE=str(folder), HIRING_DEVELOPMENT="1")
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url = fresh_postgres(database_url)
    else:
        database_url = f"sqlite:///{folder / 'hiring.sqlite'}"
    if prepare is not None:
        prepare(env)
    else:
        subprocess.run([hiring_command(), "demo", "--no-serve"], env=env, check=True,
                       capture_output=True)
    port = free_port()
    with _serving([hiring_command(), "serve", "--port", str(port), "--workers", str(workers)],
                  env, folder, "/login", port, database_url) as server:
        wait_until_started(server, workers)
        yield server


@contextmanager
def running_reference(folder: Path, *, workers: int = 4, database_url: str | None = None,
                      rows: int = 5000) -> Iterator[Server]:
    """Serve benchmarks.reference (a bare endpoint and the bare one-row save) the way
    `hiring serve` serves the app, on a database of its own with `rows` response rows."""
    from benchmarks import reference

    folder.mkdir(parents=True, exist_ok=True)
    if database_url:
        database_url = fresh_postgres(database_url, "ref").replace(
            "postgresql+psycopg://", "postgresql://", 1)
    else:
        database_url = f"sqlite:///{folder / 'reference.sqlite'}"
    reference.prepare(database_url, rows)
    port = free_port()
    env = dict(os.environ)
    with _serving([sys.executable, "-m", "benchmarks.reference", "--port", str(port),
                   "--workers", str(workers), "--database", database_url],
                  env, folder, "/bare", port, database_url, log_name="reference.log") as server:
        wait_until_started(server, workers)
        yield server


def wait_until_started(server: Server, workers: int, *, timeout: float = 60.0) -> None:
    """Wait until every web process of the server has started and warmed up (each
    compiles its templates and statements before its first request: over a second of
    CPU a process, which the first seconds of a benchmark would otherwise share the two
    cores with), that is until the web processes use no CPU for a second. A server is
    measured as it runs all day, not while it starts."""
    from benchmarks.loadgen import process_cpu_seconds

    began = time.monotonic()
    quiet = 0
    while time.monotonic() - began < timeout:
        pids = server.worker_pids()
        before = process_cpu_seconds(pids)
        time.sleep(0.25)
        used = process_cpu_seconds(pids) - before
        quiet = quiet + 1 if len(pids) >= workers and used < 0.02 else 0
        if quiet >= 4:
            return


@contextmanager
def _serving(command: list[str], env: dict, folder: Path, probe: str, port: int,
             database_url: str, log_name: str = "server.log") -> Iterator[Server]:
    log = (folder / log_name).open("w")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, start_new_session=True,
                               cwd=Path(__file__).resolve().parent.parent)
    server = Server(f"http://127.0.0.1:{port}", folder, database_url, process)
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(server.base_url + probe, timeout=2):
                    break
            except OSError:
                if process.poll() is not None:
                    break
                time.sleep(0.2)
        else:
            raise RuntimeError("the server did not start: " + (folder / log_name).read_text())
        if process.poll() is not None:
            raise RuntimeError("the server stopped: " + (folder / log_name).read_text())
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
