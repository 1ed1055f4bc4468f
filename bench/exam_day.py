"""Herd benchmark of exam day (issue 21.5): a 模考大赛 that every candidate starts in one minute.

Each step seats N simulated candidates on a fresh contest paper (the real-exam blueprint, 60
single + 20 multiple choice, drawn from the 压测 bank of exams.papers.load_data). Every candidate
holds a bearer token (logged in before the opening, as the app keeps its token), starts the
contest at a random moment of the same ``--start-window`` (60 s), autosaves every 5 answers
(16 saves of the 80 questions) over a compressed sitting, and submits in the last
``--submit-window`` seconds of it. Requests go from one asyncio client over loopback to
gunicorn (``WEB_CONCURRENCY`` sync workers, production settings: learning.settings.bench),
one connection per request (sync workers close them anyway), at most ``--max-inflight`` at
once; a request's latency counts from the moment it was due, so time spent queueing in the
client counts too (no coordinated omission).

A step passes with no error and a p95 under 1 s over all its requests; the steps go on
(50, 100, 200, 400...) until one fails. Before the steps, a calibration measures the web
workers' CPU per request of each kind (sequential, one connection): the numbers the
capacity plan of docs/deploy.md is built on. Logging in with a password is measured there
too (10 logins): PBKDF2 makes it the dearest request by far.

    .venv/bin/python bench/exam_day.py                       # SQLite and PostgreSQL + Redis
    .venv/bin/python bench/exam_day.py --engine sqlite --steps 50,100

PostgreSQL: database ``EXAM_DAY_PG_DB`` (default xuetang_exam_day, dropped and recreated) at
127.0.0.1 as postgres; Redis db ``EXAM_DAY_REDIS_DB`` (default 10, flushed). Results are
printed and written to bench/results/exam_day-<engine>.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

PG_DB = os.environ.get("EXAM_DAY_PG_DB", "xuetang_exam_day")
REDIS_DB = os.environ.get("EXAM_DAY_REDIS_DB", "10")
SAVES = 16  # 80 questions, a save every 5 answers
P95_LIMIT_MS = 1000


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--steps", default="50,100,200,400,800,1600")
    parser.add_argument("--start-window", type=float, default=60.0)
    parser.add_argument(
        "--sitting-seconds",
        type=float,
        default=90.0,
        help="the 120 minutes of the sitting, compressed to this many seconds",
    )
    parser.add_argument("--submit-window", type=float, default=20.0)
    parser.add_argument("--max-inflight", type=int, default=64)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", "2")))
    parser.add_argument("--seed", type=int, default=21)
    return parser.parse_args(argv)


# ---------------------------------------------------------------------------------------------
# Set-up, in the process that then drives the load


def configure(engine: str) -> None:
    DATA.mkdir(exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "learning.settings.bench"
    os.environ.setdefault("MEDIA_ROOT", str(DATA / "media"))
    os.environ.setdefault("STATIC_ROOT", str(DATA / "static"))
    os.environ["LOG_LEVEL"] = "WARNING"
    if engine == "sqlite":
        path = DATA / "exam_day.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        os.environ.pop("REDIS_URL", None)
    else:
        subprocess.run(
            ["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", PG_DB], check=True
        )
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", PG_DB], check=True)
        subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "-n", REDIS_DB, "flushdb"],
            check=True,
            capture_output=True,
        )
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
        os.environ["REDIS_URL"] = f"redis://127.0.0.1:6379/{REDIS_DB}"


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def prepare_data(learners: int) -> None:
    import django

    django.setup()
    from exams.papers import load_data as exam_data
    from learning import load_data as learner_data

    learner_data.generate(learners=learners, seed=1)
    exam_data.generate(learners=learners, seed=1)


def candidates(count: int) -> list[int]:
    from learning.load_data import PHONE_PREFIX
    from learning.models import User

    return list(
        User.objects.filter(phone__startswith=PHONE_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )


def contest_for(learner_ids: list[int], *, opens_in: float, minutes: int = 120):
    """A fresh contest paper opening in ``opens_in`` seconds, everyone registered."""
    from datetime import timedelta

    from django.utils import timezone

    from exams.models import BlueprintRule, ContestRegistration, Paper
    from exams.papers.load_data import PAPER_TITLE

    template = Paper.objects.get(title=PAPER_TITLE)
    now = timezone.now()
    opens_at = now + timedelta(seconds=opens_in)
    paper = Paper.objects.create(
        title=f"压测模考大赛 {now:%H%M%S}",
        level=template.level,
        subject=template.subject,
        kind=template.kind,
        time_limit_minutes=minutes,
        pass_score=template.pass_score,
        is_published=True,
        is_contest=True,
        opens_at=opens_at,
        closes_at=opens_at + timedelta(minutes=minutes),
    )
    BlueprintRule.objects.bulk_create(
        BlueprintRule(
            paper=paper,
            question_type=rule.question_type,
            count=rule.count,
            score=rule.score,
            bank_id=rule.bank_id,
            subject=rule.subject,
            level=rule.level,
            chapters=rule.chapters,
            sort_order=rule.sort_order,
        )
        for rule in template.rules.all()
    )
    ContestRegistration.objects.bulk_create(
        ContestRegistration(paper=paper, learner_id=pk, registered_at=now) for pk in learner_ids
    )
    # What the task queue does within seconds of publishing (no qcluster runs here): the
    # variants are drawn ahead, so the opening minute's starts copy one instead of drawing.
    from exams.papers import variants

    variants.prepare(paper)
    return paper


def tokens_for(learner_ids: list[int]) -> dict[int, str]:
    from learning.accounts.services import issue_token
    from learning.models import User

    users = User.objects.in_bulk(learner_ids)
    return {pk: issue_token(user=users[pk]).token for pk in learner_ids}


def with_password(learner_ids: list[int], password: str) -> list[str]:
    from django.contrib.auth.hashers import make_password

    from learning.models import User

    User.objects.filter(pk__in=learner_ids).update(password=make_password(password))
    return list(User.objects.filter(pk__in=learner_ids).values_list("phone", flat=True))


# ---------------------------------------------------------------------------------------------
# The server and its CPU


class Server:
    def __init__(self, port: int, workers: int, log: Path):
        self.port = port
        self.log = open(log, "w")  # noqa: SIM115 - closed in stop()
        env = {
            **os.environ,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_MAX_REQUESTS": "0",
            "GUNICORN_ACCESS_LOG": "",
            "GUNICORN_TIMEOUT": "120",
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 90) -> None:
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited; see its log")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5):  # noqa: S310
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not come up")

    def cpu_seconds(self) -> float:
        """User + system CPU of the gunicorn workers (children of the master) so far."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0.0
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        for pid in children.read_text().split():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick
        return total

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# The client


