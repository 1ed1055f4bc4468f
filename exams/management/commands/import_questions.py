from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from exams.bank.formats import FormatError
from exams.bank.importing import DEFAULT_BANK, format_for, import_questions, read_file
from learning.management.base import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_lazy("从 GIFT、Moodle XML 或 Excel 文件导入题目（全部成功或全部不导入）。")

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--bank", default=DEFAULT_BANK, help=gettext_lazy("导入到哪个题库（没有就新建）。")
        )
        parser.add_argument("--format", choices=["gift", "xml", "xlsx"], default=None)
        parser.add_argument(
            "--dry-run", action="store_true", help=gettext_lazy("只检查并报告，不写入。")
        )

    def handle(self, *args, path, bank, format=None, dry_run=False, **options):  # noqa: A002
        try:
            fmt = format_for(path, format)
            parsed = read_file(Path(path).read_bytes(), fmt)
        except (FormatError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        report = import_questions(parsed=parsed, bank_name=bank, dry_run=dry_run)
        for skipped in report.skipped:
            self.stderr.write(_("跳过：%(item)s") % {"item": skipped})
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(
                ngettext(
                    "文件有 %(count)s 处错误，未导入任何题目。",
                    "文件有 %(count)s 处错误，未导入任何题目。",
                    len(report.errors),
                )
                % {"count": len(report.errors)}
            )
        for warning in report.warnings:
            self.stderr.write(_("题库检查：%(problem)s") % {"problem": warning})
        if report.warnings:
            self.stderr.write(
                ngettext(
                    "题库检查发现 %(count)s 个问题（题目已照常导入）。",
                    "题库检查发现 %(count)s 个问题（题目已照常导入）。",
                    len(report.warnings),
                )
                % {"count": len(report.warnings)}
            )
        if dry_run:
            done = ngettext(
                "（试运行，未写入）将创建%(summary)s，共 %(total)s 道。",
                "（试运行，未写入）将创建%(summary)s，共 %(total)s 道。",
                report.total,
            )
        else:
            done = ngettext(
                "已创建%(summary)s，共 %(total)s 道。",
                "已创建%(summary)s，共 %(total)s 道。",
                report.total,
            )
        self.stdout.write(
            self.style.SUCCESS(done % {"summary": report.summary(), "total": report.total})
        )
