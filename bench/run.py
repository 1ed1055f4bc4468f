"""`make bench`: HTTP benchmarks of the endpoints in bench/endpoints.py (issue 11).

Prepares a benchmark database (migrate, collectstatic, ``generate_load_data``), serves it with
gunicorn as production would (2 sync workers, persistent database connections, DEBUG off:
learning.settings.bench), loads each endpoint from 127.0.0.1 with 8 connections for a bounded
time, and writes median and p95 latency, throughput, queries per request and the ratio of
throughput to the plain baseline view to bench/results/latest.md.

Environment (all optional):
  DATABASE_URL      benchmark database; default SQLite in bench/data/ (never your dev database).
                    Give PostgreSQL a database of its own: the run adds synthetic data to it.
  REDIS_URL         cache and queue broker, as in production.
  BENCH_LEARNERS    synthetic learners (default 20000; the issue's full scale is 100000).
  BENCH_SECONDS     measured seconds per endpoint (default 5, after 1 s of warm-up).
  BENCH_CONNECTIONS concurrent connections (default 8).
  BENCH_WORKERS     gunicorn sync workers (default 2).
  BENCH_ONLY        comma-separated substrings: measure only endpoints whose name has one.
"""

from __future__ import annotations

import os
import platform
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results" / "latest.md"
sys.path.insert(0, str(ROOT))

