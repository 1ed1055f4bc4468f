"""How long importing a 2,000-question GIFT file takes (issue 5 asks for under 10 seconds).

Run: ``.venv/bin/python bench/gift_import.py [--questions N]``. Uses a fresh SQLite database
in a temporary folder unless DATABASE_URL is set (then that database must be a scratch one).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def gift_text(count: int) -> str:
    blocks = []
    for n in range(count):
        chapter = f"第{n % 20 + 1}章"
        if n % 3 == 0:
            blocks.append(f"$CATEGORY: $course$/top/压测/{chapter}")
        if n % 4 == 3:
            blocks.append(
                f"::判断{n}::第 {n} 题：社会工作者应当尊重服务对象的自决权。{{T####保密与自决是基本原则。}}"
            )
        elif n % 4 == 2:
            blocks.append(
                f"::多选{n}::第 {n} 题：下列属于小组工作类型的有（  ）。{{\n"
                "~%33.33333%教育小组#对\n~%33.33333%成长小组\n~%33.33333%支持小组\n~%-100%行政小组\n"
                "####行政小组不是小组工作的类型。\n}"
            )
        else:
            blocks.append(
                f'// xuetang: {{"chapter": "{chapter}", "knowledge_points": ["知识点{n % 50}"]}}\n'
                f"::单选{n}::第 {n} 题：社会工作的宗旨是（  ）。{{\n=助人自助#正确\n~维护秩序\n~管理服务对象\n~推销服务\n"
                "####社会工作以助人自助为宗旨。\n}"
            )
    return "\n\n".join(blocks) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=2000)
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="bench-gift-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learning.settings.test")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django_q.conf import Conf

    from exams.bank.formats import gift
    from exams.bank.importing import import_questions

    # Search indexing is queued as a task after the import commits; measure the import.
    Conf.SYNC = False
    call_command("migrate", verbosity=0)
    data = gift_text(args.questions).encode()
    started = time.perf_counter()
    parsed = gift.read(data)
    parsed_at = time.perf_counter()
    report = import_questions(parsed=parsed, bank_name="压测题库")
    finished = time.perf_counter()
    if not report.ok:
        raise SystemExit("; ".join(map(str, report.errors[:5])))
    total = finished - started
    print(f"GIFT import of {report.total} questions ({len(data) / 1024:.0f} KiB)")
    print(f"  parse  {parsed_at - started:6.2f} s")
    print(f"  save   {finished - parsed_at:6.2f} s")
    print(f"  total  {total:6.2f} s  = {total / 10:.2f} of the 10 s budget")


if __name__ == "__main__":
    main()
