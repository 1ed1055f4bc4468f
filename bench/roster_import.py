"""How long importing a province's roster takes (issue 21 asks for 65,000 learners in 30 s).

Run: ``.venv/bin/python bench/roster_import.py [--learners N] [--format xlsx|csv]``. Uses a
fresh SQLite database in a temporary folder unless DATABASE_URL is set (then that database
must be a scratch one: the run migrates it and adds the learners).

The roster is spread as a province's is: 20 counties, 15 streets each, 20 communities per
street (6,000 communities, about 11 workers each), so the organisations are created too.
Reported: reading the file, checking the rows, writing them (the first import), and a second
import of the same file with a tenth of the learners renamed or moved, each with its query
count.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 30


def rows(count: int, *, changed_every: int = 0) -> list[list[str]]:
    posts, levels = ["正职", "副职", "一般工作人员"], ["初级", "中级", "高级", ""]
    out = []
    for n in range(count):
        community = n % 6000
        if changed_every and n % changed_every == 0:
            community = (community + 1) % 6000
        county, street, place = community // 300, community // 20 % 15, community % 20
        name = f"学员{n}" + ("（改）" if changed_every and n % changed_every == 1 else "")
        out.append(
            [
                name,
                f"1{3 + n % 7}{n:09d}",
                f"第{county + 1}县",
                f"第{county + 1}县{street + 1}街道",
                f"{county + 1}-{street + 1}-{place + 1}社区",
                posts[n % 3],
                str(n % 18 + 1),
                levels[n % 4],
            ]
        )
    return out


def write(path: Path, table: list[list[str]], columns: list[str]) -> Path:
    if path.suffix == ".csv":
        with open(path, "w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows(table)
        return path
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(columns)
    for row in table:
        sheet.append(row)
    workbook.save(path)
    return path


def timed_import(path: Path) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from learning.accounts.roster import import_roster, parse_rows, read_table

    started = time.perf_counter()
    records = read_table(path)
    read_at = time.perf_counter()
    _rows, errors = parse_rows(records)
    checked_at = time.perf_counter()
    if errors:
        raise SystemExit("; ".join(map(str, errors[:5])))
    with CaptureQueriesContext(connection) as queries:
        report = import_roster(records)
    finished = time.perf_counter()
    if not report.ok:
        raise SystemExit("; ".join(map(str, report.errors[:5])))
    return {
        "report": report,
        "read": read_at - started,
        "check": checked_at - read_at,
        # import_roster checks the rows again before writing: its time less the check
        "write": finished - checked_at - (checked_at - read_at),
        "total": finished - started,
        "queries": len(queries),
    }


def show(title: str, result: dict) -> None:
    report = result["report"]
    print(
        f"{title}: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.organisations_created} organisations"
    )
    for part in ("read", "check", "write"):
        print(f"  {part:<6} {result[part]:6.2f} s")
    print(
        f"  total  {result['total']:6.2f} s  = {result['total'] / BUDGET_SECONDS:.2f} of the "
        f"{BUDGET_SECONDS} s budget; {result['queries']} queries"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=65000)
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-roster-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learning.settings.test")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from learning.accounts.roster import COLUMNS

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    suffix = f".{args.format}"
    first = write(scratch / f"roster{suffix}", rows(args.learners), COLUMNS)
    second = write(scratch / f"changed{suffix}", rows(args.learners, changed_every=10), COLUMNS)
    print(f"Roster import of {args.learners} learners ({args.format}, {connection.vendor})")
    try:
        show("first import", timed_import(first))
        show("re-import, a tenth changed", timed_import(second))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