async def http(port: int, method: str, path: str, *, token: str | None = None, body=None):
    """One request on its own connection: ``(status, parsed JSON or None)``."""
    payload = b"" if body is None else json.dumps(body).encode()
    head = [
        f"{method} {path} HTTP/1.1",
        "Host: 127.0.0.1",
        "Connection: close",
        f"Content-Length: {len(payload)}",
    ]
    if body is not None:
        head.append("Content-Type: application/json")
    if token:
        head.append(f"Authorization: Bearer {token}")
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + payload)
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    header, _sep, content = raw.partition(b"\r\n\r\n")
    status = int(header.split(b" ", 2)[1]) if header else 0
    if b"transfer-encoding: chunked" in header.lower():
        content = _unchunk(content)
    try:
        return status, json.loads(content) if content else None
    except ValueError:
        return status, None


def _unchunk(data: bytes) -> bytes:
    out, rest = [], data
    while rest:
        size_line, _sep, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out.append(rest[:size])
        rest = rest[size + 2 :]
    return b"".join(out)


@dataclass
class Sample:
    kind: str
    ms: float
    ok: bool
    status: int


@dataclass
class StepResult:
    candidates: int
    samples: list[Sample] = field(default_factory=list)
    cpu_seconds: float = 0.0
    wall_seconds: float = 0.0

    def of(self, kind: str | None = None) -> list[Sample]:
        return [s for s in self.samples if kind is None or s.kind == kind]

    def p(self, kind: str | None, q: float) -> float:
        values = sorted(s.ms for s in self.of(kind))
        if not values:
            return 0.0
        return values[min(len(values) - 1, int(q * len(values)))]

    def errors(self, kind: str | None = None) -> int:
        return sum(1 for s in self.of(kind) if not s.ok)

    @property
    def passed(self) -> bool:
        return self.errors() == 0 and self.p(None, 0.95) < P95_LIMIT_MS


def answers_for(question: dict) -> list[str] | dict:
    keys = [option["key"] for option in question.get("options", [])]
    if question["type"] == "multiple":
        return keys[:2]
    return keys[:1]


