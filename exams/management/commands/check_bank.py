from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from exams.bank.check import check_bank, check_data
from exams.bank.data_modules import PACKAGE, bank_files
from exams.models import QuestionBank
from learning.management.base import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_lazy(
        "检查题库：答案是否在选项中、多选题答案数、重复题干、解析、大纲知识点、能否组成所用的试卷；"
        "发现问题时列出并以状态 1 退出。"
    )
    #: ``--data`` checks files and needs no database (CI runs it on a fresh checkout).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--bank", help=gettext_lazy("题库名称（含下级分类）；不填则检查全部题库。")
        )
        parser.add_argument(
            "--data",
            nargs="?",
            const=PACKAGE,
            default=None,
            metavar="PACKAGE",
            help=gettext_lazy(
                "检查以 Python 数据写成的题库（默认 %(package)s，即演示题库），而不是数据库。"
            )
            % {"package": PACKAGE},
        )

    def handle(self, *args, bank=None, data=None, **options):
        if data:
            files = bank_files(data)
            if not files:
                raise CommandError(_("%(package)s 下没有题库数据文件。") % {"package": data})
            reports = [(data, check_data(files))]
        else:
            banks = QuestionBank.get_root_nodes()
            if bank:
                banks = QuestionBank.objects.filter(name=bank)
                if not banks.exists():
                    raise CommandError(_("没有名为“%(bank)s”的题库。") % {"bank": bank})
            reports = [(b.category_path(), check_bank(b)) for b in banks.order_by("path")]
        failed = 0
        for name, report in reports:
            for level, subject in sorted(report.unchecked_syllabus):
                self.stdout.write(
                    _("%(bank)s：%(level)s/%(subject)s 没有考试大纲数据，未检查知识点。")
                    % {"bank": name, "level": level, "subject": subject}
                )
            for problem in report.problems:
                self.stderr.write(_("%(bank)s：%(problem)s") % {"bank": name, "problem": problem})
            failed += len(report.problems)
            self.stdout.write(
                ngettext(
                    "%(bank)s：检查 %(checked)s 道题，发现 %(count)s 个问题。",
                    "%(bank)s：检查 %(checked)s 道题，发现 %(count)s 个问题。",
                    len(report.problems),
                )
                % {"bank": name, "checked": report.checked, "count": len(report.problems)}
            )
        if failed:
            raise CommandError(
                ngettext(
                    "题库检查发现 %(count)s 个问题。", "题库检查发现 %(count)s 个问题。", failed
                )
                % {"count": failed}
            )
        self.stdout.write(self.style.SUCCESS(_("题库检查通过。")))
