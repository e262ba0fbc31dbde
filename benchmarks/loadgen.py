"""An open-loop load generator: requests leave on a fixed timetable, whatever the server does.

Request i of a step at R requests per second is due at start + i / R. It is sent at that
moment even when earlier requests have not been answered (a new keep-alive connection is
opened when none is idle), and its latency is timed from the moment it was DUE, not from the
moment it was sent: a request that waits behind a slow server, or behind a generator that
fell behind, counts that wait. (A closed-loop client that sends late and times from the send
leaves the wait out: coordinated omission.)

The generator is asyncio with plain HTTP/1.1 on keep-alive connections, so that a slow
response does not hold back the requests after it. A step reports the rate offered, the
rate the requests actually left at, the rate answers came back at, errors,
p50/p95/p99/max from the due time, and the CPU the server's processes used (from /proc).
"""

from __future__ import annotations

import asyncio
import os
import resource
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.common import percentile

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class HTTPError(Exception):
    pass


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer
        self.used = False

    def close(self) -> None:
        self.writer.close()


class Pool:
    """Keep-alive connections to one server; a new one whenever none is idle (up to a limit)."""

    def __init__(self, host: str, port: int, *, limit: int = 2000, timeout: float = 30.0):
        self.host, self.port, self.timeout = host, port, timeout
        self.idle: list[_Connection] = []
        self.slots = asyncio.Semaphore(limit)
        self.opened = 0

    async def _connect(self) -> _Connection:
        reader, writer = await asyncio.open_connection(self.host, self.port, limit=2**22)
        self.opened += 1
        return _Connection(reader, writer)

    def _idle(self) -> _Connection | None:
        while self.idle:
            connection = self.idle.pop()
            if not connection.reader.at_eof():
                return connection
            connection.close()
        return None

    async def request(self, method: str, path: str, headers: dict[str, str] | None = None,
                      body: bytes = b"") -> Reply:
        async with self.slots:
            for attempt in range(2):
                connection = self._idle() if attempt == 0 else None
                connection = connection or await self._connect()
                reused = connection.used
                try:
                    reply, keep = await asyncio.wait_for(
                        self._exchange(connection, method, path, headers or {}, body),
                        self.timeout)
                except (OSError, asyncio.IncompleteReadError, HTTPError) as exc:
                    connection.close()
                    # The server may close an idle keep-alive connection just as it is
                    # reused: try once more on a new one.
                    if reused and attempt == 0:
                        continue
                    raise HTTPError(type(exc).__name__) from exc
                except TimeoutError:
                    connection.close()
                    raise
                connection.used = True
                if keep:
                    self.idle.append(connection)
                else:
                    connection.close()
                return reply
        raise AssertionError("unreachable")

    async def _exchange(self, connection: _Connection, method: str, path: str,
                        headers: dict[str, str], body: bytes) -> tuple[Reply, bool]:
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                f"Content-Length: {len(body)}"]
        head += [f"{name}: {value}" for name, value in headers.items()]
        connection.writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        await connection.writer.drain()
        raw = await connection.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/"):
            raise HTTPError(f"bad status line {lines[0]!r}")
        status = int(parts[1])
        reply_headers: dict[str, str] = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                name = name.strip().lower()
                value = value.strip()
                # Several Set-Cookie headers: keep the first cookie pair of each.
                reply_headers[name] = (reply_headers[name] + "; " + value
                                       if name in reply_headers else value)
        if reply_headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await connection.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunk = await connection.reader.readexactly(size + 2)
                if size == 0:
                    break
                chunks.append(chunk[:-2])
            data = b"".join(chunks)
        elif "content-length" in reply_headers:
            data = await connection.reader.readexactly(int(reply_headers["content-length"]))
        else:  # read until the server closes
            data = await connection.reader.read()
            return Reply(status, reply_headers, data), False
        keep = (reply_headers.get("connection", "").lower() != "close"
                and parts[0] != "HTTP/1.0")
        return Reply(status, reply_headers, data), keep

    def close(self) -> None:
        for connection in self.idle:
            connection.close()
        self.idle.clear()


# An action is one scheduled unit of work (usually one request): it returns None when it
# succeeded, or a short description of what went wrong.
Action = Callable[[int, Pool], Awaitable[str | None]]


def single(method: str, path: str, *, headers: dict | None = None, body: bytes = b"",
           expect: int = 200) -> Action:
    """An action that sends the same request every time and expects one status."""
    async def action(_index: int, pool: Pool) -> str | None:
        reply = await pool.request(method, path, headers, body)
        return None if reply.status == expect else f"status {reply.status}"
    return action


