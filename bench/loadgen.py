"""A small HTTP/1.1 load generator: N threads, one connection each, for a bounded time.

Standard library only. Requests are prebuilt bytes and responses are parsed just enough
(status line, Content-Length, Connection), so the client spends far less CPU per request
than http.client would: on a 2-core machine the client shares the cores with the server, and
every cycle it burns is a request the server does not serve. gunicorn's sync workers close
the connection after each response; the client then reconnects, as a real browser would.
"""

from __future__ import annotations

import itertools
import socket
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

#: Builds the raw request for the n-th request of a run (n counts from 0 across all threads).
RequestFactory = Callable[[int], bytes]


@dataclass
class LoadResult:
    """Latencies (seconds) of the successful requests and what went wrong with the others."""

    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else float("nan")

    @property
    def p95_ms(self) -> float:
        if len(self.latencies) < 2:
            return self.median_ms
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[94] * 1000

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


class Connection:
    """One client connection that reconnects whenever the server closed the last one."""

    def __init__(self, host: str, port: int, timeout: float = 30.0):
        self.address = (host, port)
        self.timeout = timeout
        self.sock: socket.socket | None = None

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def request(self, raw: bytes) -> tuple[int, bytes]:
        """Send one request and return (status, body)."""
        if self.sock is None:
            self.sock = socket.create_connection(self.address, timeout=self.timeout)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            self.sock.sendall(raw)
            return self._read_response()
        except Exception:
            self.close()
            raise

    def _read_response(self) -> tuple[int, bytes]:
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed before the response headers")
            buffer += chunk
        head, _, body = buffer.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip().lower()
        length = headers.get(b"content-length")
        if length is not None:
            remaining = int(length) - len(body)
            while remaining > 0:
                chunk = self.sock.recv(min(remaining, 65536))
                if not chunk:
                    raise ConnectionError("connection closed inside the response body")
                body += chunk
                remaining -= len(chunk)
            if headers.get(b"connection") == b"close":
                self.close()
        else:  # no length: the body ends when the server closes the connection
            while chunk := self.sock.recv(65536):
                body += chunk
            self.close()
        return status, body


def run_load(
    *,
    host: str,
    port: int,
    make_request: RequestFactory,
    expect_status: int,
    connections: int,
    seconds: float,
    warmup: float = 1.0,
    limit: int | None = None,
) -> LoadResult:
    """Keep ``connections`` requests in flight for ``warmup`` + ``seconds``; measure the latter.

    With ``limit``, no more than that many requests are sent: the measurement then ends with
    the last response, and the throughput is taken over that shorter time.
    """
    counter = itertools.count()
    lock = threading.Lock()
    started = time.perf_counter()
    measure_from = started + warmup
    stop_at = measure_from + seconds
    result = LoadResult(seconds=seconds)
    last_end = [measure_from]

    def worker() -> None:
        connection = Connection(host, port)
        latencies: list[float] = []
        errors: dict[str, int] = {}
        while (begin := time.perf_counter()) < stop_at:
            n = next(counter)
            if limit is not None and n >= limit:
                break
            raw = make_request(n)
            try:
                status, _body = connection.request(raw)
                problem = None if status == expect_status else f"HTTP {status}"
            except OSError as exc:
                problem = type(exc).__name__
            end = time.perf_counter()
            if begin < measure_from or end > stop_at:
                continue
            if problem is None:
                latencies.append(end - begin)
            else:
                errors[problem] = errors.get(problem, 0) + 1
        connection.close()
        with lock:
            last_end[0] = max(last_end[0], min(time.perf_counter(), stop_at))
            result.latencies.extend(latencies)
            for problem, count in errors.items():
                result.errors[problem] = result.errors.get(problem, 0) + count

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if limit is not None:
        result.seconds = max(last_end[0] - measure_from, 1e-6)
    return result
