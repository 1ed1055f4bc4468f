from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exams.bank.importing import export_questions
from exams.models import QuestionBank
from learning.management.base import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_lazy("把一个题库（含子分类）导出为 GIFT、Moodle XML 或 Excel 文件。")

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--bank", required=True)
        parser.add_argument("--format", choices=["gift", "xml", "xlsx"], required=True)

    def handle(self, *args, path, bank, format, **options):  # noqa: A002
        found = QuestionBank.objects.filter(name=bank).order_by("depth", "path").first()
        if found is None:
            raise CommandError(_("没有名为“%(bank)s”的题库。") % {"bank": bank})
        data, skipped = export_questions(bank=found, fmt=format)
        Path(path).write_bytes(data)
        for reason in skipped:
            self.stderr.write(_("未导出：%(reason)s") % {"reason": reason})
        self.stdout.write(self.style.SUCCESS(_("已写入 %(path)s。") % {"path": path}))