async def candidate(port, token, paper_id, plan, limiter, samples, t0):
    """One candidate's sitting: start, 16 autosaves, submit, each at its planned moment."""
    start_at, save_times, submit_at = plan

    async def timed(kind, due, method, path, body=None, expect=(200,)):
        delay = t0 + due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        scheduled = t0 + due
        async with limiter:
            try:
                status, data = await http(port, method, path, token=token, body=body)
            except OSError:
                status, data = 0, None
        ms = (time.monotonic() - scheduled) * 1000
        samples.append(Sample(kind, ms, status in expect, status))
        return status, data

    status, attempt = await timed(
        "start", start_at, "POST", f"/api/v1/papers/{paper_id}/attempts", expect=(201, 200)
    )
    if status not in (200, 201) or not attempt:
        return
    questions = attempt["questions"]
    per_save = max(1, len(questions) // SAVES)
    for index, due in enumerate(save_times):
        chunk = questions[index * per_save : (index + 1) * per_save]
        body = {"answers": {str(q["id"]): answers_for(q) for q in chunk}}
        await timed("autosave", due, "PUT", f"/api/v1/attempts/{attempt['id']}/answers", body)
    await timed("submit", submit_at, "POST", f"/api/v1/attempts/{attempt['id']}/submit")


def plans(count: int, args, rng: random.Random) -> list[tuple[float, list[float], float]]:
    """Moments (seconds after the opening) of each candidate's start, saves and submit."""
    close = args.start_window + args.sitting_seconds
    out = []
    for _ in range(count):
        start = rng.uniform(0, args.start_window)
        submit = rng.uniform(close - args.submit_window, close)
        span = submit - start
        saves = [start + span * (i + 1) / (SAVES + 1) for i in range(SAVES)]
        out.append((start, saves, submit))
    return out


async def herd(port, tokens, paper_id, args, rng, lead: float) -> list[Sample]:
    samples: list[Sample] = []
    limiter = asyncio.Semaphore(args.max_inflight)
    t0 = time.monotonic() + lead
    await asyncio.gather(
        *(
            candidate(port, token, paper_id, plan, limiter, samples, t0)
            for token, plan in zip(tokens, plans(len(tokens), args, rng), strict=True)
        )
    )
    return samples


# ---------------------------------------------------------------------------------------------
# Calibration: CPU per request of each kind, one at a time


async def calibrate(server: Server, learner_ids: list[int], samples: int = 20) -> dict[str, dict]:
    ids = learner_ids[:samples]
    paper = contest_for(ids, opens_in=-1)
    tokens = tokens_for(ids)
    out: dict[str, dict] = {}
    attempts: dict[int, dict] = {}

    async def phase(kind, calls):
        cpu0, wall = server.cpu_seconds(), []
        for call in calls:
            t = time.monotonic()
            status, data = await call()
            wall.append((time.monotonic() - t) * 1000)
            yield status, data
        out[kind] = {
            "n": len(wall),
            "cpu_ms": (server.cpu_seconds() - cpu0) * 1000 / len(wall),
            "p50_ms": statistics.median(wall),
        }

    def start_call(pk):
        return lambda: http(
            server.port, "POST", f"/api/v1/papers/{paper.pk}/attempts", token=tokens[pk]
        )

    async for _status, data in phase("start", [start_call(pk) for pk in ids]):
        attempts[len(attempts)] = data

    def save_call(attempt, token):
        chunk = attempt["questions"][:5]
        body = {"answers": {str(q["id"]): answers_for(q) for q in chunk}}
        return lambda: http(
            server.port, "PUT", f"/api/v1/attempts/{attempt['id']}/answers", token=token, body=body
        )

    order = [tokens[pk] for pk in ids]
    async for _ in phase("autosave", [save_call(attempts[i], order[i]) for i in range(len(ids))]):
        pass

    def submit_call(attempt, token):
        return lambda: http(
            server.port, "POST", f"/api/v1/attempts/{attempt['id']}/submit", token=token
        )

    async for _ in phase("submit", [submit_call(attempts[i], order[i]) for i in range(len(ids))]):
        pass

    phones = with_password(learner_ids[-10:], "Exam-day-2026")

    def login_call(phone):
        return lambda: http(
            server.port,
            "POST",
            "/api/v1/auth/token",
            body={"phone": phone, "password": "Exam-day-2026"},
        )

    statuses = []
    async for status, _data in phase("login (password)", [login_call(phone) for phone in phones]):
        statuses.append(status)
    out["login (password)"]["statuses"] = sorted(set(statuses))
    return out


# ---------------------------------------------------------------------------------------------


def run_engine(engine: str, args) -> str:
    steps = [int(part) for part in args.steps.split(",") if part.strip()]
    configure(engine)
    print(f"== {engine}: migrate and {max(steps)} synthetic learners", flush=True)
    manage("migrate", "--noinput", "--verbosity", "0")
    if not (Path(os.environ["STATIC_ROOT"]) / "staticfiles.json").exists():
        manage("collectstatic", "--noinput", "--verbosity", "0")
    prepare_data(max(steps) + 10)
    learner_ids = candidates(max(steps) + 10)
    server = Server(free_port(), args.workers, DATA / f"exam_day-{engine}-gunicorn.log")
    rng = random.Random(args.seed)
    results: list[StepResult] = []
    load = os.getloadavg()
    try:
        server.wait_ready()
        # The driver's few ORM calls (papers, tokens) run between awaits, in this process only.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        costs = asyncio.run(calibrate(server, learner_ids))
        for kind, row in costs.items():
            print(f"   {kind}: {row['cpu_ms']:.1f} ms CPU, {row['p50_ms']:.0f} ms p50", flush=True)
        for count in steps:
            lead = 3.0
            paper = contest_for(learner_ids[:count], opens_in=lead)
            tokens = list(tokens_for(learner_ids[:count]).values())
            cpu0, wall0 = server.cpu_seconds(), time.monotonic()
            samples = asyncio.run(herd(server.port, tokens, paper.pk, args, rng, lead))
            result = StepResult(
                count, samples, server.cpu_seconds() - cpu0, time.monotonic() - wall0
            )
            results.append(result)
            print(
                f"   {count} candidates: {len(samples)} requests, p50 {result.p(None, 0.5):.0f} ms,"
                f" p95 {result.p(None, 0.95):.0f} ms (start p95 {result.p('start', 0.95):.0f} ms),"
                f" errors {result.errors()} -> {'pass' if result.passed else 'FAIL'}",
                flush=True,
            )
            if not result.passed:
                break
    finally:
        server.stop()
    report = render(engine, args, costs, results, load, os.getloadavg())
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"exam_day-{engine}.md").write_text(report)
    print(report, flush=True)
    return report