LEARNERS = int(os.environ.get("BENCH_LEARNERS", "20000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
ONLY = [part.strip() for part in os.environ.get("BENCH_ONLY", "").split(",") if part.strip()]


def configure_environment() -> None:
    """Benchmark settings and a benchmark database, for this process and its children."""
    DATA.mkdir(exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "learning.settings.bench"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{DATA / 'bench.sqlite3'}")
    os.environ.setdefault("MEDIA_ROOT", str(DATA / "media"))
    os.environ.setdefault("STATIC_ROOT", str(DATA / "static"))
    os.environ.setdefault("LOG_LEVEL", "WARNING")


def manage(*args: str) -> None:
    print(f"$ manage.py {' '.join(args)}", flush=True)
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with the project's gunicorn.conf.py, as on a web node, on 127.0.0.1."""

    def __init__(self, port: int):
        self.port = port
        self.log = open(DATA / "gunicorn.log", "w")  # noqa: SIM115 - closed in stop()
        env = {
            **os.environ,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": str(WORKERS),
            "GUNICORN_MAX_REQUESTS": "0",  # no worker recycling in the middle of a measurement
            "GUNICORN_ACCESS_LOG": "",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {DATA / 'gunicorn.log'}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5):  # noqa: S310
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def bench_context():
    """The bench learner (first synthetic one) with a bearer token and a site session."""
    from django.test import Client

    from bench.endpoints import base_values
    from bench.harness import BenchContext
    from learning.accounts import issue_token
    from learning.load_data import PHONE_PREFIX
    from learning.models import User
    from learning.sites import ensure_home_page

    ensure_home_page()
    learner = (
        User.objects.select_related("profile__organisation")
        .filter(phone__startswith=PHONE_PREFIX)
        .order_by("pk")
        .first()
    )
    client = Client()
    client.force_login(learner)
    ctx = BenchContext(
        learner=learner,
        token=issue_token(user=learner).token,
        session_key=client.cookies["sessionid"].value,
    )
    ctx.values = base_values(ctx)
    return ctx


def measure(endpoints, ctx, port: int) -> list[dict]:
    from bench.harness import build_request, count_queries, raw_http
    from bench.loadgen import run_load

    host = f"127.0.0.1:{port}"
    rows = []
    for endpoint in endpoints:
        values = {**ctx.values, **(endpoint.prepare(ctx) if endpoint.prepare else {})}
        first = build_request(endpoint, ctx, values, 0)
        count_queries(first)  # warm caches, as the load's warm-up second does
        status, queries = count_queries(build_request(endpoint, ctx, values, 1))
        row = {"endpoint": endpoint, "queries": queries, "result": None, "problem": ""}
        rows.append(row)
        if status != endpoint.status:
            row["problem"] = f"in-process request answered {status}, expected {endpoint.status}"
            print(f"  {endpoint.name}: {row['problem']}; not measured", flush=True)
            continue
        print(f"  {endpoint.name} …", flush=True)
        row["result"] = run_load(
            host="127.0.0.1",
            port=port,
            make_request=lambda n, e=endpoint, v=values: raw_http(
                build_request(e, ctx, v, n), host
            ),
            expect_status=endpoint.status,
            connections=CONNECTIONS,
            seconds=SECONDS,
        )
    return rows


def describe_setup() -> list[str]:
    from django.conf import settings
    from django.db import connection

    database = settings.DATABASES["default"]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        version = cursor.fetchone()[0]
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return [
        f"- run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit or '?'}",
        f"- machine: {os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f} at the end (other processes skew the numbers)",
        f"- database: {connection.vendor} {version} (CONN_MAX_AGE {database['CONN_MAX_AGE']}); cache: {cache}",
        f"- server: gunicorn, {WORKERS} sync workers, settings learning.settings.bench (DEBUG off)",
        f"- load: {CONNECTIONS} connections from 127.0.0.1, {SECONDS:g} s per endpoint after 1 s warm-up",
        f"- data: {LEARNERS} synthetic learners (`generate_load_data --learners {LEARNERS}`)",
    ]


def table(rows: list[dict], baseline_throughput: float) -> list[str]:
    lines = [
        "| endpoint | auth | median ms | p95 ms | req/s | ratio to baseline | queries | errors |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        endpoint, result = row["endpoint"], row["result"]
        if result is None:
            lines.append(
                f"| {endpoint.name} | {endpoint.auth} | – | – | – | – | {row['queries']} | {row['problem']} |"
            )
            continue
        ratio = result.throughput / baseline_throughput if baseline_throughput else float("nan")
        errors = ", ".join(f"{count} × {kind}" for kind, count in result.errors.items()) or "0"
        lines.append(
            f"| {endpoint.name} | {endpoint.auth} | {result.median_ms:.1f} | {result.p95_ms:.1f} "
            f"| {result.throughput:.0f} | {ratio:.2f} | {row['queries']} | {errors} |"
        )
    return lines


def main() -> int:
    configure_environment()
    manage("migrate", "--noinput", "--verbosity", "0")
    manage("collectstatic", "--noinput", "--verbosity", "0")
    manage("generate_load_data", "--learners", str(LEARNERS))

    import django

    django.setup()
    from bench.endpoints import BASELINE, ENDPOINTS

    endpoints = [e for e in ENDPOINTS if not ONLY or any(part in e.name for part in ONLY)]
    ctx = bench_context()
    port = int(os.environ.get("BENCH_PORT") or free_port())
    server = Server(port)
    try:
        server.wait_ready()
        print(f"measuring on http://127.0.0.1:{port}/", flush=True)
        again = replace(BASELINE, name="baseline again (drift check)")
        rows = measure([BASELINE, *endpoints, again], ctx, port)
    finally:
        server.stop()

    baseline_first, baseline_last = rows[0]["result"], rows[-1]["result"]
    if baseline_first is None or baseline_last is None:
        print("the baseline view failed; no ratios can be computed", file=sys.stderr)
        return 1
    baseline_throughput = (baseline_first.throughput + baseline_last.throughput) / 2
    drift = abs(baseline_first.throughput - baseline_last.throughput) / baseline_throughput
    report = [
        "# Benchmark results",
        "",
        *describe_setup(),
        f"- baseline throughput: {baseline_throughput:.0f} req/s (mean of the first and last "
        f"measurement, which differ by {drift:.0%})",
        "",
        *table(rows, baseline_throughput),
        "",
        "Ratio: the endpoint's throughput divided by the baseline's (a plain Django view with one "
        "indexed query and a tiny template, `learning.benchmark`) on the same server in the same "
        "run. Queries: SQL queries of one warm request, counted in-process.",
        "",
    ]
    RESULTS.write_text("\n".join(report), encoding="utf-8")
    print("\n".join(report))
    print(f"written to {RESULTS.relative_to(ROOT)}")
    failed = [row for row in rows if row["result"] is None or row["result"].error_count]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
