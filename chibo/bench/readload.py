"""Read load in the bench (issue 16, item 6): ``--connections`` keep-alive connections for
``--seconds`` against the production server (``chibo serve``: gunicorn) on loopback, one
target after the other, on the bench's data, logged in as the bench's board user.

Targets: the overview, the member list, ``/api/v1/stats`` and ``/api/v1/members`` and, in
the same run, the login page as the yardstick (what the server does with no data at all).
Each reports requests/s, p50/p95/p99 and its ratio to the login page's requests/s.

The client is this process: an asyncio loop with one coroutine per connection, speaking
HTTP/1.1 keep-alive on raw streams (no HTTP library in the way). It shares the machine's
cores with the server, so the login page's figure is a lower bound of what the server
could do alone; the data pages, hundreds of times slower, are not limited by the client.

Bounded: at most 200 connections and 120 s per target, loopback only.
"""

import asyncio
import statistics
import time
from dataclasses import asdict, dataclass, field

HOST = "127.0.0.1"
MAX_CONNECTIONS = 200
MAX_SECONDS = 120


@dataclass
class Target:
    name: str
    path: str
    auth: str  # "session", "token" or "none"


TARGETS = [
    Target("login page", "/accounts/login/", "none"),
    Target("overview", "/overview/", "session"),
    Target("members list", "/members/", "session"),
    Target("api stats", "/api/v1/stats", "token"),
    Target("api members", "/api/v1/members?limit=100", "token"),
]


@dataclass
class LoadResult:
    name: str
    path: str
    connections: int
    seconds: float
    requests: int = 0
    errors: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    ratio_to_login: float = 0.0

    def as_json(self) -> dict:
        return asdict(self)


def _percentile(ordered: list[float], q: float) -> float:
    if not ordered:
        return 0.0
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


async def _connection(port: int, request: bytes, until: float, latencies, statuses) -> int:
    """Send the request again and again on one connection until ``until``; returns errors."""
    errors = 0
    reader = writer = None
    while time.monotonic() < until:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(HOST, port)
            start = time.perf_counter()
            writer.write(request)
            await writer.drain()
            status, close = await _read_response(reader)
            latencies.append((time.perf_counter() - start) * 1000)
            statuses[status] = statuses.get(status, 0) + 1
            if close:
                writer.close()
                writer = None
        except (OSError, asyncio.IncompleteReadError, ValueError):
            errors += 1
            if writer is not None:
                writer.close()
            writer = None
            await asyncio.sleep(0.05)
    if writer is not None:
        writer.close()
    return errors


async def _read_response(reader: asyncio.StreamReader) -> tuple[str, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = lines[0].split(" ", 2)[1]
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.read()  # closed-delimited body
        return status, True
    return status, headers.get("connection", "").lower() == "close"


def _request(path: str, headers: dict[str, str]) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: {HOST}", "Connection: keep-alive"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def _hit(port: int, target: Target, headers: dict, connections: int, seconds: float):
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    request = _request(target.path, headers)
    start = time.monotonic()
    until = start + seconds
    errors = await asyncio.gather(
        *[_connection(port, request, until, latencies, statuses) for _ in range(connections)]
    )
    elapsed = time.monotonic() - start
    return latencies, statuses, sum(errors), elapsed


def measure(
    port: int,
    target: Target,
    headers: dict[str, str],
    *,
    connections: int,
    seconds: float,
) -> LoadResult:
    if not 1 <= connections <= MAX_CONNECTIONS or not 0 < seconds <= MAX_SECONDS:
        raise ValueError("connections 1–200, seconds up to 120")
    latencies, statuses, errors, elapsed = asyncio.run(
        _hit(port, target, headers, connections, seconds)
    )
    ordered = sorted(latencies)
    result = LoadResult(target.name, target.path, connections, round(elapsed, 1))
    result.requests = len(ordered)
    result.errors = errors
    result.statuses = statuses
    result.rps = round(len(ordered) / elapsed, 1) if elapsed else 0.0
    result.p50_ms = round(statistics.median(ordered), 1) if ordered else 0.0
    result.p95_ms = _percentile(ordered, 0.95)
    result.p99_ms = _percentile(ordered, 0.99)
    result.max_ms = round(ordered[-1], 1) if ordered else 0.0
    return result


def table(results: list[LoadResult]) -> str:
    lines = [
        f"{'target':<14}  {'req/s':>8}  {'p50 ms':>8}  {'p95 ms':>8}  {'p99 ms':>8}  "
        f"{'requests':>8}  {'errors':>6}  {'÷ login':>8}  statuses"
    ]
    for r in results:
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(r.statuses.items()))
        lines.append(
            f"{r.name:<14}  {r.rps:>8.1f}  {r.p50_ms:>8.1f}  {r.p95_ms:>8.1f}  {r.p99_ms:>8.1f}  "
            f"{r.requests:>8}  {r.errors:>6}  {r.ratio_to_login:>8.4f}  {statuses}"
        )
    return "\n".join(lines)