def render(engine, args, costs, results, load_before, load_after) -> str:
    seated = max((r.candidates for r in results if r.passed), default=0)
    lines = [
        f"### Exam day herd, {'SQLite' if engine == 'sqlite' else 'PostgreSQL + Redis'}",
        "",
        f"{args.workers} gunicorn sync workers; starts within {args.start_window:.0f} s, sitting "
        f"compressed to {args.sitting_seconds:.0f} s, submits in its last {args.submit_window:.0f} s, "
        f"at most {args.max_inflight} requests in flight. Load average before/after: "
        f"{load_before[0]:.1f} / {load_after[0]:.1f} (2 cores).",
        "",
        f"**Largest herd seated with p95 < 1 s and no errors: {seated} candidates.**",
        "",
        "| candidates | requests | p50 ms | p95 ms | start p50/p95 ms | autosave p50/p95 ms"
        " | submit p50/p95 ms | errors | web CPU ms/request | result |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r.candidates} | {len(r.samples)} | {r.p(None, 0.5):.0f} | {r.p(None, 0.95):.0f}"
            f" | {r.p('start', 0.5):.0f} / {r.p('start', 0.95):.0f}"
            f" | {r.p('autosave', 0.5):.0f} / {r.p('autosave', 0.95):.0f}"
            f" | {r.p('submit', 0.5):.0f} / {r.p('submit', 0.95):.0f}"
            f" | {r.errors()} | {r.cpu_seconds * 1000 / max(1, len(r.samples)):.1f}"
            f" | {'pass' if r.passed else 'fail'} |"
        )
    lines += [
        "",
        "Per-request cost, one request at a time (web workers' CPU; 20 of each, 10 logins):",
        "",
        "| request | web CPU ms | wall p50 ms |",
        "| --- | --- | --- |",
    ]
    for kind, row in costs.items():
        lines.append(f"| {kind} | {row['cpu_ms']:.1f} | {row['p50_ms']:.0f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    args = parse_args()
    if args.engine == "both":
        for engine in ("sqlite", "postgres"):
            subprocess.run(
                [sys.executable, __file__, *sys.argv[1:], "--engine", engine], cwd=ROOT, check=True
            )
        return
    run_engine(args.engine, args)


if __name__ == "__main__":
    main()