@dataclass
class Step:
    rate: float
    duration: float
    scheduled: int
    completed: int
    errors: int
    error_kinds: list[str]
    sent_rate: float           # how fast the requests really left
    answered_rate: float       # answers (of any kind) per second from the first due time
    latency_ms: dict           # from the due time: p50, p95, p99, max
    send_lag_ms: dict          # how late the generator sent (its own lag): p99, max
    server_cpu: float | None   # cores' worth of CPU the server's processes used
    client_cpu: float          # the same for this generator
    unfinished: int = 0
    connections: int = 0
    # From the first request's due moment to the last answer: how long the whole step took
    # to be answered (a burst of n due over 5 s is due within (n - 1) / n * 5 s).
    last_answer_s: float = 0.0
    latencies_s: list[float] = field(default_factory=list, repr=False)
    due_s: list[float] = field(default_factory=list, repr=False)

    def ok(self, p99_limit_ms: float = 1000.0) -> bool:
        """True when every request was answered without error and p99 is within the limit."""
        return (self.errors == 0 and self.unfinished == 0
                and self.latency_ms["p99"] <= p99_limit_ms)

    def figures(self) -> dict:
        return {key: value for key, value in self.__dict__.items()
                if key not in ("latencies_s", "due_s")}


def process_cpu_seconds(pids: list[int]) -> float:
    """User and system CPU seconds of these processes so far (processes gone count 0)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def server_pids(master: int) -> list[int]:
    """A gunicorn master and its workers."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        children = []
    return [master, *map(int, children)]


def _ms(values: list[float]) -> dict:
    if not values:
        return {"p50": None, "p95": None, "p99": None, "max": None}
    return {"p50": round(1000 * percentile(values, 50), 1),
            "p95": round(1000 * percentile(values, 95), 1),
            "p99": round(1000 * percentile(values, 99), 1),
            "max": round(1000 * max(values), 1)}


async def _run(host: str, port: int, rate: float, duration: float, action: Action,
               drain: float, count: int | None) -> tuple[list, list, float, int, int]:
    loop = asyncio.get_running_loop()
    pool = Pool(host, port, timeout=drain + duration)
    total = count if count is not None else max(1, round(rate * duration))
    start = loop.time() + 0.05
    results: list[tuple[float, float, str | None] | None] = [None] * total
    lags: list[float] = []
    sends: list[float] = []

    async def one(index: int, due: float) -> None:
        sent = loop.time()
        lags.append(sent - due)
        sends.append(sent)
        try:
            error = await action(index, pool)
        except TimeoutError:
            error = "timeout"
        except HTTPError as exc:
            error = f"connection {exc}"
        except Exception as exc:  # noqa: BLE001 - a broken reply is an error of the step
            error = f"{type(exc).__name__}: {exc}"[:80]
        results[index] = (due - start, loop.time() - due, error)

    tasks = []
    for index in range(total):
        due = start + index / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(one(index, due)))
    last_due = start + (total - 1) / rate
    _done, pending = await asyncio.wait(tasks, timeout=max(0.1, last_due + drain - loop.time()))
    for task in pending:
        task.cancel()
    # Unanswered requests count with the time they waited so far: a lower bound.
    finished_at = loop.time()
    for index, result in enumerate(results):
        if result is None:
            due = start + index / rate
            results[index] = (due - start, finished_at - due, "unfinished")
    pool.close()
    span = (max(sends) - min(sends)) if len(sends) > 1 else 0.0
    sent_rate = (len(sends) - 1) / span if span > 0 else float(len(sends))
    return results, lags, sent_rate, len(pending), pool.opened


def run_step(base_url: str, rate: float, duration: float, action: Action, *,
             server_pid: int | None = None, drain: float = 15.0,
             count: int | None = None) -> Step:
    """Offer `rate` actions per second for `duration` seconds (or `count` actions)."""
    from urllib.parse import urlsplit

    url = urlsplit(base_url)
    pids = server_pids(server_pid) if server_pid else []
    cpu_before = process_cpu_seconds(pids) if pids else 0.0
    mine_before = resource.getrusage(resource.RUSAGE_SELF)
    wall_before = time.monotonic()
    results, lags, sent_rate, unfinished, connections = asyncio.run(
        _run(url.hostname, url.port, rate, duration, action, drain, count))
    wall = time.monotonic() - wall_before
    mine_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu_after = process_cpu_seconds(server_pids(server_pid)) if pids else 0.0
    latencies = [latency for _due, latency, _error in results]
    errors = [error for _due, _latency, error in results if error]
    last_answer = max(due + latency for due, latency, _e in results)
    return Step(
        rate=rate, duration=duration if count is None else round(count / rate, 2),
        scheduled=len(results), completed=len(results) - unfinished,
        errors=len(errors), error_kinds=sorted(set(errors))[:8],
        sent_rate=round(sent_rate, 1),
        answered_rate=round((len(results) - unfinished) / last_answer, 1) if last_answer else 0,
        latency_ms=_ms(latencies),
        send_lag_ms={"p99": round(1000 * percentile(lags, 99), 1) if lags else None,
                     "max": round(1000 * max(lags), 1) if lags else None},
        server_cpu=round((cpu_after - cpu_before) / wall, 2) if pids else None,
        client_cpu=round((mine_after.ru_utime + mine_after.ru_stime - mine_before.ru_utime
                          - mine_before.ru_stime) / wall, 2),
        unfinished=unfinished, connections=connections, last_answer_s=round(last_answer, 3),
        latencies_s=latencies,
        due_s=[due for due, _l, _e in results])
