from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exams.formats import FormatError
from exams.importing import DEFAULT_BANK, format_for, import_questions, read_file


class Command(BaseCommand):
    help = "从 GIFT、Moodle XML 或 Excel 文件导入题目（全部成功或全部不导入）。"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--bank", default=DEFAULT_BANK, help="导入到哪个题库（没有就新建）。")
        parser.add_argument("--format", choices=["gift", "xml", "xlsx"], default=None)
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入。")

    def handle(self, *args, path, bank, format=None, dry_run=False, **options):  # noqa: A002
        try:
            fmt = format_for(path, format)
            parsed = read_file(Path(path).read_bytes(), fmt)
        except (FormatError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        report = import_questions(parsed=parsed, bank_name=bank, dry_run=dry_run)
        for skipped in report.skipped:
            self.stderr.write(f"跳过：{skipped}")
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(f"文件有 {len(report.errors)} 处错误，未导入任何题目。")
        prefix = "（试运行，未写入）将创建" if dry_run else "已创建"
        self.stdout.write(self.style.SUCCESS(f"{prefix}{report.summary()}，共 {report.total} 道。"))
