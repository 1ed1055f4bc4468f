from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exams.importing import export_questions
from exams.models import QuestionBank


class Command(BaseCommand):
    help = "把一个题库（含子分类）导出为 GIFT、Moodle XML 或 Excel 文件。"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--bank", required=True)
        parser.add_argument("--format", choices=["gift", "xml", "xlsx"], required=True)

    def handle(self, *args, path, bank, format, **options):  # noqa: A002
        found = QuestionBank.objects.filter(name=bank).order_by("depth", "path").first()
        if found is None:
            raise CommandError(f"没有名为“{bank}”的题库。")
        data, skipped = export_questions(bank=found, fmt=format)
        Path(path).write_bytes(data)
        for reason in skipped:
            self.stderr.write(f"未导出：{reason}")
        self.stdout.write(self.style.SUCCESS(f"已写入 {path}。"))
