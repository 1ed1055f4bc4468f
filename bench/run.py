"""`make bench`: HTTP benchmarks of the endpoints in bench/endpoints.py (issue 11).

Prepares a benchmark database (migrate, collectstatic, ``generate_load_data``), serves it with
gunicorn as production would (2 sync workers, persistent database connections, DEBUG off:
learning.settings.bench), loads each endpoint from 127.0.0.1 with 8 connections for a bounded
time, and writes median and p95 latency, throughput, queries per request and the ratio of
throughput to the plain baseline view to bench/results/latest.md; then, with the server
stopped, times the jobs (commands and services without HTTP) listed in bench/endpoints.py.

Environment (all optional):
  DATABASE_URL      benchmark database; default SQLite in bench/data/ (never your dev database).
                    Give PostgreSQL a database of its own: the run adds synthetic data to it.
  REDIS_URL         cache and queue broker, as in production.
  BENCH_LEARNERS    synthetic learners (default 20000; the issue's full scale is 100000).
  BENCH_SECONDS     measured seconds per endpoint (default 5, after 1 s of warm-up).
  BENCH_CONNECTIONS concurrent connections (default 8).
  BENCH_WORKERS     gunicorn sync workers (default 2).
  BENCH_ONLY        comma-separated substrings: measure only endpoints and jobs whose name has one.
"""

from __future__ import annotations

import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
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
    from learning.accounts.services import issue_token
    from learning.load_data import PHONE_PREFIX
    from learning.models import User
    from learning.site.home_page import ensure_home_page

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


