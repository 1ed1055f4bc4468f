"""In-process CPU of a start (``POST /api/v1/papers/{id}/attempts``, 80 questions) and of the
plain view, through Django's WSGI handler as gunicorn calls it (issue 21 item 2).

Each request is a WSGI environ handed to ``WSGIHandler`` (the whole middleware stack, the
response closed so ``request_finished`` runs); its CPU is ``time.process_time`` around it.
The requests alternate start, plain view and ``GET /api/v1/me`` (what every token-authenticated
API request pays), after warm-up and ``gc.freeze()`` as gunicorn.conf.py does; medians are
printed. With ``--profile`` the starts run under cProfile instead and the top functions are
printed.

Run against a scratch copy of the benchmark database (starts are written and stay):

    cp bench/data/bench.sqlite3 /tmp/scratch.sqlite3
    DJANGO_SETTINGS_MODULE=learning.settings.bench DATABASE_URL=sqlite:////tmp/scratch.sqlite3 \\
        .venv/bin/python bench/start_cpu.py [--starts 80] [--warm 20] [--profile]
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(os.environ.get("BENCH_TREE", Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learning.settings.bench")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def environ(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> dict:
    path_info, _, query = path.partition("?")
    env = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "CONTENT_LENGTH": str(len(body)) if body or method != "GET" else "",
    }
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        env[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
    return env


#: Parts of a start: (module, attribute where the caller looks it up, label).
PARTS = [
    ("exams.attempts.services", "start_attempt", "service (start_attempt)"),
    ("exams.attempts.start_writes", "insert_attempt", "  INSERTs and commit (insert_attempt)"),
    ("exams.attempts.services", "_rows_from_variant", "  variant read and shuffle"),
    ("exams.papers.variants", "pick", "    variant read (variants.pick)"),
    ("exams.attempts.api", "started_json", "answer's JSON (started_json)"),
    ("exams.attempts.api", "paper_for", "paper (paper_for)"),
    ("learning.api", "user_for_token", "token (user_for_token)"),
    ("learning.api", "record_daily_login", "daily log-in check"),
]


def wrap_parts(parts: dict[str, list[float]]) -> None:
    import functools
    import importlib

    for module_name, attribute, label in PARTS:
        module = importlib.import_module(module_name)
        inner = getattr(module, attribute)
        times = parts.setdefault(label, [])

        def timed(*args, _inner=inner, _times=times, **kwargs):
            started = time.process_time()
            try:
                return _inner(*args, **kwargs)
            finally:
                _times.append((time.process_time() - started) * 1000)

        setattr(module, attribute, functools.wraps(inner)(timed))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--starts", type=int, default=80)
    parser.add_argument("--warm", type=int, default=20)
    parser.add_argument(
        "--profile", choices=["start", "me", "plain"], help="profile these requests"
    )
    parser.add_argument("--callees", help="with --profile: print what functions matching this call")
    parser.add_argument(
        "--parts",
        action="store_true",
        help="also time the parts of a start (functions wrapped where they are looked up)",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    from bench.endpoints import _paper, _pool_learners, _tokens

    paper = _paper()
    learners = _pool_learners(args.warm + args.starts + 1)
    from exams.models import Attempt

    busy = set(
        Attempt.objects.filter(paper=paper, state=Attempt.State.IN_PROGRESS).values_list(
            "learner_id", flat=True
        )
    )
    tokens = [_tokens[learner.pk] for learner in learners if learner.pk not in busy]
    if len(tokens) < args.warm + args.starts:
        print(f"only {len(tokens)} free learners: use a fresh copy of the data", file=sys.stderr)
        return 1
    code = learners[0].profile.organisation.code
    handler = WSGIHandler()
    parts: dict[str, list[float]] = {}
    if args.parts:
        wrap_parts(parts)
    statuses: list[str] = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    def serve(env) -> float:
        started = time.process_time()
        response = handler(env, start_response)
        b"".join(response)
        response.close()
        return (time.process_time() - started) * 1000

    def start(n: int) -> float:
        return serve(
            environ(
                "POST",
                f"/api/v1/papers/{paper.pk}/attempts",
                {"Authorization": f"Bearer {tokens[n]}", "Content-Type": "application/json"},
            )
        )

    def plain() -> float:
        return serve(environ("GET", f"/bench/baseline/?code={code}", {}))

    def me(n: int) -> float:
        return serve(environ("GET", "/api/v1/me", {"Authorization": f"Bearer {tokens[n]}"}))

    for n in range(args.warm):
        start(n)
        plain()
        me(n)
    if not all(status.startswith(("200", "201")) for status in statuses):
        print(f"unexpected statuses: {sorted(set(statuses))}", file=sys.stderr)
        return 1
    gc.collect()
    gc.freeze()
    if args.profile:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
        for n in range(args.warm, args.warm + args.starts):
            {"start": start, "me": me, "plain": lambda n: plain()}[args.profile](n)
        profile.disable()
        stats = pstats.Stats(profile)
        if args.callees:
            stats.sort_stats("cumulative").print_callees(args.callees)
            return 0
        stats.strip_dirs().sort_stats("cumulative").print_stats(60)
        stats.sort_stats("tottime").print_stats(40)
        return 0
    starts, plains, mes = [], [], []
    statuses.clear()
    for n in range(args.warm, args.warm + args.starts):
        starts.append(start(n))
        plains.append(plain())
        mes.append(me(n))
    if sorted(set(statuses)) != ["200 OK", "201 Created"]:
        print(f"unexpected statuses: {sorted(set(statuses))}", file=sys.stderr)
        return 1
    med = statistics.median
    for name, times in parts.items():
        if len(times) >= args.starts:
            print(f"  {name}: {med(times[-args.starts :]):.3f} ms")
    print(
        f"start {med(starts):.2f} ms  plain {med(plains):.2f} ms  me {med(mes):.2f} ms  "
        f"cpu ratio {med(plains) / med(starts):.2f}  (medians of {args.starts}; "
        f"means {statistics.mean(starts):.2f} / {statistics.mean(plains):.2f} / "
        f"{statistics.mean(mes):.2f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
