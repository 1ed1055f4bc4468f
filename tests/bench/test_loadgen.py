"""The benchmark load generator against a tiny local server: counts, statuses, reconnects."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.loadgen import run_load


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = b"ok" * 100
        self.send_response(200 if self.path.startswith("/ok") else 404)
        self.send_header("Content-Length", str(len(body)))
        if self.path.endswith("close"):
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def load(port, path, expect=200):
    raw = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    return run_load(
        host="127.0.0.1",
        port=port,
        make_request=lambda n: raw,
        expect_status=expect,
        connections=2,
        seconds=0.3,
        warmup=0.1,
    )


def test_measures_successful_requests_on_kept_alive_connections(server):
    result = load(server, "/ok")
    assert result.latencies and not result.errors
    assert result.throughput == len(result.latencies) / 0.3
    assert 0 < result.median_ms <= result.p95_ms


def test_reconnects_when_the_server_closes_each_connection(server):
    result = load(server, "/ok?close")
    assert result.latencies and not result.errors


def test_counts_an_unexpected_status_as_an_error(server):
    result = load(server, "/missing")
    assert not result.latencies and result.errors.keys() == {"HTTP 404"}


def test_a_limited_pool_is_never_requested_twice(server):
    seen = []
    result = run_load(
        host="127.0.0.1",
        port=server,
        make_request=lambda n: (
            seen.append(n) or f"GET /ok/{n} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
        ),
        expect_status=200,
        connections=2,
        seconds=5,
        warmup=0,
        limit=40,
    )
    assert sorted(seen) == list(range(40))
    assert len(result.latencies) == 40
    # The measurement ends with the last response, not after the full five seconds.
    assert result.seconds < 5 and result.throughput > 40 / 5