def vacuum() -> None:
    """PostgreSQL: VACUUM ANALYZE, as autovacuum does on a production server after large
    writes (it is off on this machine's PostgreSQL): the generator and the attempt pools
    leave hundreds of thousands of dead rows that every later update would step over."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def measure(endpoint, ctx, port: int) -> dict:
    """Queries of one warm request (in-process), then the endpoint under load on the server."""
    from bench.harness import build_request, count_queries, raw_http
    from bench.loadgen import run_load

    host = f"127.0.0.1:{port}"
    values = {**ctx.values, **(endpoint.prepare(ctx) if endpoint.prepare else {})}
    if endpoint.pool:
        vacuum()  # after preparing a pool: thousands of attempts written
    count_queries(build_request(endpoint, ctx, values, 0))  # warm caches, as the load does
    status, queries = count_queries(build_request(endpoint, ctx, values, 1))
    row = {"endpoint": endpoint, "queries": queries, "result": None, "problem": ""}
    if status != endpoint.status:
        row["problem"] = f"in-process request answered {status}, expected {endpoint.status}"
        print(f"  {endpoint.name}: {row['problem']}; not measured", flush=True)
        return row
    print(f"  {endpoint.name} …", flush=True)
    row["result"] = run_load(
        host="127.0.0.1",
        port=port,
        # Requests 0 and 1 were the in-process ones: per-request objects are not reused.
        make_request=lambda n: raw_http(build_request(endpoint, ctx, values, n + 2), host),
        expect_status=endpoint.status,
        connections=CONNECTIONS,
        seconds=SECONDS,
        limit=len(values[endpoint.pool]) - 2 if endpoint.pool else None,
    )
    return row


def measure_all(baseline, endpoints, ctx, port: int) -> tuple[dict, list[dict]]:
    """Each endpoint between two measurements of the baseline, its ratio to their mean.

    On a shared machine the load of other processes drifts within a run; bracketing each
    endpoint with the baseline keeps its ratio fair where one baseline figure would not be.
    """
    from bench.loadgen import LoadResult

    baselines = [measure(baseline, ctx, port)]
    rows = []
    for endpoint in endpoints:
        row = measure(endpoint, ctx, port)
        baselines.append(measure(baseline, ctx, port))
        before, after = baselines[-2]["result"], baselines[-1]["result"]
        if before and after:
            row["baseline_throughput"] = (before.throughput + after.throughput) / 2
        rows.append(row)
    results = [run["result"] for run in baselines]
    pooled = {"endpoint": baseline, "queries": baselines[0]["queries"], "result": None}
    pooled["problem"] = next((run["problem"] for run in baselines if run["problem"]), "")
    if all(results):
        pooled["result"] = LoadResult(
            seconds=sum(result.seconds for result in results),
            latencies=[latency for result in results for latency in result.latencies],
            errors={
                kind: sum(result.errors.get(kind, 0) for result in results)
                for kind in {kind for result in results for kind in result.errors}
            },
        )
        pooled["baseline_throughput"] = pooled["result"].throughput
        throughputs = [result.throughput for result in results]
        pooled["spread"] = (max(throughputs) - min(throughputs)) / pooled["result"].throughput
    return pooled, rows


def time_job(job, ctx) -> dict:
    """Median and best wall time of ``job.repeat`` runs, and the queries of the last one."""
    from django.db import connection

    print(f"  {job.name} …", flush=True)
    values = {**ctx.values, **(job.prepare(ctx) if job.prepare else {})}
    timings = []
    queries = 0
    note = ""

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    for n in range(job.repeat):
        queries = 0  # a counter, not CaptureQueriesContext: its log keeps only 9,000 queries
        with connection.execute_wrapper(count):
            started = time.perf_counter()
            result = job.run(ctx, values, n)
            timings.append(time.perf_counter() - started)
        if isinstance(result, str):
            note = result
    return {
        "job": job,
        "median": statistics.median(timings),
        "best": min(timings),
        "queries": queries,
        "note": note,
    }


def job_table(rows: list[dict]) -> list[str]:
    lines = [
        "| job | median s | best s | runs | queries per run | notes |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    lines += [
        f"| {row['job'].name} | {row['median']:.2f} | {row['best']:.2f} | {row['job'].repeat} "
        f"| {row['queries']} | {row['note']} |"
        for row in rows
    ]
    return lines


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
    prepared = ""
    if connection.vendor == "postgresql":
        on = database["OPTIONS"].get("prepare_threshold") is not None
        prepared = ", prepared statements" if on else ", no prepared statements"
        prepared += "; VACUUM ANALYZE after loading data and attempt pools"
    return [
        f"- run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit or '?'}",
        f"- machine: {os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f} at the end (other processes skew the numbers)",
        f"- database: {connection.vendor} {version} (CONN_MAX_AGE {database['CONN_MAX_AGE']}"
        f"{prepared}); cache: {cache}",
        f"- server: gunicorn, {WORKERS} sync workers, settings learning.settings.bench (DEBUG off)",
        f"- load: {CONNECTIONS} connections from 127.0.0.1, {SECONDS:g} s per endpoint after 1 s warm-up",
        f"- data: {LEARNERS} synthetic learners (`generate_load_data --learners {LEARNERS}`)",
    ]


def table(rows: list[dict]) -> list[str]:
    lines = [
        "| endpoint | auth | median ms | p95 ms | req/s | ratio to baseline | queries | errors |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        endpoint, result = row["endpoint"], row["result"]
        if result is None:
            lines.append(
                f"| {endpoint.name} | {endpoint.auth} | – | – | – | – | {row['queries']} "
                f"| {row['problem']} |"
            )
            continue
        baseline = row.get("baseline_throughput")
        ratio = f"{result.throughput / baseline:.2f}" if baseline else "–"
        errors = ", ".join(f"{count} × {kind}" for kind, count in result.errors.items()) or "0"
        lines.append(
            f"| {endpoint.name} | {endpoint.auth} | {result.median_ms:.1f} | {result.p95_ms:.1f} "
            f"| {result.throughput:.0f} | {ratio} | {row['queries']} | {errors} |"
        )
    return lines


def main() -> int:
    configure_environment()
    manage("migrate", "--noinput", "--verbosity", "0")
    manage("collectstatic", "--noinput", "--verbosity", "0")
    manage("generate_load_data", "--learners", str(LEARNERS))

    import django

    django.setup()
    from bench.endpoints import BASELINE, ENDPOINTS, JOBS

    endpoints = [e for e in ENDPOINTS if not ONLY or any(part in e.name for part in ONLY)]
    jobs = [job for job in JOBS if not ONLY or any(part in job.name for part in ONLY)]
    ctx = bench_context()
    vacuum()
    port = int(os.environ.get("BENCH_PORT") or free_port())
    server = Server(port)
    try:
        server.wait_ready()
        print(f"measuring on http://127.0.0.1:{port}/", flush=True)
        baseline, rows = measure_all(BASELINE, endpoints, ctx, port)
    finally:
        server.stop()

    job_rows = [time_job(job, ctx) for job in jobs]

    if baseline["result"] is None:
        print(f"the baseline view failed ({baseline['problem']}); no ratios", file=sys.stderr)
        return 1
    report = [
        "# Benchmark results",
        "",
        *describe_setup(),
        f"- baseline: {baseline['result'].throughput:.0f} req/s on average over its "
        f"{len(rows) + 1} measurements, which spread by {baseline['spread']:.0%} of that",
        "",
        *table([baseline, *rows]),
        "",
        "Ratio: the endpoint's throughput divided by the baseline's (a plain Django view with one "
        "indexed query and a tiny template, `learning.platform.benchmark`) on the same server, measured "
        "just before and just after the endpoint. Queries: SQL queries of one warm request, "
        "counted in-process.",
        "",
    ]
    if job_rows:
        report += [*job_table(job_rows), "", "Jobs run in-process after the server stopped.", ""]
    RESULTS.write_text("\n".join(report), encoding="utf-8")
    print("\n".join(report))
    print(f"written to {RESULTS.relative_to(ROOT)}")
    failed = [row for row in [baseline, *rows] if not row["result"] or row["result"].error_count]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
