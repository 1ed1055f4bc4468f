"""The API journey of the cluster check (bench/cluster.sh): one learner's session, each request
sent to the next web instance in turn, so every step proves that what one node wrote (a token,
an answer, points) the other reads.

    python bench/journey.py --base http://127.0.0.1:8701 --base http://127.0.0.1:8702 \\
        --phone 13800000001 --password xuetang2026

To add a step when a feature lands, write ``def step_name(journey: Journey) -> None`` using
``journey.call(...)`` (it checks the status and returns the JSON) and append it to ``STEPS``.
Standard library only; every request has a timeout and the whole journey a deadline.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable


class JourneyFailed(Exception):
    pass


class Journey:
    """A learner's API session spread over several web instances, round-robin."""

    def __init__(self, bases: list[str], phone: str, password: str, deadline: float):
        self.bases = itertools.cycle(bases)
        self.phone = phone
        self.password = password
        self.deadline = deadline
        self.token = ""
        self.requests = 0

    def call(
        self,
        method: str,
        path: str,
        *,
        body: dict | None = None,
        auth: bool = True,
        expect: int = 200,
        token: str | None = None,
    ) -> dict:
        """Send one request to the next instance; fail unless it answers ``expect``."""
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise JourneyFailed("the journey ran out of time")
        base = next(self.bases)
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if auth:
            headers["Authorization"] = f"Bearer {token if token is not None else self.token}"
        # Only the http:// bases given on the command line are ever opened.
        request = urllib.request.Request(base + path, data=data, headers=headers, method=method)  # noqa: S310
        self.requests += 1
        try:
            with urllib.request.urlopen(request, timeout=min(15, remaining)) as response:  # noqa: S310
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        except OSError as error:
            raise JourneyFailed(f"{method} {base}{path}: {error}") from error
        if status != expect:
            raise JourneyFailed(
                f"{method} {base}{path}: {status}, expected {expect}: {raw[:300]!r}"
            )
        return json.loads(raw) if raw else {}


def healthz(journey: Journey) -> None:
    for _ in range(2):  # both instances
        answer = journey.call("GET", "/healthz", auth=False)
        if answer != {"status": "ok", "database": "ok", "queue": "ok"}:
            raise JourneyFailed(f"/healthz: {answer}")


def log_in(journey: Journey) -> None:
    journey.call(
        "POST",
        "/api/v1/auth/token",
        body={"phone": journey.phone, "password": "wrong-" + journey.password},
        auth=False,
        expect=401,
    )
    answer = journey.call(
        "POST",
        "/api/v1/auth/token",
        body={"phone": journey.phone, "password": journey.password},
        auth=False,
    )
    journey.token = answer["token"]


def me(journey: Journey) -> None:
    for _ in range(2):  # the token issued by one instance works on the other
        answer = journey.call("GET", "/api/v1/me")
        if answer["phone"] != journey.phone or "total" not in answer["points"]:
            raise JourneyFailed(f"/api/v1/me: {answer}")
    journey.call("GET", "/api/v1/me", token="not-a-token", expect=401)  # noqa: S106


#: The journey, in order. Features append their steps (courses, lesson complete, practice
#: answer, attempt start/save/submit, leaderboard, reminders settings...).
STEPS: list[Callable[[Journey], None]] = [healthz, log_in, me]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", action="append", required=True, help="web instance URL")
    parser.add_argument("--phone", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--rounds", type=int, default=3, help="times to run the whole journey")
    parser.add_argument("--timeout", type=float, default=120, help="seconds for everything")
    args = parser.parse_args()
    journey = Journey(
        [base.rstrip("/") for base in args.base],
        args.phone,
        args.password,
        time.monotonic() + args.timeout,
    )
    try:
        for _round in range(args.rounds):
            for step in STEPS:
                step(journey)
    except (JourneyFailed, KeyError, ValueError) as error:
        print(f"journey FAILED in {step.__name__}: {error}", file=sys.stderr)
        return 1
    print(
        f"journey ok: {args.rounds} rounds, {journey.requests} requests over {len(args.base)} instances"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
