"""A small HTTP/1.1 keep-alive load generator: prebuilt requests over raw sockets.

A general-purpose client (httpx, aiohttp) costs more CPU per request than the server
under test; on a two-core machine that would measure the client.
"""

import asyncio
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    """What one load run saw."""

    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)

    @property
    def requests_per_s(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile_ms(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def summary(self) -> str:
        return (
            f"{self.requests_per_s:,.0f} req/s, p50 {self.percentile_ms(0.5):.1f} ms, "
            f"p99 {self.percentile_ms(0.99):.1f} ms, statuses {dict(self.statuses)}"
        )


def request_bytes(path: str, body: bytes, headers: dict[str, str],
                  content_type: str = "application/json") -> bytes:
    """One POST request as it goes on the wire."""
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Type: {content_type}",
             f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    await reader.readexactly(length)
    return status


async def _connection(port: int, make_request: Callable[[], bytes], deadline: float,
                      result: LoadResult) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < deadline:
            request = make_request()
            started = time.perf_counter()
            writer.write(request)
            status = await _read_response(reader)
            result.latencies.append(time.perf_counter() - started)
            result.statuses[status] += 1
    finally:
        writer.close()


async def _run(port: int, connections: int, seconds: float,
               make_request: Callable[[], bytes]) -> LoadResult:
    started = time.perf_counter()
    result = LoadResult(seconds)
    deadline = started + seconds
    await asyncio.gather(*(
        _connection(port, make_request, deadline, result) for _ in range(connections)
    ))
    result.seconds = time.perf_counter() - started
    return result


def run_load(port: int, connections: int, seconds: float,
             make_request: Callable[[], bytes]) -> LoadResult:
    """Keep `connections` connections busy for `seconds`, one request in flight on each."""
    try:
        import uvloop
        runner = uvloop.run
    except ImportError:
        runner = asyncio.run
    return runner(_run(port, connections, seconds, make_request))


def median(values: list[float]) -> float:
    """The median, for repeated runs."""
    return statistics.median(values)


async def _open_loop(port: int, rate_per_s: float, seconds: float,
                     make_request: Callable[[], bytes], max_connections: int) -> LoadResult:
    result = LoadResult(seconds)
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    opened = 0
    tasks: set[asyncio.Task[None]] = set()

    async def one() -> None:
        nonlocal opened
        if idle:
            reader, writer = idle.pop()
        else:
            opened += 1
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        started = time.perf_counter()
        writer.write(make_request())
        status = await _read_response(reader)
        result.latencies.append(time.perf_counter() - started)
        result.statuses[status] += 1
        idle.append((reader, writer))

    started = time.perf_counter()
    sent = 0
    while (elapsed := time.perf_counter() - started) < seconds:
        due = int(elapsed * rate_per_s) - sent
        for _ in range(due):
            if opened - len(idle) >= max_connections:
                result.statuses[0] += 1  # not sent: every connection was waiting
            else:
                task = asyncio.create_task(one())
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            sent += 1
        await asyncio.sleep(0.001)
    await asyncio.gather(*tasks, return_exceptions=True)
    result.seconds = time.perf_counter() - started
    for _, writer in idle:
        writer.close()
    return result


def run_open_loop(port: int, rate_per_s: float, seconds: float,
                  make_request: Callable[[], bytes], max_connections: int = 1000) -> LoadResult:
    """Send `rate_per_s` requests a second whatever the answers, as real traffic does.

    Status 0 counts requests that could not be sent because `max_connections` were busy.
    """
    try:
        import uvloop
        runner = uvloop.run
    except ImportError:
        runner = asyncio.run
    return runner(_open_loop(port, rate_per_s, seconds, make_request, max_connections))
